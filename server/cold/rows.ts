import type { SqlClient } from '../db/client'
import { epochMs } from '../queries/sql'

/** One raw telemetry row as archived: ids replaced by the names the field uses. */
export interface ArchiveRow {
  plc: string
  metric: string
  ts: number
  valueNum: number | null
  valueBool: boolean | null
  valueText: string | null
  quality: string | null
  unit: string | null
  seq: number | null
  key: string
  receivedAt: number
}

export const ARCHIVE_COLUMNS = ['plc', 'metric', 'ts', 'valueNum', 'valueBool', 'valueText', 'quality', 'unit', 'seq', 'key', 'receivedAt'] as const

/** The plants that have raw rows on a UTC day (`YYYY-MM-DD`), read from `table` (the parent or one partition). */
export function plantsWithRows(sql: SqlClient, day: string, table = 'telemetry_events') {
  return sql.query<{ tenantId: string, plantId: string, tenant: string, plant: string }>(
    `select distinct c.tenant_id as "tenantId", c.plant_id as "plantId", t.slug as tenant, p.slug as plant
     from ${table} e join plcs c on c.id = e.plc_id join plants p on p.id = c.plant_id join tenants t on t.id = c.tenant_id
     where e.ts >= $1::date and e.ts < $1::date + 1 order by t.slug, p.slug`, [day])
}

/**
 * A plant's raw rows of a UTC day in a fixed order (PLC, metric, time, key), read through a cursor:
 * the export and its verification read the same rows the same way, so their digests compare.
 */
export async function* dayRows(sql: SqlClient, plantId: string, day: string, table = 'telemetry_events'): AsyncGenerator<ArchiveRow[]> {
  const batches = sql.cursor<ArchiveRow>(
    `select c.plc_id as plc, e.metric, ${epochMs('e.ts')} as ts, e.value_num as "valueNum", e.value_bool as "valueBool",
       e.value_text as "valueText", e.quality, e.unit, e.seq, e.key, ${epochMs('e.received_at')} as "receivedAt"
     from ${table} e join plcs c on c.id = e.plc_id
     where c.plant_id = $1 and e.ts >= $2::date and e.ts < $2::date + 1
     order by c.plc_id, e.metric, e.ts, e.key`, [plantId, day], 5000)
  for await (const batch of batches) {
    // postgres.js returns int8 as text: seq is a number in the archive, as in the API.
    yield batch.map(r => ({ ...r, ts: Number(r.ts), receivedAt: Number(r.receivedAt), seq: r.seq === null ? null : Number(r.seq) }))
  }
}
