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

/** Creates a tenant; undefined when the slug is taken. */
export async function createTenant(sql: SqlClient, t: { tenant: string, name: string }): Promise<TenantJson | undefined> {
  const rows = await sql.query('insert into tenants (slug, name) values ($1, $2) on conflict (slug) do nothing returning id', [t.tenant, t.name])
  return rows.length ? getTenant(sql, t.tenant) : undefined
}

/** Renames a tenant; undefined when there is no such tenant. */
export async function renameTenant(sql: SqlClient, slug: string, name: string): Promise<TenantJson | undefined> {
  const rows = await sql.query('update tenants set name = $2 where slug = $1 returning id', [slug, name])
  return rows.length ? getTenant(sql, slug) : undefined
}

export type TenantDeletion = { outcome: 'deleted', tenantId: string } | { outcome: 'not_found' } | { outcome: 'not_empty' }

/**
 * Deletes a tenant with everything it owns (plants, gateways, PLCs and their data, users, rules,
 * dead letters). A tenant that has plants is kept unless `force`: that is a lot to lose to a slip.
 */
export function deleteTenant(sql: SqlClient, slug: string, force: boolean): Promise<TenantDeletion> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string, plants: number }>(
      'select id, (select count(*)::int from plants p where p.tenant_id = t.id) as plants from tenants t where slug = $1', [slug])
    if (!row) return { outcome: 'not_found' }
    if (row.plants > 0 && !force) return { outcome: 'not_empty' }
    await purgeTelemetry(tx, 'select id from plcs where tenant_id = $1', [row.id])
    await tx.query('delete from tenants where id = $1', [row.id])
    return { outcome: 'deleted', tenantId: row.id }
  })
}
