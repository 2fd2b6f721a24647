import { inject } from 'vitest'
import type { Platform } from '../../server/platform'
import type { Role } from '../../server/auth/types'
import { DEMO_PASSWORD } from '../../server/auth/demo-users'
import { uniqueId } from './services'

/** The shared Auth emulator (tests/support/auth-emulator.global.ts). */
export const emulatorHost = () => inject('authEmulatorHost')

/** Environment for a built server that takes emulator tokens: development mode, shared emulator. */
export const emulatorServerEnv = () => ({ NODE_ENV: 'development', FIREBASE_AUTH_EMULATOR_HOST: emulatorHost() })

const identity = (method: string) => `http://${emulatorHost()}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=test-api-key`

/**
 * POSTs to the emulator's REST API. Once more if the emulator closed the kept-alive connection just
 * as the request went out (`other side closed`, UND_ERR_SOCKET): it never saw that request.
 */
async function postEmulator(method: string, body: object, retried = false): Promise<Response> {
  try {
    return await fetch(identity(method), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  } catch (err) {
    const code = ((err as Error).cause as { code?: string } | undefined)?.code
    if (retried || code !== 'UND_ERR_SOCKET') throw err
    return postEmulator(method, body, true)
  }
}

/** Signs in with email and password against the emulator, as the browser SDK does; returns the ID token. */
export async function signIn(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await postEmulator('signInWithPassword', { email, password, returnSecureToken: true })
  const body = await res.json() as { idToken?: string, error?: { message: string } }
  if (!body.idToken) throw new Error(`sign-in of ${email} failed: ${body.error?.message}`)
  return body.idToken
}

/**
 * A user of a test's own (unique email), known to the platform with this role and plant access;
 * returns an ID token for them.
 */
export async function createUser(p: Platform, u: { tenantId: string | null, role: Role, plantIds?: string[], platformAdmin?: boolean }): Promise<{ email: string, uid: string, token: string }> {
  const email = `${uniqueId('user')}@test.local`
  const { uid } = await p.auth.firebase.auth.createUser({ email, password: DEMO_PASSWORD, emailVerified: true })
  await p.db.sql.query(
    `insert into users (firebase_uid, email, tenant_id, role, plant_access, platform_admin) values ($1, $2, $3, $4, $5::uuid[], $6)`,
    [uid, email, u.tenantId, u.role, `{${(u.plantIds ?? []).join(',')}}`, u.platformAdmin ?? false])
  return { email, uid, token: await signIn(email) }
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A new emulator account (unverified, unknown to the platform): its uid and an ID token. */
export async function newAccount(email = `${uniqueId('user')}@test.local`): Promise<{ email: string, uid: string, token: string }> {
  const res = await postEmulator('signUp', { email, password: DEMO_PASSWORD, returnSecureToken: true })
  const body = await res.json() as { localId: string, idToken: string }
  if (!res.ok) throw new Error(`sign-up of ${email} failed: ${JSON.stringify(body)}`)
  return { email, uid: body.localId, token: body.idToken }
}
