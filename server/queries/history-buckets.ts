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

// The same numeric reading of a value as telemetry_hourly keeps (ingest: booleans as 0/1).
const NUM = 'coalesce(value_num, value_bool::int::float8)'
// Averaged in numeric: a float8 sum depends on scan order, so a page read after a cursor could differ
// from the same bucket read in one go in the last digits.
const AVG = `avg(${NUM}::numeric)::float8`

interface BucketRow extends BucketItem {
  ts_us: string
}

/**
 * Per (bucket start, metric) aggregates of one PLC, ordered by (bucket, metric) with a keyset cursor.
 * Widths up to 15m aggregate raw events in [from, to]; wider ones re-aggregate telemetry_hourly, whose
 * hours are counted whole when they overlap the range.
 */
export async function bucketHistory(db: Database, w: HistoryWindow, size: BucketSize): Promise<Page<BucketItem>> {
  const { p, values } = sqlParams()
  const width = `(${p(BUCKETS[size])}::int * interval '1 second')`
  const hourly = isHourlyBucket(size)
  const tsCol = hourly ? 'hour' : 'ts'
  const where = [`tenant_id = ${p(w.plc.tenantId)}`, `plc_id = ${p(w.plc.id)}`, `${tsCol} <= ${fromMs(p(w.to))}`]
  where.push(hourly ? `hour > ${fromMs(p(w.from))} - interval '1 hour'` : `ts >= ${fromMs(p(w.from))}`)
  if (w.metrics) where.push(`metric = any(${p(w.metrics)}::text[])`)
  // Rows before the cursor's bucket cannot change the buckets still to come.
  if (w.cursor) where.push(`${tsCol} >= ${fromUs(p(w.cursor.tsUs))}`)
  const aggregates = hourly
    ? `sum(sum) / nullif(sum(count), 0) as avg, min(min) as min, max(max) as max, sum(count)::float8 as count`
    : `${AVG} as avg, min(${NUM}) as min, max(${NUM}) as max, count(*)::float8 as count`
  const after = w.cursor ? `where (b, metric) > (${fromUs(p(w.cursor.tsUs))}, ${p(w.cursor.metric)})` : ''
  const rows = await db.sql.query<BucketRow>(
    `select ${epochMs('b')} as ts, ${epochUs('b')} as ts_us, metric, avg, min, max, count from (
       select date_bin(${width}, ${tsCol}, timestamptz 'epoch') as b, metric, ${aggregates}
       from ${hourly ? 'telemetry_hourly' : 'telemetry_events'} where ${where.join(' and ')}
       group by 1, 2
     ) g ${after}
     order by b, metric limit ${p(w.limit + 1)}::int`,
    values)
  const page = rows.slice(0, w.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(({ ts_us: _us, ...item }) => item),
    nextCursor: rows.length > w.limit && last ? encodeCursor({ bucket: size, tsUs: last.ts_us, metric: last.metric }) : null
  }
}
