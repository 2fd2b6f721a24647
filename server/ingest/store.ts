import type { SqlClient } from '../db/client'
import type { CopyValue } from '../db/copy'
import type { PersistMode } from '../config/env'
import type { GatewayHealth } from './messages'

/** One value ready to write: ids resolved, persistence mode decided. `ts` in epoch ms. */
export interface PointRow {
  tenantId: string
  plcId: string
  metric: string
  ts: number
  n: number | null
  b: boolean | null
  s: string | null
  quality: string | null
  unit: string | null
  seq: number | null
  key: string
  mode: PersistMode
}

export interface DeadLetterRow {
  tenantId: string | null
  tenantSlug: string | null
  topic: string
  payload: Uint8Array
  reason: string
  detail: string
  receivedAt: number
}

export interface StatusRow {
  tenantId: string
  gatewayId: string
  state: 'online' | 'offline'
  reason: string | null
  ts: number
  receivedAt: number
  health: GatewayHealth | null
  /** A retained message replayed on subscribe applies only if newer than what is known. */
  retained: boolean
}

export interface WriteBatch {
  points: PointRow[]
  deadLetters: DeadLetterRow[]
  statuses: StatusRow[]
  /** gateway row id → receive time (epoch ms) of its newest message in the batch. */
  gatewaysSeen: Map<string, number>
  /** PLC row id → gateway row id, for PLCs whose gateway is new or changed. */
  plcGateways: Map<string, string>
}

export interface StatusTransition {
  tenantId: string
  gatewayId: string
  status: 'online' | 'offline'
  reason: string | null
  at: number
}

export const emptyBatch = (): WriteBatch =>
  ({ points: [], deadLetters: [], statuses: [], gatewaysSeen: new Map(), plcGateways: new Map() })

// Each batch's values are bulk-loaded (COPY) into a per-connection staging table, emptied at commit;
// the statements below then work set-wise from there.
const STAGE_COLUMNS = ['tenant_id', 'plc_id', 'metric', 'ts_ms', 'n', 'b', 's', 'quality', 'unit', 'seq', 'key', 'mode']
const CREATE_STAGE = `
create temp table if not exists ingest_points (
  tenant_id uuid, plc_id uuid, metric text, ts_ms float8, n float8, b bool, s text,
  quality text, unit text, seq int8, key text, mode text
) on commit delete rows`

// Values kept raw go to telemetry_events; values kept only hourly leave their key in hourly_keys. Only
// rows that were new in either (not redeliveries) feed the aggregates, all in one statement: the rows
// a raw insert returns are exactly those, so they need no join. Raw rows also feed the per-minute
// aggregates that short chart buckets read.
const RAW_COLUMNS = `tenant_id, plc_id, metric, ts, value_num, value_bool, value_text, quality, unit, seq, key, received_at`
const rawInsert = (mode: string) => `
  insert into telemetry_events (${RAW_COLUMNS})
  select tenant_id, plc_id, metric, to_timestamp(ts_ms / 1000.0), n, b, s, quality, unit, seq, key, to_timestamp($1 / 1000.0)
  from ingest_points where mode = '${mode}' order by plc_id, metric, ts_ms, key
  on conflict do nothing`
