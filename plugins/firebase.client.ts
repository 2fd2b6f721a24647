import { initializeApp } from 'firebase/app'
import { connectAuthEmulator, getAuth, onAuthStateChanged, type Auth } from 'firebase/auth'

interface AuthConfig { projectId: string, apiKey: string, authDomain: string, emulatorUrl: string | null }

/**
 * Firebase Auth in the browser, configured by the server at run time (/api/auth/config), so one build
 * serves any project — or the emulator in development. The session persists in IndexedDB (the SDK's
 * default), and `getIdToken()` refreshes the token before it expires.
 */
export default defineNuxtPlugin(async () => {
  const config = await $fetch<AuthConfig>('/api/auth/config')
  const app = initializeApp({ apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId })
  const auth = getAuth(app)
  if (config.emulatorUrl) connectAuthEmulator(auth, config.emulatorUrl, { disableWarnings: true })
  const session = useSessionUser()
  // The first callback tells whether a saved session exists; route middleware waits for it.
  await new Promise<void>((resolve) => {
    onAuthStateChanged(auth, (user) => {
      session.value = user ? { uid: user.uid, email: user.email ?? '' } : null
      resolve()
    })
  })
  return { provide: { firebaseAuth: auth as Auth } }
})
