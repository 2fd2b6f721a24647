import type { Database } from '../db/client'
import { epochMs, fromMs, sqlParams } from './sql'

export interface MetricStats {
  metric: string
  /** Every stored value, text included. */
  count: number
  /** Numeric reading: booleans as 0/1 (so avg is the share of true samples); null for text. */
  min: number | null
  max: number | null
  avg: number | null
  first: number | null
  last: number | null
  /** Epoch ms of the first and last value, whatever its type; null when count is 0. */
  firstTs: number | null
  lastTs: number | null
}

export interface StatsWindow {
  plc: { id: string, tenantId: string }
  from: number
  to: number
  metrics: string[]
}

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
// The same numeric reading of a value as the aggregates keep (ingest: booleans as 0/1).
const NUM = 'coalesce(value_num, value_bool::int::float8)'

/**
 * The boundaries that split [from, to] (`to` inclusive, ms) by resolution: whole hours [hLo, hHi),
 * whole minutes [lo, hi) around them, raw rows in [from, lo) and [hi, to].
 */
export function statsSpans(from: number, to: number) {
  const lo = Math.ceil(from / MINUTE_MS) * MINUTE_MS
  const hi = Math.max(lo, Math.floor(to / MINUTE_MS) * MINUTE_MS)
  const hLo = Math.min(hi, Math.ceil(from / HOUR_MS) * HOUR_MS)
  const hHi = Math.max(hLo, Math.floor(to / HOUR_MS) * HOUR_MS)
  return { lo, hi, hLo: Math.max(lo, hLo), hHi }
}

/**
 * count/min/max/avg/first/last per metric over [from, to], exact and cheap over long ranges. Each
 * whole hour comes from telemetry_hourly when it has a row there (modes `both` and `hourly`), else
 * from its 60 per-minute rows (mode `raw` keeps no hourly row); whole minutes at the ends from
 * telemetry_minutely; the partial minutes at either end from the raw rows. Values kept only hourly
 * exist only as whole hours, so they count for the hours wholly inside the range. first/last are one
 * index seek each on the raw rows, against the first/last of the hourly rows read.
 */
export async function metricStats(db: Database, w: StatsWindow): Promise<MetricStats[]> {
  if (!w.metrics.length) return []
  const { p, values } = sqlParams()
  const { lo, hi, hLo, hHi } = statsSpans(w.from, w.to)
  const [from, to, loTs, hiTs, hLoTs, hHiTs] = [w.from, w.to, lo, hi, hLo, hHi].map(ms => fromMs(p(ms)))
  const [tenantId, plcId, metrics] = [p(w.plc.tenantId), p(w.plc.id), p(w.metrics)]
  const plc = (t: string) => `${t}.tenant_id = ${tenantId} and ${t}.plc_id = ${plcId}`
  const own = (t: string) => `${plc(t)} and ${t}.metric = any(${metrics}::text[])`
  // One index seek per metric and end on the raw rows, ordered by the primary key's (ts, key).
  const rawEnd = (dir: 'asc' | 'desc') => `select m.metric, e.ts, e.num, 0 as o from unnest(${metrics}::text[]) m(metric)
      cross join lateral (select ts, ${NUM} as num from telemetry_events e
        where ${plc('e')} and e.metric = m.metric and e.ts >= ${from} and e.ts <= ${to}
        order by e.ts ${dir}, e.key ${dir} limit 1) e`
  return db.sql.query<MetricStats>(`
    with hourly as (
      select h.metric, h.hour, h.count::float8 as c, h.sum as s, h.min as mn, h.max as mx, h.first_ts, h.first, h.last_ts, h.last
      from telemetry_hourly h where ${own('h')} and h.hour >= ${hLoTs} and h.hour < ${hHiTs}
    ), raw_hours as (
      select m.metric, g.hour from unnest(${metrics}::text[]) m(metric)
      cross join generate_series(${hLoTs}, ${hHiTs} - interval '1 hour', interval '1 hour') g(hour)
      where not exists (select 1 from hourly h where h.metric = m.metric and h.hour = g.hour)
    ), parts as (
      select metric, c, s, mn, mx from hourly
      union all
      select mi.metric, mi.count::float8, mi.sum, mi.min, mi.max from raw_hours r
      join telemetry_minutely mi on ${plc('mi')} and mi.metric = r.metric and mi.minute >= r.hour and mi.minute < r.hour + interval '1 hour'
      union all
      select mi.metric, mi.count::float8, mi.sum, mi.min, mi.max from telemetry_minutely mi
      where ${own('mi')} and ((mi.minute >= ${loTs} and mi.minute < ${hLoTs}) or (mi.minute >= ${hHiTs} and mi.minute < ${hiTs}))
      union all
      select e.metric, 1, ${NUM}, ${NUM}, ${NUM} from telemetry_events e
      where ${own('e')} and e.ts <= ${to} and ((e.ts >= ${from} and e.ts < ${loTs}) or e.ts >= ${hiTs})
    ), agg as (
      -- Summed in numeric: a float8 sum depends on the order rows arrive in.
      select metric, sum(c) as count, min(mn) as min, max(mx) as max,
             (sum(s::numeric) / nullif(sum(c) filter (where s is not null), 0))::float8 as avg
      from parts group by metric
    ), firsts as (
      select distinct on (metric) metric, ts, num from (${rawEnd('asc')}
        union all select metric, first_ts, first, 1 from hourly) c
      order by metric, ts, o
    ), lasts as (
      select distinct on (metric) metric, ts, num from (${rawEnd('desc')}
        union all select metric, last_ts, last, 1 from hourly) c
      order by metric, ts desc, o
    )
    select m.metric, coalesce(a.count, 0)::float8 as count, a.min, a.max, a.avg, f.num as first, l.num as last,
           ${epochMs('f.ts')} as "firstTs", ${epochMs('l.ts')} as "lastTs"
    from unnest(${metrics}::text[]) with ordinality m(metric, i)
    left join agg a on a.metric = m.metric left join firsts f on f.metric = m.metric left join lasts l on l.metric = m.metric
    order by m.i`, values)
}
