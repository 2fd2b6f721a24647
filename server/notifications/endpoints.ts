import { randomBytes } from 'node:crypto'
import { appendAudit } from '../audit/append'
import { toPage, type Page, type PageRequest } from '../admin/page'
import { afterKey, pgArray, whereAll } from '../admin/sql'
import type { SqlClient } from '../db/client'
import { epochMs, sqlParams } from '../queries/sql'
import type { EndpointCreate, EndpointJson, EndpointPatch } from './endpoint-schemas'
import { siteSlugs } from './sites'

const SELECT = `select e.id, t.slug as tenant, e.name, e.url, e.severities, ${siteSlugs('e.plant_ids')} as sites, e.events, e.enabled,
    right(e.secret, 4) as "secretHint", ${epochMs('e.created_at')} as "createdAt", ${epochMs('e.updated_at')} as "updatedAt"
  from notification_endpoints e join tenants t on t.id = e.tenant_id`

/** A tenant's endpoints by name. */
export async function listEndpoints(sql: SqlClient, tenantId: string, page: PageRequest): Promise<Page<EndpointJson>> {
  const { p, values } = sqlParams()
  const where = [`e.tenant_id = ${p(tenantId)}`, ...afterKey(['e.name', 'e.id::text'], page.after, p)]
  const rows = await sql.query<EndpointJson>(`${SELECT} ${whereAll(where)} order by e.name, e.id::text limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.name, r.id], r => r)
}

export async function getEndpoint(sql: SqlClient, tenantId: string, id: string): Promise<EndpointJson | undefined> {
  const [row] = await sql.query<EndpointJson>(`${SELECT} where e.tenant_id = $1 and e.id = $2`, [tenantId, id])
  return row
}

// The chain is kept forever and read by every auditor of the tenant: no part of the secret goes in.
function audit(tx: SqlClient, actor: string, tenantId: string, verb: string, id: string, before?: EndpointJson, after?: EndpointJson) {
  const strip = (e?: EndpointJson) => e && { ...e, secretHint: undefined }
  return appendAudit(tx, { tenantId, actor, action: `notification_endpoint.${verb}`, entity: 'notification_endpoint', entityId: id, before: strip(before), after: strip(after) })
}

/** A random secret: 32 bytes, base64url. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

/** Creates an endpoint; returns it with its secret (the only time the secret is shown). */
export function createEndpoint(sql: SqlClient, actor: string, tenantId: string, input: EndpointCreate, plantIds: string[]): Promise<EndpointJson & { secret: string }> {
  const secret = input.secret ?? newSecret()
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into notification_endpoints (tenant_id, name, url, secret, severities, plant_ids, events, enabled)
       values ($1, $2, $3, $4, $5::text[], $6::uuid[], $7::text[], $8) returning id`,
      [tenantId, input.name, input.url, secret, pgArray(input.severities), pgArray(plantIds), pgArray(input.events), input.enabled])
    const created = (await getEndpoint(tx, tenantId, row!.id))!
    await audit(tx, actor, tenantId, 'create', row!.id, undefined, created)
    return { ...created, secret }
  })
}

/** Changes an endpoint; undefined if the tenant has none with this id. */
export function updateEndpoint(sql: SqlClient, actor: string, tenantId: string, id: string, patch: Omit<EndpointPatch, 'sites'>, plantIds?: string[]): Promise<EndpointJson | undefined> {
  return sql.transaction(async (tx) => {
    const before = await getEndpoint(tx, tenantId, id)
    if (!before) return undefined
    const { p, values } = sqlParams()
    const sets = ['updated_at = now()']
    if (patch.name !== undefined) sets.push(`name = ${p(patch.name)}`)
    if (patch.url !== undefined) sets.push(`url = ${p(patch.url)}`)
    if (patch.secret !== undefined) sets.push(`secret = ${p(patch.secret)}`)
    if (patch.severities) sets.push(`severities = ${p(pgArray(patch.severities))}::text[]`)
    if (patch.events) sets.push(`events = ${p(pgArray(patch.events))}::text[]`)
    if (plantIds) sets.push(`plant_ids = ${p(pgArray(plantIds))}::uuid[]`)
    if (patch.enabled !== undefined) sets.push(`enabled = ${p(patch.enabled)}`)
    await tx.query(`update notification_endpoints set ${sets.join(', ')} where tenant_id = ${p(tenantId)} and id = ${p(id)}`, values)
    const after = (await getEndpoint(tx, tenantId, id))!
    await audit(tx, actor, tenantId, patch.secret !== undefined ? 'update_secret' : 'update', id, before, after)
    return after
  })
}

/** Deletes an endpoint and its delivery log; false if the tenant has none with this id. */
export function deleteEndpoint(sql: SqlClient, actor: string, tenantId: string, id: string): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const before = await getEndpoint(tx, tenantId, id)
    if (!before) return false
    await tx.query('delete from notification_endpoints where tenant_id = $1 and id = $2', [tenantId, id])
    await audit(tx, actor, tenantId, 'delete', id, before)
    return true
  })
}
