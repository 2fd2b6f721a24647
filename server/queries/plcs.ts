import { and, asc, eq, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { gateways, plants, plcs, tenants } from '../db/schema'
import { scopeConditions, type ReadScope } from './scope'

export interface PlcJson {
  plcId: string
  name: string | null
  status: 'pending' | 'active' | 'rejected'
  site: string
  tenant: string
  /** The gateway's thing name, once a message came through one. */
  gatewayId: string | null
  /** Epoch ms. */
  createdAt: number
}

/** A PLC with the row ids other queries need; never returned to clients as is. */
export interface PlcRecord extends PlcJson {
  id: string
  tenantId: string
  plantId: string
}

export interface PlcFilter {
  site?: string
  plcId?: string
}

/** PLCs in the caller's scope matching the filter, ordered by tenant, site, plc id. */
export async function findPlcs(db: Database, scope: ReadScope, where: PlcFilter = {}): Promise<PlcRecord[]> {
  const filters: SQL[] = scopeConditions(scope)
  if (where.site) filters.push(eq(plants.slug, where.site))
  if (where.plcId) filters.push(eq(plcs.plcId, where.plcId))
  const rows = await db.orm
    .select({
      id: plcs.id, tenantId: plcs.tenantId, plantId: plcs.plantId, plcId: plcs.plcId, name: plcs.name, status: plcs.status,
      site: plants.slug, tenant: tenants.slug, gatewayId: gateways.thingName, createdAt: plcs.createdAt
    })
    .from(plcs)
    .innerJoin(plants, eq(plants.id, plcs.plantId))
    .innerJoin(tenants, eq(tenants.id, plcs.tenantId))
    .leftJoin(gateways, eq(gateways.id, plcs.gatewayId))
    .where(and(...filters))
    .orderBy(asc(tenants.slug), asc(plants.slug), asc(plcs.plcId))
  return rows.map(r => ({ ...r, createdAt: r.createdAt.getTime() }))
}

/** The public shape of a PLC. */
export function toPlcJson({ id: _id, tenantId: _tenantId, plantId: _plantId, ...plc }: PlcRecord): PlcJson {
  return plc
}

/** PLCs as clients see them. */
export async function listPlcs(db: Database, scope: ReadScope, where: PlcFilter = {}): Promise<PlcJson[]> {
  return (await findPlcs(db, scope, where)).map(toPlcJson)
}
