// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  modules: ['@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Plant Telemetry',
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }]
    }
  },
  future: { compatibilityVersion: 3 },
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    // Native and WASM packages stay in node_modules instead of being bundled.
    externals: { inline: [] }
  },
  typescript: { strict: true, typeCheck: false },
  telemetry: false,
  eslint: {
    config: { stylistic: { commaDangle: 'never', braceStyle: '1tbs' } }
  }
})
