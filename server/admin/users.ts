import type { Auth } from 'firebase-admin/auth'
import { appendAudit } from '../audit/append'
import type { Role } from '../auth/types'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, pgArray, scopeClauses, whereAll } from './sql'
import type { UserJson } from './user-schemas'

/** Whose users a caller manages: a tenant's (never its platform admins), or — for platform admins — all. */
export interface UserScope extends ReadScope {
  platformAdmins: boolean
}

interface UserRow extends Omit<UserJson, 'plants'> {
  tenantId: string | null
  firebaseUid: string | null
  /** Site slugs; null: every plant. */
  plants: string[] | null
}

const SELECT = `select u.id, u.email, t.slug as tenant, u.tenant_id as "tenantId", u.firebase_uid as "firebaseUid", u.role,
    case when cardinality(u.plant_access) = 0 then null
         else array(select p.slug from plants p where p.id = any(u.plant_access) order by p.slug) end as plants,
    u.platform_admin as "platformAdmin", ${epochMs('u.created_at')} as "createdAt"
  from users u left join tenants t on t.id = u.tenant_id`

function conditions(scope: UserScope, p: (value: unknown) => string): string[] {
  const out = scopeClauses(scope, p, { tenantId: 'u.tenant_id', tenantSlug: 't.slug' })
  if (!scope.platformAdmins) out.push('not u.platform_admin')
  return out
}

const toJson = ({ tenantId: _tenantId, firebaseUid: _uid, ...u }: UserRow): UserJson => ({ ...u, plants: u.plants ?? 'all' })

/** The users the caller manages, by email; `q` keeps those whose email contains it. */
export async function listUsers(sql: SqlClient, scope: UserScope, filter: { role?: Role, q?: string }, page: PageRequest): Promise<Page<UserJson>> {
  const { p, values } = sqlParams()
  const where = conditions(scope, p)
  if (filter.role) where.push(`u.role = ${p(filter.role)}`)
  // Case-insensitive substring; strpos takes `%` and `_` literally, as typed (LIKE would not).
  if (filter.q) where.push(`strpos(lower(u.email), ${p(filter.q)}) > 0`)
  where.push(...afterKey(['u.email'], page.after, p))
  const rows = await sql.query<UserRow>(`${SELECT} ${whereAll(where)} order by u.email limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.email], toJson)
}

async function findUser(sql: SqlClient, scope: UserScope, id: string): Promise<UserRow | undefined> {
  const { p, values } = sqlParams()
  const [row] = await sql.query<UserRow>(`${SELECT} ${whereAll([`u.id = ${p(id)}`, ...conditions(scope, p)])}`, values)
  return row
}

/** Plant ids of a tenant's site slugs ('all': none, which the users table reads as every plant). */
async function plantIds(sql: SqlClient, tenantId: string | null, plants: 'all' | string[]): Promise<{ ids: string[] } | { unknown: string[] }> {
  if (plants === 'all') return { ids: [] }
  const rows = await sql.query<{ id: string, slug: string }>('select id, slug from plants where tenant_id = $1 and slug = any($2::text[])', [tenantId, pgArray(plants)])
  const unknown = plants.filter(s => !rows.some(r => r.slug === s))
  return unknown.length ? { unknown } : { ids: rows.map(r => r.id) }
}

/** A Firebase Auth failure the API reports: a field it refused, or the provider being unusable. */
type FirebaseFailure = { outcome: 'invalid', field: 'email' | 'password', message: string } | { outcome: 'provider_error', message: string }

function firebaseFailure(err: unknown): FirebaseFailure {
  const { code = '', message = String(err) } = err as { code?: string, message?: string }
  if (code === 'auth/invalid-email') return { outcome: 'invalid', field: 'email', message }
  if (code === 'auth/invalid-password') return { outcome: 'invalid', field: 'password', message }
  return { outcome: 'provider_error', message }
}

const isNotFound = (err: unknown) => (err as { code?: string }).code === 'auth/user-not-found'

interface UserCreated { outcome: 'created', user: UserJson, firebaseUid: string, passwordResetLink: string | null }
export type UserCreation = UserCreated | { outcome: 'user_exists' } | { outcome: 'account_exists' } | { outcome: 'unknown_plants', unknown: string[] } | FirebaseFailure

/**
 * Creates a user: their Firebase account (or links the one this email has already, leaving its
 * password alone) and their users row. Without a password the account has none, and the result
 * carries a password-reset link for the user to set it.
 */
export async function createUser(sql: SqlClient, auth: Auth, actor: string, u: { tenantId: string, email: string, role: Role, plants: 'all' | string[], password?: string }): Promise<UserCreation> {
  const plants = await plantIds(sql, u.tenantId, u.plants)
  if ('unknown' in plants) return { outcome: 'unknown_plants', unknown: plants.unknown }
  if ((await sql.query('select 1 from users where lower(email) = $1', [u.email])).length) return { outcome: 'user_exists' }
  let account: { uid: string, created: boolean } | undefined
  let passwordResetLink: string | null = null
  try {
    const existing = await auth.getUserByEmail(u.email).catch((err) => {
      if (isNotFound(err)) return undefined
      throw err
    })
    // Someone else's password is not ours to set.
    if (existing && u.password) return { outcome: 'account_exists' }
    account = existing ? { uid: existing.uid, created: false } : { uid: (await auth.createUser({ email: u.email, ...(u.password ? { password: u.password } : {}) })).uid, created: true }
    if (!u.password) passwordResetLink = await auth.generatePasswordResetLink(u.email)
  } catch (err) {
    if (account?.created) await auth.deleteUser(account.uid).catch(() => {})
    return firebaseFailure(err)
  }
  const user = await insertUser(sql, actor, { ...u, uid: account.uid, plantIds: plants.ids })
  if (!user) {
    if (account.created) await auth.deleteUser(account.uid).catch(() => {})
    return { outcome: 'user_exists' }
  }
  return { outcome: 'created', user, firebaseUid: account.uid, passwordResetLink }
}

/** The users row of an invitation, audited; undefined when the email has one already. */
function insertUser(sql: SqlClient, actor: string, u: { uid: string, email: string, tenantId: string, role: Role, plantIds: string[] }): Promise<UserJson | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into users (firebase_uid, email, tenant_id, role, plant_access) values ($1, $2, $3, $4, $5::uuid[])
       on conflict do nothing returning id`, [u.uid, u.email, u.tenantId, u.role, pgArray(u.plantIds)])
    if (!row) return undefined
    const user = toJson((await findUser(tx, { platformAdmins: true }, row.id))!)
    await appendAudit(tx, { tenantId: u.tenantId, actor, action: 'user.invite', entity: 'user', entityId: row.id, after: user })
    return user
  })
}

