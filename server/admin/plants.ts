import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { epochMs, sqlParams } from '../queries/sql'
import { toPage, type Page, type PageRequest } from './page'
import { afterKey, scopeClauses, whereAll } from './sql'
import type { PlantJson } from './plant-schemas'
import { purgeTelemetry } from './purge'

/** A plant with the row ids writes need. */
export interface PlantRecord extends PlantJson {
  id: string
  tenantId: string
}

const SELECT = `select p.id, p.tenant_id as "tenantId", p.slug as site, p.name, p.province, t.slug as tenant,
    (select count(*)::int from gateways g where g.plant_id = p.id) as gateways,
    (select count(*)::int from plcs c where c.plant_id = p.id) as machines,
    (select count(*)::int from plcs c where c.plant_id = p.id and c.status = 'pending') as "pendingMachines",
    ${epochMs('p.created_at')} as "createdAt"
  from plants p join tenants t on t.id = p.tenant_id`

const SCOPE = { tenantId: 'p.tenant_id', tenantSlug: 't.slug', plantId: 'p.id' }

export const toPlantJson = ({ id: _id, tenantId: _tenantId, ...plant }: PlantRecord): PlantJson => plant

/** The plants in the caller's scope, by tenant and site. */
export async function listPlants(sql: SqlClient, scope: ReadScope, page: PageRequest): Promise<Page<PlantJson>> {
  const { p, values } = sqlParams()
  const where = [...scopeClauses(scope, p, SCOPE), ...afterKey(['t.slug', 'p.slug'], page.after, p)]
  const rows = await sql.query<PlantRecord>(`${SELECT} ${whereAll(where)} order by t.slug, p.slug limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.tenant, r.site], toPlantJson)
}

/** The plants with this site slug in the caller's scope: one, none, or — for a platform admin — one per tenant. */
export async function findPlants(sql: SqlClient, scope: ReadScope, site: string): Promise<PlantRecord[]> {
  const { p, values } = sqlParams()
  const where = [...scopeClauses(scope, p, SCOPE), `p.slug = ${p(site)}`]
  return sql.query<PlantRecord>(`${SELECT} ${whereAll(where)}`, values)
}

async function getPlant(sql: SqlClient, id: string): Promise<PlantRecord> {
  const [row] = await sql.query<PlantRecord>(`${SELECT} where p.id = $1`, [id])
  return row!
}

/** Creates a plant in a tenant; undefined when the tenant has this site already. */
export function createPlant(sql: SqlClient, actor: string, tenantId: string, plant: { province: string, slug: string, name: string }): Promise<PlantJson | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into plants (tenant_id, province, slug, name) values ($1, $2, $3, $4)
       on conflict (tenant_id, slug) do nothing returning id`, [tenantId, plant.province, plant.slug, plant.name])
    if (!row) return undefined
    const after = toPlantJson(await getPlant(tx, row.id))
    await appendAudit(tx, { tenantId, actor, action: 'plant.create', entity: 'plant', entityId: row.id, after })
    return after
  })
}

/** Renames a plant and/or corrects its province. */
export function updatePlant(sql: SqlClient, actor: string, id: string, change: { name?: string, province?: string }): Promise<PlantJson> {
  return sql.transaction(async (tx) => {
    const before = await getPlant(tx, id)
    await tx.query('update plants set name = coalesce($2, name), province = coalesce($3, province) where id = $1', [id, change.name ?? null, change.province ?? null])
    const after = toPlantJson(await getPlant(tx, id))
    await appendAudit(tx, { tenantId: before.tenantId, actor, action: 'plant.update', entity: 'plant', entityId: id, before: toPlantJson(before), after })
    return after
  })
}

/**
 * Deletes a plant with its gateways, PLCs, their data, dashboards and rules, and takes it out of
 * users' plant access (an array, so no foreign key does it). One that has gateways or machines is
 * kept unless `force`. False when it was kept.
 */
export function deletePlant(sql: SqlClient, actor: string, plant: PlantRecord, force: boolean): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ used: boolean }>(
      `select exists (select 1 from plcs where plant_id = $1) or exists (select 1 from gateways where plant_id = $1) as used`, [plant.id])
    if (row!.used && !force) return false
    await purgeTelemetry(tx, 'select id from plcs where plant_id = $1', [plant.id])
    await tx.query('delete from plants where id = $1', [plant.id])
    const narrowed = await tx.query<{ id: string }>(
      'update users set plant_access = array_remove(plant_access, $1::uuid) where $1::uuid = any(plant_access) returning id', [plant.id])
    await appendAudit(tx, { tenantId: plant.tenantId, actor, action: 'plant.delete', entity: 'plant', entityId: plant.id, before: toPlantJson(plant), after: { force, usersNarrowed: narrowed.length } })
    return true
  })
}
