import type { SqlClient } from '../../server/db/client'
import { ensurePlant } from '../../server/db/demo-data'
import { emptyBatch, writeBatch, type PointRow } from '../../server/ingest/store'
import type { PersistMode } from '../../server/config/env'

export type Value = number | boolean | string

/** One value as a gateway would have sent it, and how it is kept. */
export interface Point { metric: string, ts: number, value: Value, mode?: PersistMode, quality?: string, unit?: string }

export interface TestPlc { tenantId: string, plantId: string, id: string }

/** A tenant, plant and active PLC, as an admin would have set them up. */
export async function createPlc(sql: SqlClient, p: { tenant: string, province: string, plant: string, plcId: string }): Promise<TestPlc> {
  const { tenantId, plantId } = await ensurePlant(sql, { tenant: p.tenant, tenantName: p.tenant, province: p.province, plant: p.plant, plantName: p.plant })
  const [plc] = await sql.query<{ id: string }>(
    `insert into plcs (tenant_id, plant_id, plc_id, status) values ($1, $2, $3, 'active') returning id`, [tenantId, plantId, p.plcId])
  return { tenantId, plantId, id: plc!.id }
}

/**
 * Stores values through the ingest's own writer (server/ingest/store.ts), so the raw rows, the
 * per-minute and hourly aggregates and the latest state are exactly what the MQTT path keeps.
 */
export async function storePoints(sql: SqlClient, plc: TestPlc, points: Point[], chunk = 20_000): Promise<void> {
  for (let i = 0; i < points.length; i += chunk) {
    const batch = emptyBatch()
    batch.points = points.slice(i, i + chunk).map((p, j) => toRow(plc, p, i + j))
    await writeBatch(sql, batch, Date.now())
  }
}

function toRow(plc: TestPlc, p: Point, seq: number): PointRow {
  return {
    tenantId: plc.tenantId, plcId: plc.id, metric: p.metric, ts: p.ts,
    n: typeof p.value === 'number' ? p.value : null,
    b: typeof p.value === 'boolean' ? p.value : null,
    s: typeof p.value === 'string' ? p.value : null,
    quality: p.quality ?? 'GOOD', unit: p.unit ?? null, seq, key: `s${seq}`, mode: p.mode ?? 'both'
  }
}