const NUM = (n: string, b: string) => `coalesce(${n}, case when ${b} then 1 when not ${b} then 0 end)`
const RAW_RETURNING = `returning tenant_id, plc_id, metric, ts, ${NUM('value_num', 'value_bool')} as num`
const INSERT_POINTS = `
with raw_only as (${rawInsert('raw')}
  ${RAW_RETURNING}
), raw_both as (${rawInsert('both')}
  ${RAW_RETURNING}
), minutely as (
  insert into telemetry_minutely as m (tenant_id, plc_id, metric, minute, count, sum, min, max)
  select tenant_id, plc_id, metric, date_trunc('minute', ts), count(*), sum(num), min(num), max(num)
  from (select * from raw_only union all select * from raw_both) fresh_raw
  group by tenant_id, plc_id, metric, date_trunc('minute', ts)
  order by plc_id, metric, 4
  on conflict (plc_id, metric, minute) do update set
    count = m.count + excluded.count,
    sum = case when m.sum is null then excluded.sum when excluded.sum is null then m.sum else m.sum + excluded.sum end,
    min = least(m.min, excluded.min),
    max = greatest(m.max, excluded.max)
), hourly_only as (
  insert into hourly_keys (plc_id, metric, ts, key)
  select plc_id, metric, to_timestamp(ts_ms / 1000.0), key from ingest_points where mode = 'hourly' order by plc_id, metric, ts_ms, key
  on conflict do nothing
  returning plc_id, metric, ts, key
), fresh as (
  select tenant_id, plc_id, metric, ts, num from raw_both
  union all
  select i.tenant_id, i.plc_id, i.metric, h.ts, ${NUM('i.n', 'i.b')}
  from hourly_only h join ingest_points i on i.mode = 'hourly' and i.plc_id = h.plc_id and i.metric = h.metric and i.key = h.key and to_timestamp(i.ts_ms / 1000.0) = h.ts
)
insert into telemetry_hourly as h (tenant_id, plc_id, metric, hour, count, sum, min, max, first_ts, first, last_ts, last)
select tenant_id, plc_id, metric, date_trunc('hour', ts, 'UTC'), count(*), sum(num), min(num), max(num),
       min(ts), (array_agg(num order by ts))[1], max(ts), (array_agg(num order by ts desc))[1]
from fresh group by tenant_id, plc_id, metric, date_trunc('hour', ts, 'UTC')
order by plc_id, metric, 4
on conflict (plc_id, metric, hour) do update set
  count = h.count + excluded.count,
  sum = case when h.sum is null then excluded.sum when excluded.sum is null then h.sum else h.sum + excluded.sum end,
  min = least(h.min, excluded.min),
  max = greatest(h.max, excluded.max),
  first = case when excluded.first_ts < h.first_ts then excluded.first else h.first end,
  first_ts = least(h.first_ts, excluded.first_ts),
  last = case when excluded.last_ts >= h.last_ts then excluded.last else h.last end,
  last_ts = greatest(h.last_ts, excluded.last_ts)`

// Last-write-wins per metric: an older value never overwrites a newer one (SPEC §3 rule 7). Every
// mode, `none` included, updates the live state; the newest value per metric of the batch competes.
const UPSERT_STATE = `
insert into plc_state as p (tenant_id, plc_id, metric, value_num, value_bool, value_text, quality, unit, ts, updated_at)
select tenant_id, plc_id, metric, n, b, s, quality, unit, to_timestamp(ts_ms / 1000.0), now()
from (select distinct on (plc_id, metric) * from ingest_points order by plc_id, metric, ts_ms desc) latest
on conflict (plc_id, metric) do update set
  value_num = excluded.value_num, value_bool = excluded.value_bool, value_text = excluded.value_text,
  quality = excluded.quality, unit = excluded.unit, ts = excluded.ts, updated_at = excluded.updated_at
where p.ts < excluded.ts`

const INSERT_DEAD_LETTERS = `
insert into dead_letters (tenant_id, tenant_slug, topic, payload, reason, detail, received_at)
select tenant_id, tenant_slug, topic, decode(payload, 'base64'), reason, detail, to_timestamp(received_at / 1000.0)
from json_to_recordset($1::text::json) as t(tenant_id uuid, tenant_slug text, topic text, payload text, reason text, detail text, received_at float8)`

const TOUCH_GATEWAYS = `
update gateways g set last_seen_at = greatest(g.last_seen_at, to_timestamp(v.at / 1000.0))
from json_to_recordset($1::text::json) as v(id uuid, at float8) where g.id = v.id`

const LINK_PLC_GATEWAYS = `
update plcs p set gateway_id = v.gateway_id
from json_to_recordset($1::text::json) as v(id uuid, gateway_id uuid)
where p.id = v.id and p.gateway_id is distinct from v.gateway_id`

