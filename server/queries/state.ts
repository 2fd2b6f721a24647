import type { Database } from '../db/client'
import { epochMs, pickValue, type Scalar, type StoredValueRow } from './sql'

export interface MetricState {
  value: Scalar | null
  /** Epoch ms of the value (the device's timestamp). */
  ts: number
  quality: string | null
  unit: string | null
}

export interface PlcStateJson {
  tenant: string
  site: string
  plcId: string
  /** Epoch ms of the newest metric; null before the first value. */
  ts: number | null
  values: Record<string, Scalar | null>
  metrics: Record<string, MetricState>
}

/** The latest value of every metric of one PLC (plc_state, last-write-wins per metric on ingest). */
export async function plcState(db: Database, plc: { id: string, tenantId: string, tenant: string, site: string, plcId: string }): Promise<PlcStateJson> {
  const rows = await db.sql.query<StoredValueRow>(
    `select metric, value_num, value_bool, value_text, quality, unit, ${epochMs('ts')} as ts
     from plc_state where tenant_id = $1 and plc_id = $2 order by metric`,
    [plc.tenantId, plc.id])
  const state: PlcStateJson = { tenant: plc.tenant, site: plc.site, plcId: plc.plcId, ts: null, values: {}, metrics: {} }
  for (const r of rows) {
    const value = pickValue(r)
    state.values[r.metric] = value
    state.metrics[r.metric] = { value, ts: r.ts, quality: r.quality, unit: r.unit }
    state.ts = Math.max(state.ts ?? r.ts, r.ts)
  }
  return state
}
