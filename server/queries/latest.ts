import type { Database } from '../db/client'
import { epochMs, pickValue, sqlParams, type Scalar, type StoredValueRow } from './sql'
import type { ReadScope } from './scope'

export interface LatestJson {
  tenant: string
  site: string
  plcId: string
  metric: string
  value: Scalar | null
  /** Epoch ms. */
  ts: number
  quality: string | null
  unit: string | null
}

interface LatestRow extends StoredValueRow {
  tenant: string
  site: string
  plc_id: string
}

/** The newest latest-values across the PLCs in the caller's scope, newest first. */
export async function latestValues(db: Database, scope: ReadScope, q: { limit: number }): Promise<LatestJson[]> {
  const { p, values } = sqlParams()
  const where = [
    scope.tenantId && `s.tenant_id = ${p(scope.tenantId)}::uuid`,
    scope.plantIds && `c.plant_id = any(${p(`{${scope.plantIds.join(',')}}`)}::uuid[])`,
    scope.tenant && `t.slug = ${p(scope.tenant)}`
  ].filter(Boolean)
  const rows = await db.sql.query<LatestRow>(
    `select t.slug as tenant, pl.slug as site, c.plc_id, s.metric, s.value_num, s.value_bool, s.value_text,
            s.quality, s.unit, ${epochMs('s.ts')} as ts
     from plc_state s
     join plcs c on c.id = s.plc_id
     join plants pl on pl.id = c.plant_id
     join tenants t on t.id = s.tenant_id
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by s.ts desc, t.slug, pl.slug, c.plc_id, s.metric
     limit ${p(q.limit)}::int`,
    values)
  return rows.map(r => ({
    tenant: r.tenant, site: r.site, plcId: r.plc_id, metric: r.metric, value: pickValue(r), ts: r.ts, quality: r.quality, unit: r.unit
  }))
}
