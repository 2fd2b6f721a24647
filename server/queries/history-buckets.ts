import type { Database } from '../db/client'
import { BUCKETS, isHourlyBucket, type BucketSize } from './buckets'
import { encodeCursor } from './cursor'
import type { HistoryWindow, Page } from './history-raw'
import { epochMs, epochUs, fromMs, fromUs, sqlParams } from './sql'

export interface BucketItem {
  /** Bucket start, epoch ms (buckets are aligned to the Unix epoch, so days start at 00:00 UTC). */
  ts: number
  metric: string
  /** Booleans count as 0/1; text values count in `count` but have no avg/min/max. */
  avg: number | null
  min: number | null
  max: number | null
  count: number
}

interface BucketRow extends BucketItem {
  ts_us: string
}

const MINUTE_MS = 60_000
// The same numeric reading of a value as the aggregates keep (ingest: booleans as 0/1).
const NUM = 'coalesce(value_num, value_bool::int::float8)'

/**
 * Per (bucket start, metric) aggregates of one PLC, ordered by (bucket, metric) with a keyset cursor.
 * Widths up to 15m combine the per-minute aggregates of the minutes wholly inside [from, to] with the
 * raw rows of the partial minutes at either end, so they are exact and read at most two minutes of raw
 * rows. Wider ones re-aggregate telemetry_hourly, whose hours are counted whole when they overlap.
 */
export async function bucketHistory(db: Database, w: HistoryWindow, size: BucketSize): Promise<Page<BucketItem>> {
  const { text, values } = bucketQuery(w, size, w.limit + 1)
  const rows = await db.sql.query<BucketRow>(text, values)
  const page = rows.slice(0, w.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(({ ts_us: _us, ...item }) => item),
    nextCursor: rows.length > w.limit && last ? encodeCursor({ bucket: size, tsUs: last.ts_us, metric: last.metric }) : null
  }
}

/** The SQL of `bucketHistory` (rows carry `ts_us` besides the item), at most `limit` rows, or all of them. */
export function bucketQuery(w: Omit<HistoryWindow, 'limit'>, size: BucketSize, limit?: number): { text: string, values: unknown[] } {
  const { p, values } = sqlParams()
  const width = `(${p(BUCKETS[size])}::int * interval '1 second')`
  const source = isHourlyBucket(size) ? hourlyPoints(w, p) : minutePoints(w, p)
  // Averaged in numeric: a float8 sum depends on scan order, so a page read after a cursor could differ
  // from the same bucket read in one go in the last digits.
  const after = w.cursor ? `where (b, metric) > (${fromUs(p(w.cursor.tsUs))}, ${p(w.cursor.metric)})` : ''
  const text = `select ${epochMs('b')} as ts, ${epochUs('b')} as ts_us, metric, avg, min, max, count from (
       select date_bin(${width}, t, timestamptz 'epoch') as b, metric,
              (sum(s::numeric) / nullif(sum(c), 0))::float8 as avg, min(mn) as min, max(mx) as max, sum(c)::float8 as count
       from (${source}) points
       group by 1, 2
     ) g ${after}
     order by b, metric${limit === undefined ? '' : ` limit ${p(limit)}::int`}`
  return { text, values }
}

type Param = (value: unknown) => string

/** Conditions every source shares: the PLC, the metrics, and rows before the cursor's bucket left out. */
function common(w: Omit<HistoryWindow, 'limit'>, p: Param, tsCol: string): string[] {
  const where = [`tenant_id = ${p(w.plc.tenantId)}`, `plc_id = ${p(w.plc.id)}`]
  if (w.metrics) where.push(`metric = any(${p(w.metrics)}::text[])`)
  // Rows before the cursor's bucket cannot change the buckets still to come.
  if (w.cursor) where.push(`${tsCol} >= ${fromUs(p(w.cursor.tsUs))}`)
  return where
}

function hourlyPoints(w: Omit<HistoryWindow, 'limit'>, p: Param): string {
  const where = [...common(w, p, 'hour'), `hour <= ${fromMs(p(w.to))}`, `hour > ${fromMs(p(w.from))} - interval '1 hour'`]
  return `select hour as t, metric, count::float8 as c, sum as s, min as mn, max as mx from telemetry_hourly where ${where.join(' and ')}`
}

// Minutes [lo, hi) lie wholly inside [from, to] (`to` inclusive, in ms); raw rows cover [from, lo) and [hi, to].
function minutePoints(w: Omit<HistoryWindow, 'limit'>, p: Param): string {
  const lo = Math.ceil(w.from / MINUTE_MS) * MINUTE_MS
  const hi = Math.max(lo, Math.floor(w.to / MINUTE_MS) * MINUTE_MS)
  const [from, to, loTs, hiTs] = [w.from, w.to, lo, hi].map(ms => fromMs(p(ms)))
  const minutes = [...common(w, p, 'minute'), `minute >= ${loTs}`, `minute < ${hiTs}`]
  const edges = [...common(w, p, 'ts'), `ts <= ${to}`, `((ts >= ${from} and ts < ${loTs}) or ts >= ${hiTs})`]
  return `select minute as t, metric, count::float8 as c, sum as s, min as mn, max as mx from telemetry_minutely where ${minutes.join(' and ')}
    union all
    select ts, metric, 1, ${NUM}, ${NUM}, ${NUM} from telemetry_events where ${edges.join(' and ')}`
}
