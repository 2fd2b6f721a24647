import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import type { GatewayDetailJson, GatewayJson, GatewayStatusJson } from './gateway-schemas'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, pgArray, scopeClauses, whereAll } from './sql'

/** A gateway with the row ids other queries need. */
export interface GatewayRecord extends GatewayJson {
  id: string
  tenantId: string
  plantId: string
}

export interface GatewayFilter {
  site?: string
  status?: GatewayJson['status']
  approval?: GatewayJson['approval']
}

const SELECT = `select g.id, g.tenant_id as "tenantId", g.plant_id as "plantId", g.thing_name as "gatewayId", g.name,
    p.slug as site, t.slug as tenant, g.approval, g.status, g.status_reason as "statusReason",
    ${epochMs('g.status_changed_at')} as "statusChangedAt", ${epochMs('g.last_seen_at')} as "lastSeenAt",
    ${epochMs('g.last_heartbeat_at')} as "lastHeartbeatAt", g.health,
    (select count(*)::int from plcs c where c.gateway_id = g.id) as machines,
    ${epochMs('g.created_at')} as "createdAt"
  from gateways g join plants p on p.id = g.plant_id join tenants t on t.id = g.tenant_id`

const SCOPE = { tenantId: 'g.tenant_id', tenantSlug: 't.slug', plantId: 'g.plant_id' }

const toJson = ({ id: _id, tenantId: _tenantId, plantId: _plantId, ...gateway }: GatewayRecord): GatewayJson => gateway

/** The gateways in the caller's scope, by tenant, site and thing name. */
export async function listGateways(sql: SqlClient, scope: ReadScope, filter: GatewayFilter, page: PageRequest): Promise<Page<GatewayJson>> {
  const { p, values } = sqlParams()
  const where = scopeClauses(scope, p, SCOPE)
  if (filter.site) where.push(`p.slug = ${p(filter.site)}`)
  if (filter.status) where.push(`g.status = ${p(filter.status)}`)
  if (filter.approval) where.push(`g.approval = ${p(filter.approval)}`)
  where.push(...afterKey(['t.slug', 'p.slug', 'g.thing_name'], page.after, p))
  const rows = await sql.query<GatewayRecord>(`${SELECT} ${whereAll(where)} order by t.slug, p.slug, g.thing_name limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.tenant, r.site, r.gatewayId], toJson)
}

/** The gateways with this thing name in the caller's scope: one, none, or one per tenant for a platform admin. */
export async function findGateways(sql: SqlClient, scope: ReadScope, thingName: string): Promise<GatewayRecord[]> {
  const { p, values } = sqlParams()
  const where = [...scopeClauses(scope, p, SCOPE), `g.thing_name = ${p(thingName)}`]
  return sql.query<GatewayRecord>(`${SELECT} ${whereAll(where)}`, values)
}

/** A gateway with the PLCs whose messages came through it (those the caller may see). */
export async function gatewayDetail(sql: SqlClient, scope: ReadScope, gateway: GatewayRecord): Promise<GatewayDetailJson> {
  const plcs = await sql.query<GatewayDetailJson['plcs'][number]>(
    `select c.plc_id as "plcId", p.slug as site, c.name, c.status from plcs c join plants p on p.id = c.plant_id
     where c.gateway_id = $1 and ($2::uuid[] is null or c.plant_id = any($2::uuid[])) order by p.slug, c.plc_id`,
    [gateway.id, scope.plantIds ? pgArray(scope.plantIds) : null])
  return { ...toJson(gateway), plcs }
}

/** A gateway's online/offline transitions, newest first, optionally within [from, to] (epoch ms). */
export async function gatewayStatusHistory(sql: SqlClient, gatewayId: string, range: { from?: number, to?: number }, page: PageRequest): Promise<Page<GatewayStatusJson>> {
  const { p, values } = sqlParams()
  const where = [`gateway_id = ${p(gatewayId)}`, ...afterKey(['id'], page.after, p, true)]
  if (range.from !== undefined) where.push(`at >= to_timestamp(${p(range.from)}::float8 / 1000)`)
  if (range.to !== undefined) where.push(`at <= to_timestamp(${p(range.to)}::float8 / 1000)`)
  const rows = await sql.query<GatewayStatusJson>(
    `select id, status, reason, ${epochMs('at')} as at from gateway_status_history ${whereAll(where)} order by id desc limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.id], r => r)
}

const getGateway = async (sql: SqlClient, id: string) => (await sql.query<GatewayRecord>(`${SELECT} where g.id = $1`, [id]))[0]!

// Only what an admin sets: status and health change with every heartbeat and are no admin change.
const auditedFields = (g: GatewayRecord) => ({ tenant: g.tenant, site: g.site, gatewayId: g.gatewayId, name: g.name, approval: g.approval })

/** Renames a gateway (null clears the name) and/or approves or rejects it. */
export function updateGateway(sql: SqlClient, actor: string, id: string, change: { name?: string | null, approval?: 'active' | 'rejected' }): Promise<GatewayJson> {
  return sql.transaction(async (tx) => {
    const before = await getGateway(tx, id)
    await tx.query(
      `update gateways set name = case when $2 then $3 else name end, approval = coalesce($4, approval) where id = $1`,
      [id, change.name !== undefined, change.name ?? null, change.approval ?? null])
    const after = await getGateway(tx, id)
    const action = change.approval ? `gateway.${change.approval === 'active' ? 'approve' : 'reject'}` : 'gateway.rename'
    await appendAudit(tx, { tenantId: after.tenantId, actor, action, entity: 'gateway', entityId: id, before: auditedFields(before), after: auditedFields(after) })
    return toJson(after)
  })
}
