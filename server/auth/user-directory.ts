import type { SqlClient } from '../db/client'
import type { VerifiedToken } from './firebase'
import type { AuthContext, Role } from './types'

interface UserRow {
  id: string
  email: string
  firebase_uid: string | null
  tenant_id: string | null
  tenant_slug: string | null
  role: Role
  plant_access: string[]
  platform_admin: boolean
}

interface Cached {
  ctx: AuthContext | null
  expires: number
}

/** Long enough to spare the database on every request, short enough to bound a missed invalidation. */
const TTL_MS = 30_000

/**
 * Turns a verified Firebase identity into its access context from the users table — the source of
 * truth (SPEC §9). Cached per uid; `invalidate` is called on every instance when users change.
 */
export class UserDirectory {
  private cache = new Map<string, Cached>()

  constructor(private sql: SqlClient, private adminEmails: string[]) {}

  /** The caller's context, or null when the platform does not know them. */
  async lookup(id: VerifiedToken): Promise<AuthContext | null> {
    const hit = this.cache.get(id.uid)
    if (hit && hit.expires > Date.now()) return hit.ctx
    const ctx = await this.load(id)
    this.cache.set(id.uid, { ctx, expires: Date.now() + TTL_MS })
    return ctx
  }

  invalidate(uid?: string): void {
    if (uid) this.cache.delete(uid)
    else this.cache.clear()
  }

  private async load(id: VerifiedToken): Promise<AuthContext | null> {
    const row = await this.findByUid(id.uid) ?? (id.emailVerified ? await this.claimInvitation(id) : undefined)
    // ADMIN_EMAILS bootstraps the first admin of a deployment; only a verified email counts.
    const listedAdmin = id.emailVerified && this.adminEmails.includes(id.email)
    if (!row) return listedAdmin ? { uid: id.uid, email: id.email, tenantId: null, tenantSlug: null, role: 'admin', plantAccess: 'all', platformAdmin: true } : null
    return {
      uid: id.uid,
      email: row.email,
      tenantId: row.tenant_id,
      tenantSlug: row.tenant_slug,
      role: row.role,
      plantAccess: row.plant_access.length ? row.plant_access : 'all',
      platformAdmin: row.platform_admin || listedAdmin
    }
  }

  private async findByUid(uid: string): Promise<UserRow | undefined> {
    const rows = await this.sql.query<UserRow>(`${SELECT} where u.firebase_uid = $1`, [uid])
    return rows[0]
  }

  // A user invited by email before their first sign-in gets their Firebase uid linked now.
  private async claimInvitation(id: VerifiedToken): Promise<UserRow | undefined> {
    await this.sql.query(`update users set firebase_uid = $1 where lower(email) = $2 and firebase_uid is null`, [id.uid, id.email])
    return this.findByUid(id.uid)
  }
}

const SELECT = `select u.id, u.email, u.firebase_uid, u.tenant_id, t.slug as tenant_slug, u.role,
  u.plant_access::text[] as plant_access, u.platform_admin
  from users u left join tenants t on t.id = u.tenant_id`
