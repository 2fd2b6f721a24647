import { signInWithEmailAndPassword, signOut as firebaseSignOut } from 'firebase/auth'

export interface SessionUser { uid: string, email: string }

/** The signed-in user (null when signed out), kept current by plugins/firebase.client.ts. */
export const useSessionUser = () => useState<SessionUser | null>('session-user', () => null)

/** Sign-in, sign-out and the ID token for API calls. */
export function useSession() {
  const { $firebaseAuth } = useNuxtApp()
  const user = useSessionUser()
  return {
    user,
    signIn: (email: string, password: string) => signInWithEmailAndPassword($firebaseAuth, email, password),
    signOut: () => firebaseSignOut($firebaseAuth),
    /** A valid ID token, refreshed by the SDK when it is about to expire; null when signed out. */
    token: async () => (await $firebaseAuth.currentUser?.getIdToken()) ?? null
  }
}