interface UserUpdated { outcome: 'updated', user: UserJson, firebaseUid: string | null }
export type UserUpdate = UserUpdated | { outcome: 'not_found' } | { outcome: 'last_admin' } | { outcome: 'admin_plants' } | { outcome: 'unknown_plants', unknown: string[] }

/** Would this change leave the user's tenant without an admin? Every tenant keeps one. */
async function isLastAdmin(sql: SqlClient, user: UserRow): Promise<boolean> {
  if (user.role !== 'admin' || !user.tenantId) return false
  const others = await sql.query(`select 1 from users where tenant_id = $1 and role = 'admin' and id <> $2 limit 1`, [user.tenantId, user.id])
  return others.length === 0
}

/** Changes a user's role and/or plant access (site slugs of their tenant). An admin's access is always every plant. */
export function updateUser(sql: SqlClient, actor: string, scope: UserScope, id: string, change: { role?: Role, plants?: 'all' | string[] }): Promise<UserUpdate> {
  return sql.transaction(async (tx) => {
    const user = await findUser(tx, scope, id)
    if (!user) return { outcome: 'not_found' }
    const role = change.role ?? user.role
    if (role !== 'admin' && await isLastAdmin(tx, user)) return { outcome: 'last_admin' }
    if (role === 'admin' && change.plants !== undefined && change.plants !== 'all') return { outcome: 'admin_plants' }
    const plants = await plantIds(tx, user.tenantId, role === 'admin' ? 'all' : change.plants ?? 'all')
    if ('unknown' in plants) return { outcome: 'unknown_plants', unknown: plants.unknown }
    const keepPlants = role !== 'admin' && change.plants === undefined
    await tx.query('update users set role = $2, plant_access = case when $3 then plant_access else $4::uuid[] end where id = $1',
      [id, role, keepPlants, pgArray(plants.ids)])
    const after = toJson((await findUser(tx, scope, id))!)
    await appendAudit(tx, { tenantId: user.tenantId, actor, action: 'user.update', entity: 'user', entityId: id, before: toJson(user), after })
    return { outcome: 'updated', user: after, firebaseUid: user.firebaseUid }
  })
}

export type UserDeletion = { outcome: 'deleted', firebaseUid: string | null } | { outcome: 'not_found' } | { outcome: 'last_admin' }

/**
 * Deletes a user's row, then their Firebase account (best effort: without the row the account has no
 * access anyway), so they cannot sign in again.
 */
export async function deleteUser(sql: SqlClient, auth: Auth, actor: string, scope: UserScope, id: string): Promise<UserDeletion> {
  const deletion = await sql.transaction(async (tx): Promise<UserDeletion> => {
    const user = await findUser(tx, scope, id)
    if (!user) return { outcome: 'not_found' }
    if (await isLastAdmin(tx, user)) return { outcome: 'last_admin' }
    await tx.query('delete from users where id = $1', [id])
    await appendAudit(tx, { tenantId: user.tenantId, actor, action: 'user.delete', entity: 'user', entityId: id, before: toJson(user) })
    return { outcome: 'deleted', firebaseUid: user.firebaseUid }
  })
  if (deletion.outcome === 'deleted' && deletion.firebaseUid) await auth.deleteUser(deletion.firebaseUid).catch(() => {})
  return deletion
}
