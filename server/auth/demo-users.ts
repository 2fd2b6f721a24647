import type { Auth } from 'firebase-admin/auth'
import type { SqlClient } from '../db/client'
import type { Role } from './types'

export const DEMO_PASSWORD = 'demo-password'

interface DemoUser {
  email: string
  tenant: string | null
  role: Role
  /** Plant slugs; none means every plant of the tenant. */
  plants?: string[]
  platformAdmin?: boolean
}

/** One user per role of the demo tenant, an admin of the second tenant and a platform admin. */
export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@demo.local', tenant: 'granix', role: 'admin' },
  { email: 'manager@demo.local', tenant: 'granix', role: 'manager' },
  { email: 'operator@demo.local', tenant: 'granix', role: 'plant_operator', plants: ['planta-1'] },
  { email: 'viewer@demo.local', tenant: 'granix', role: 'viewer' },
  { email: 'admin@other.local', tenant: 'other', role: 'admin' },
  { email: 'platform@demo.local', tenant: null, role: 'admin', platformAdmin: true }
]

/**
 * Creates the demo users in the Auth emulator (never in a real project: the password is public)
 * and in the users table. Idempotent: a restart finds them and only refreshes the rows.
 */
export async function seedDemoUsers(auth: Auth, sql: SqlClient): Promise<void> {
  for (const u of DEMO_USERS) {
    const uid = await ensureFirebaseUser(auth, u.email)
    await sql.query(
      `insert into users (firebase_uid, email, tenant_id, role, plant_access, platform_admin)
       select $1, $2, (select id from tenants where slug = $3), $4,
              coalesce((select array_agg(p.id) from plants p join tenants t on t.id = p.tenant_id
                        where t.slug = $3 and p.slug = any($5::text[])), '{}'), $6
       on conflict (email) do update set firebase_uid = excluded.firebase_uid`,
      [uid, u.email, u.tenant, u.role, `{${(u.plants ?? []).join(',')}}`, u.platformAdmin ?? false])
  }
}

// Several platforms may share one emulator (tests do): whoever creates the user first wins.
async function ensureFirebaseUser(auth: Auth, email: string): Promise<string> {
  const existing = await auth.getUserByEmail(email).catch(notFoundAsNull)
  if (existing) return existing.uid
  try {
    return (await auth.createUser({ email, password: DEMO_PASSWORD, emailVerified: true })).uid
  } catch (err) {
    if ((err as { code?: string }).code !== 'auth/email-already-exists') throw err
    return (await auth.getUserByEmail(email)).uid
  }
}

function notFoundAsNull(err: unknown): null {
  if ((err as { code?: string }).code === 'auth/user-not-found') return null
  throw err
}
