import { randomUUID } from 'node:crypto'
import { applicationDefault, deleteApp, initializeApp, type App } from 'firebase-admin/app'
import { getAuth, type Auth } from 'firebase-admin/auth'
import type { AuthConfig } from '../config/env'

export interface VerifiedToken {
  uid: string
  email: string
  emailVerified: boolean
}

export interface FirebaseAuth {
  /** The Admin SDK's user management (create, invite, disable users). */
  auth: Auth
  /** Checks an ID token; rejects with `InvalidTokenError` or, when Google cannot be reached, `AuthUnavailableError`. */
  verify(token: string): Promise<VerifiedToken>
  close(): Promise<void>
}

export class InvalidTokenError extends Error {}
export class AuthUnavailableError extends Error {}

/**
 * One firebase-admin app per platform. Verification is bounded by `verifyTimeoutMs`: firebase-admin
 * fetches Google's certificates with no timeout, and behind a dropping firewall that waited minutes
 * (STACK-NOTES 16). In emulator mode firebase-admin follows FIREBASE_AUTH_EMULATOR_HOST, which the
 * caller sets to the emulator in use.
 */
export function createFirebaseAuth(config: AuthConfig): FirebaseAuth {
  const app: App = initializeApp({
    projectId: config.projectId,
    // Only user management needs a service account; verifying tokens needs the project id alone.
    ...(process.env.GOOGLE_APPLICATION_CREDENTIALS ? { credential: applicationDefault() } : {})
  }, `plant-telemetry-${randomUUID()}`)
  const auth = getAuth(app)
  return {
    auth,
    async verify(token) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AuthUnavailableError(`token verification took longer than ${config.verifyTimeoutMs} ms`)), config.verifyTimeoutMs)
      })
      try {
        const decoded = await Promise.race([auth.verifyIdToken(token), timeout])
        if (!decoded.email) throw new InvalidTokenError('token has no email')
        return { uid: decoded.uid, email: decoded.email.toLowerCase(), emailVerified: decoded.email_verified === true }
      } catch (err) {
        if (err instanceof AuthUnavailableError || err instanceof InvalidTokenError) throw err
        throw isNetworkFailure(err) ? new AuthUnavailableError((err as Error).message) : new InvalidTokenError((err as Error).message)
      } finally {
        clearTimeout(timer)
      }
    },
    close: () => deleteApp(app)
  }
}

// firebase-admin reports a failed certificate fetch as `auth/internal-error` (or app/network-error).
function isNetworkFailure(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? ''
  return code === 'auth/internal-error' || code.startsWith('app/network')
}
