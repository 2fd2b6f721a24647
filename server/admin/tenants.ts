import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import { epochMs, sqlParams } from '../queries/sql'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, whereAll } from './sql'
import { purgeTelemetry } from './purge'
import type { TenantJson } from './tenant-schemas'

interface TenantRow extends TenantJson {
  id: string
}

const SELECT = `select t.id, t.slug as tenant, t.name,
    (select count(*)::int from plants p where p.tenant_id = t.id) as plants,
    (select count(*)::int from users u where u.tenant_id = t.id) as users,
    ${epochMs('t.created_at')} as "createdAt"
  from tenants t`

const toJson = ({ id: _id, ...tenant }: TenantRow): TenantJson => tenant

/** Every tenant, by slug. */
export async function listTenants(sql: SqlClient, page: PageRequest): Promise<Page<TenantJson>> {
  const { p, values } = sqlParams()
  const rows = await sql.query<TenantRow>(
    `${SELECT} ${whereAll(afterKey(['t.slug'], page.after, p))} order by t.slug limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.tenant], toJson)
}

export async function getTenant(sql: SqlClient, slug: string): Promise<TenantJson | undefined> {
  const [row] = await sql.query<TenantRow>(`${SELECT} where t.slug = $1`, [slug])
  return row && toJson(row)
}

/** Creates a tenant (audited on the platform chain); undefined when the slug is taken. */
export function createTenant(sql: SqlClient, actor: string, t: { tenant: string, name: string }): Promise<TenantJson | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) on conflict (slug) do nothing returning id', [t.tenant, t.name])
    if (!row) return undefined
    const after = await getTenant(tx, t.tenant)
    await appendAudit(tx, { tenantId: null, actor, action: 'tenant.create', entity: 'tenant', entityId: row.id, after })
    return after
  })
}

/** Renames a tenant; undefined when there is no such tenant. */
export function renameTenant(sql: SqlClient, actor: string, slug: string, name: string): Promise<TenantJson | undefined> {
  return sql.transaction(async (tx) => {
    const before = await getTenant(tx, slug)
    const [row] = await tx.query<{ id: string }>('update tenants set name = $2 where slug = $1 returning id', [slug, name])
    if (!row) return undefined
    const after = await getTenant(tx, slug)
    await appendAudit(tx, { tenantId: null, actor, action: 'tenant.rename', entity: 'tenant', entityId: row.id, before, after })
    return after
  })
}

export type TenantDeletion = { outcome: 'deleted', tenantId: string } | { outcome: 'not_found' } | { outcome: 'not_empty' }

/**
 * Deletes a tenant with everything it owns (plants, gateways, PLCs and their data, users, rules,
 * dead letters, and its audit chain: the deletion itself stays on the platform chain). A tenant
 * that has plants is kept unless `force`: that is a lot to lose to a slip.
 */
export function deleteTenant(sql: SqlClient, actor: string, slug: string, force: boolean): Promise<TenantDeletion> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string, plants: number }>(
      'select id, (select count(*)::int from plants p where p.tenant_id = t.id) as plants from tenants t where slug = $1', [slug])
    if (!row) return { outcome: 'not_found' }
    if (row.plants > 0 && !force) return { outcome: 'not_empty' }
    const before = await getTenant(tx, slug)
    await purgeTelemetry(tx, 'select id from plcs where tenant_id = $1', [row.id])
    await tx.query('delete from tenants where id = $1', [row.id])
    await appendAudit(tx, { tenantId: null, actor, action: 'tenant.delete', entity: 'tenant', entityId: row.id, before, after: { force } })
    return { outcome: 'deleted', tenantId: row.id }
  })
}
