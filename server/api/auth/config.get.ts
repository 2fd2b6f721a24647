/**
 * What the browser's Firebase SDK needs to sign in — public by nature (a web API key identifies the
 * project, it grants nothing). In emulator mode the SDK connects to `emulatorUrl`.
 */
export default defineEventHandler(async () => {
  const { auth } = await usePlatform()
  return {
    mode: auth.mode,
    projectId: auth.projectId,
    apiKey: auth.config.apiKey,
    authDomain: auth.config.authDomain ?? `${auth.projectId}.firebaseapp.com`,
    emulatorUrl: auth.emulatorUrl ?? null
  }
})
