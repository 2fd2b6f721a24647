// https://nuxt.com/docs/api/configuration/nuxt-config
import { fileURLToPath } from 'node:url'

export default defineNuxtConfig({
  // UI kit: PrimeVue 4 (styled mode, Aura preset). Chosen over Nuxt UI 3 because it runs fully offline
  // with nothing extra: no Tailwind toolchain, no @nuxt/fonts download at build time and no Iconify API
  // at run time (icons are the local primeicons font); its components are imported on use, so a page
  // ships only what it renders. It has the data widgets an operator UI needs (DataTable, Select,
  // Tag, Toast, Dialog) with keyboard and ARIA support built in.
  modules: ['@nuxt/eslint', 'nuxt-security', '@pinia/nuxt', '@nuxtjs/i18n', '@primevue/nuxt-module'],
  // A control-room app behind a sign-in: every page renders in the browser with the user's token.
  ssr: false,
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Plant Telemetry',
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }]
    }
  },
  css: ['primeicons/primeicons.css', '~/assets/css/app.css'],
  future: { compatibilityVersion: 3 },
  experimental: {
    // Links fetch their page's code when hovered or focused, not whenever they are on screen: an
    // admin's navigation names a dozen pages, and a tablet on a plant network should not download
    // them all behind the dashboard it shows.
    defaults: { nuxtLink: { prefetchOn: { visibility: false, interaction: true } } }
  },
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    // Native and WASM packages stay in node_modules instead of being bundled.
    externals: { inline: [] },
    // Swagger UI for /api/docs, served by the app itself.
    publicAssets: [{ dir: fileURLToPath(new URL('./node_modules/swagger-ui-dist', import.meta.url)), baseURL: '/_swagger', maxAge: 86_400 }]
  },
  typescript: { strict: true, typeCheck: false },
  telemetry: false,
  eslint: {
    config: { stylistic: { commaDangle: 'never', braceStyle: '1tbs' } }
  },
  i18n: {
    // Same URLs in both languages (the app sits behind a sign-in; nothing to index).
    strategy: 'no_prefix',
    defaultLocale: 'en',
    locales: [
      { code: 'en', language: 'en-US', name: 'English', file: 'en.json' },
      { code: 'es', language: 'es-ES', name: 'Español', file: 'es.json' }
    ],
    detectBrowserLanguage: { useCookie: true, cookieKey: 'pt_lang', redirectOn: 'root', fallbackLocale: 'en', alwaysRedirect: false },
    bundle: { optimizeTranslationDirective: false }
  },
  primevue: {
    importTheme: { from: '~/assets/theme.ts', as: 'AppTheme' },
    // Editor and Chart wrap quill and chart.js, which are not installed (charts are ECharts).
    components: { exclude: ['Editor', 'Chart'] }
  },
  security: {
    headers: {
      contentSecurityPolicy: {
        'default-src': ['\'self\''],
        // The SPA's boot script is inline; Vue binds styles inline.
        'script-src': ['\'self\'', '\'unsafe-inline\''],
        'style-src': ['\'self\'', '\'unsafe-inline\''],
        'img-src': ['\'self\'', 'data:', 'https:'],
        // Firebase Auth (Google APIs, or the emulator on loopback in development) and the live WebSocket.
        'connect-src': ['\'self\'', 'ws:', 'wss:', 'https://*.googleapis.com', 'http://127.0.0.1:*', 'http://localhost:*'],
        'frame-src': ['\'self\'', 'https://*.firebaseapp.com'],
        'upgrade-insecure-requests': false
      },
      // Dashboards show widget icons from other origins.
      crossOriginEmbedderPolicy: false
    },
    // Limits are per user and per failed login (server/middleware/02.auth.ts); zod validates input.
    rateLimiter: false,
    xssValidator: false,
    corsHandler: false,
    requestSizeLimiter: { maxRequestSizeInBytes: 1_000_000, maxUploadFileRequestInBytes: 1_000_000 }
  }
})
