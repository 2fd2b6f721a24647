import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import type { MachineJson } from './machine-schemas'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, scopeClauses, whereAll } from './sql'

export interface MachineFilter {
  site?: string
  status?: MachineJson['status']
}

const SELECT = `select c.plc_id as "plcId", c.name, c.machine_type as "machineType", c.status, p.slug as site, t.slug as tenant, g.thing_name as "gatewayId",
    ${epochMs('c.created_at')} as "createdAt",
    (select ${epochMs('max(s.ts)')} from plc_state s where s.plc_id = c.id) as "lastValueAt"
  from plcs c join plants p on p.id = c.plant_id join tenants t on t.id = c.tenant_id
  left join gateways g on g.id = c.gateway_id`

/** The machines (PLCs) in the caller's scope, by tenant, site and PLC id; e.g. the pending ones to approve. */
export async function listMachines(sql: SqlClient, scope: ReadScope, filter: MachineFilter, page: PageRequest): Promise<Page<MachineJson>> {
  const { p, values } = sqlParams()
  const where = scopeClauses(scope, p, { tenantId: 'c.tenant_id', tenantSlug: 't.slug', plantId: 'c.plant_id' })
  if (filter.site) where.push(`p.slug = ${p(filter.site)}`)
  if (filter.status) where.push(`c.status = ${p(filter.status)}`)
  where.push(...afterKey(['t.slug', 'p.slug', 'c.plc_id'], page.after, p))
  const rows = await sql.query<MachineJson>(`${SELECT} ${whereAll(where)} order by t.slug, p.slug, c.plc_id limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.tenant, r.site, r.plcId], r => r)
}

async function getMachine(sql: SqlClient, id: string): Promise<MachineJson & { tenantId: string }> {
  const [row] = await sql.query<MachineJson & { tenantId: string }>(`${SELECT.replace('select ', 'select c.tenant_id as "tenantId", ')} where c.id = $1`, [id])
  return row!
}

const withoutTenantId = ({ tenantId: _tenantId, lastValueAt: _lastValueAt, ...m }: MachineJson & { tenantId: string }) => m

/** Runs a change of one machine and records it with the machine as it was and is; the machine after. */
function changeMachine(sql: SqlClient, actor: string, id: string, action: string, change: (tx: SqlClient) => Promise<unknown>): Promise<MachineJson> {
  return sql.transaction(async (tx) => {
    const before = await getMachine(tx, id)
    await change(tx)
    const after = await getMachine(tx, id)
    await appendAudit(tx, { tenantId: after.tenantId, actor, action, entity: 'machine', entityId: id, before: withoutTenantId(before), after: withoutTenantId(after) })
    const { tenantId: _tenantId, ...machine } = after
    return machine
  })
}

/** Approves (active) or rejects a machine; a name given with it replaces the current one. */
export function setMachineStatus(sql: SqlClient, actor: string, id: string, status: 'active' | 'rejected', name?: string): Promise<MachineJson> {
  return changeMachine(sql, actor, id, status === 'active' ? 'machine.approve' : 'machine.reject',
    tx => tx.query('update plcs set status = $2, name = coalesce($3, name) where id = $1', [id, status, name ?? null]))
}

/** Renames a machine and/or sets its type; null clears either, undefined keeps it. */
export function updateMachine(sql: SqlClient, actor: string, id: string, change: { name?: string | null, machineType?: string | null }): Promise<MachineJson> {
  return changeMachine(sql, actor, id, 'machine.update', tx => tx.query(
    `update plcs set name = case when $2 then $3 else name end, machine_type = case when $4 then $5 else machine_type end where id = $1`,
    [id, change.name !== undefined, change.name ?? null, change.machineType !== undefined, change.machineType ?? null]))
}

export type ClaimOutcome = { outcome: 'claimed', machine: MachineJson } | { outcome: 'not_found' } | { outcome: 'not_pending' }

/**
 * Claims a pending machine of a plant by its claim code (`{gateway}/{plcId}`): the PLC must have sent
 * through that gateway. Claiming makes it active, and names it if a name is given.
 */
export async function claimMachine(sql: SqlClient, actor: string, plantId: string, code: { gatewayId: string, plcId: string }, name?: string): Promise<ClaimOutcome> {
  const [found] = await sql.query<{ id: string, status: string }>(
    `select c.id, c.status from plcs c join gateways g on g.id = c.gateway_id where c.plant_id = $1 and c.plc_id = $2 and g.thing_name = $3`,
    [plantId, code.plcId, code.gatewayId])
  if (!found) return { outcome: 'not_found' }
  let claimed = false
  const machine = await changeMachine(sql, actor, found.id, 'machine.claim', async (tx) => {
    const rows = await tx.query(`update plcs set status = 'active', name = coalesce($2, name) where id = $1 and status = 'pending' returning id`, [found.id, name ?? null])
    // Nothing changed: roll back, so no entry is written for a claim that did not happen.
    if (!rows.length) throw new NotPending()
    claimed = true
  }).catch((err) => {
    if (err instanceof NotPending) return undefined
    throw err
  })
  return claimed && machine ? { outcome: 'claimed', machine } : { outcome: 'not_pending' }
}

class NotPending extends Error {}
