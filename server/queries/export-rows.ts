import type { Database } from '../db/client'
import type { BucketSize } from './buckets'
import { bucketQuery, type BucketItem } from './history-buckets'
import { epochMs, fromMs, pickValue, sqlParams, type Scalar } from './sql'

export interface ExportWindow {
  plc: { id: string, tenantId: string }
  from: number
  to: number
  /** Sorted, as plcMetrics returns them: the order rows with the same ts come out in. */
  metrics: string[]
}

export interface RawExportRow {
  ts: number
  metric: string
  value: Scalar | null
  quality: string | null
  unit: string | null
}

interface RawRow {
  ts: number
  metric: string
  value_num: number | null
  value_bool: boolean | null
  value_text: string | null
  quality: string | null
  unit: string | null
}

/** Rows per cursor fetch: large enough that round trips do not dominate, small enough to stay light. */
const BATCH = 2000

/**
 * Every raw value of the PLC in [from, to] ordered by (ts, metric, key), in batches from a cursor.
 * The primary key leads with (plc_id, metric): one branch per metric reads its rows in index order
 * and Postgres merges the branches (Merge Append) instead of sorting the whole range first, so the
 * first rows go out at once and nothing is held whatever the size.
 */
export async function* rawExportRows(db: Database, w: ExportWindow): AsyncGenerator<RawExportRow[]> {
  if (!w.metrics.length) return
  const { p, values } = sqlParams()
  const [tenantId, plcId, from, to] = [p(w.plc.tenantId), p(w.plc.id), fromMs(p(w.from)), fromMs(p(w.to))]
  const branches = w.metrics.map(m => `(select ts, metric, key, value_num, value_bool, value_text, quality, unit from telemetry_events
    where tenant_id = ${tenantId} and plc_id = ${plcId} and metric = ${p(m)} and ts >= ${from} and ts <= ${to} order by ts, key)`)
  const text = `select ${epochMs('ts')} as ts, metric, value_num, value_bool, value_text, quality, unit
    from (${branches.join(' union all ')}) u order by u.ts, u.metric, u.key`
  for await (const rows of db.sql.cursor<RawRow>(text, values, BATCH)) {
    yield rows.map(r => ({ ts: r.ts, metric: r.metric, value: pickValue(r), quality: r.quality, unit: r.unit }))
  }
}

/** The history route's buckets over [from, to], all of them, in batches from a cursor. */
export async function* bucketExportRows(db: Database, w: ExportWindow, size: BucketSize): AsyncGenerator<BucketItem[]> {
  if (!w.metrics.length) return
  const { text, values } = bucketQuery({ ...w }, size)
  for await (const rows of db.sql.cursor<BucketItem & { ts_us?: string }>(text, values, BATCH)) {
    yield rows.map(({ ts_us: _us, ...item }) => item)
  }
}