const APPLY_STATUS = `
with prev as (select id, status from gateways where id = $1 for update)
update gateways g set
  status = $2, status_reason = $3,
  last_status_ts = greatest(g.last_status_ts, to_timestamp($4 / 1000.0)),
  last_seen_at = greatest(g.last_seen_at, to_timestamp($5 / 1000.0)),
  last_heartbeat_at = case when $2 = 'online' then to_timestamp($5 / 1000.0) else g.last_heartbeat_at end,
  health = coalesce($6::text::jsonb, g.health),
  status_changed_at = case when prev.status <> $2 then to_timestamp($5 / 1000.0) else g.status_changed_at end
from prev
where g.id = prev.id and (not $7 or g.last_status_ts is null or g.last_status_ts < to_timestamp($4 / 1000.0))
returning prev.status as previous`

const RECORD_TRANSITION = `insert into gateway_status_history (tenant_id, gateway_id, status, reason, at) values ($1, $2, $3, $4, to_timestamp($5 / 1000.0))`

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/** Drops repeats of the same stored value within one batch (a redelivery can arrive twice quickly). */
function uniquePoints(points: PointRow[]): PointRow[] {
  const seen = new Set<string>()
  return points.filter((p) => {
    const k = `${p.plcId}|${p.metric}|${p.ts}|${p.key}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/**
 * Writes one batch in one transaction (SPEC §3 rules 6–8, 10): dead letters, values, hourly aggregates,
 * latest state, gateway last-seen and status. Returns the gateway status transitions it made.
 */
export async function writeBatch(sql: SqlClient, batch: WriteBatch, receivedAt: number): Promise<StatusTransition[]> {
  return sql.transaction(async (tx) => {
    if (batch.deadLetters.length) {
      await tx.query(INSERT_DEAD_LETTERS, [JSON.stringify(batch.deadLetters.map(d => ({
        tenant_id: d.tenantId, tenant_slug: d.tenantSlug, topic: d.topic, payload: toBase64(d.payload),
        reason: d.reason, detail: d.detail, received_at: d.receivedAt
      })))])
    }
    if (batch.points.length) {
      await tx.query(CREATE_STAGE)
      await tx.copyIn('ingest_points', STAGE_COLUMNS, uniquePoints(batch.points).map(stageRow))
      if (batch.points.some(p => p.mode !== 'none')) await tx.query(INSERT_POINTS, [receivedAt])
      await tx.query(UPSERT_STATE)
    }
    if (batch.plcGateways.size) {
      await tx.query(LINK_PLC_GATEWAYS, [JSON.stringify([...batch.plcGateways].map(([id, gatewayId]) => ({ id, gateway_id: gatewayId })))])
    }
    if (batch.gatewaysSeen.size) {
      const seen = [...batch.gatewaysSeen].sort(([a], [b]) => a.localeCompare(b)).map(([id, at]) => ({ id, at }))
      await tx.query(TOUCH_GATEWAYS, [JSON.stringify(seen)])
    }
    const transitions: StatusTransition[] = []
    for (const s of [...batch.statuses].sort((a, b) => a.ts - b.ts)) {
      const rows = await tx.query<{ previous: string }>(APPLY_STATUS, [
        s.gatewayId, s.state, s.reason, s.ts, s.receivedAt, s.health ? JSON.stringify(s.health) : null, s.retained
      ])
      if (rows[0] && rows[0].previous !== s.state) {
        await tx.query(RECORD_TRANSITION, [s.tenantId, s.gatewayId, s.state, s.reason, s.receivedAt])
        transitions.push({ tenantId: s.tenantId, gatewayId: s.gatewayId, status: s.state, reason: s.reason, at: s.receivedAt })
      }
    }
    return transitions
  })
}

function stageRow(p: PointRow): CopyValue[] {
  return [p.tenantId, p.plcId, p.metric, p.ts, p.n, p.b, p.s, p.quality, p.unit, p.seq, p.key, p.mode]
}
