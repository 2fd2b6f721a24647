import type { Database } from '../db/client'
import { encodeCursor, type Cursor } from './cursor'
import { epochMs, epochUs, fromMs, fromUs, pickValue, sqlParams, type Scalar } from './sql'

export interface RawItem {
  /** Epoch ms. */
  ts: number
  metric: string
  value: Scalar | null
  quality: string | null
  unit: string | null
}

/** What every history read is scoped to: one PLC row of one tenant, a time range, a page. */
export interface HistoryWindow {
  plc: { id: string, tenantId: string }
  from: number
  to: number
  metrics?: string[]
  limit: number
  cursor?: Cursor
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

interface RawRow {
  ts: number
  ts_us: string
  metric: string
  key: string
  value_num: number | null
  value_bool: boolean | null
  value_text: string | null
  quality: string | null
  unit: string | null
}

/**
 * Stored values of one PLC in [from, to], ordered by (ts, metric, key) — the primary key's columns, so
 * the order is total and a keyset cursor visits every row exactly once.
 *
 * The primary key leads with (plc_id, metric), not ts: ordering a whole range by ts would sort every
 * row in it for each page. Instead each metric (from plc_state, which has a row for every metric
 * ever received) is read in index order up to one page, and only those rows are merged.
 */
export async function rawHistory(db: Database, w: HistoryWindow): Promise<Page<RawItem>> {
  const { p, values } = sqlParams()
  const tenantId = p(w.plc.tenantId)
  const plcId = p(w.plc.id)
  const take = p(w.limit + 1)
  const metrics = w.metrics
    ? `unnest(${p(w.metrics)}::text[]) as m(metric)`
    : `(select metric from plc_state where tenant_id = ${tenantId} and plc_id = ${plcId}) m`
  const where = [
    `e.tenant_id = ${tenantId}`, `e.plc_id = ${plcId}`, 'e.metric = m.metric',
    `e.ts >= ${fromMs(p(w.from))}`, `e.ts <= ${fromMs(p(w.to))}`
  ]
  if (w.cursor) {
    const ts = fromUs(p(w.cursor.tsUs))
    // The plain `ts >=` lets the index skip what is before the cursor; the row comparison does the rest.
    where.push(`e.ts >= ${ts}`, `(e.ts, e.metric, e.key) > (${ts}, ${p(w.cursor.metric)}, ${p(w.cursor.key ?? '')})`)
  }
  // One row more than asked tells whether another page exists.
  const rows = await db.sql.query<RawRow>(
    `select ${epochMs('e.ts')} as ts, ${epochUs('e.ts')} as ts_us, m.metric, e.key,
            e.value_num, e.value_bool, e.value_text, e.quality, e.unit
     from ${metrics}
     cross join lateral (
       select ts, key, value_num, value_bool, value_text, quality, unit from telemetry_events e
       where ${where.join(' and ')}
       order by e.ts, e.key limit ${take}::int
     ) e
     order by e.ts, m.metric, e.key limit ${take}::int`,
    values)
  const page = rows.slice(0, w.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(r => ({ ts: r.ts, metric: r.metric, value: pickValue(r), quality: r.quality, unit: r.unit })),
    nextCursor: rows.length > w.limit && last ? encodeCursor({ bucket: 'raw', tsUs: last.ts_us, metric: last.metric, key: last.key }) : null
  }
}
