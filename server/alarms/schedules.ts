import type { SqlClient } from '../db/client'
import { appendAudit } from '../audit/append'
import { actorOf } from '../audit/actor'
import type { Actor } from './actions'
import { windowsFromShares, type BinShare, type WeekWindows } from './schedule-windows'

export interface LearnOptions {
  days: number
  binMinutes: number
  /** A bin is an operating window when the machine ran at least this share of its time there. */
  threshold: number
  timeZone: string
}

export interface ScheduleJson {
  site: string
  plcId: string
  metric: string
  status: 'suggested' | 'accepted' | 'rejected'
  windows: WeekWindows
  timeZone: string
  binMinutes: number
  threshold: number
  learntFrom: number
  learntTo: number
  computedAt: number
  decidedAt: number | null
  decidedBy: string | null
}

const DAY_MS = 86_400_000

// The share of time running per weekday and bin, from the per-minute aggregates (a boolean counts 1
// when true), in the plant's time zone.
const SHARES = `
select extract(dow from minute at time zone $5)::int as dow,
       floor((extract(hour from minute at time zone $5) * 60 + extract(minute from minute at time zone $5)) / $6)::int as bin,
       (sum(sum) / nullif(sum(count), 0))::float8 as share
from telemetry_minutely
where plc_id = $1 and metric = $2 and minute >= to_timestamp($3 / 1000.0) and minute < to_timestamp($4 / 1000.0)
group by 1, 2`

/** The windows a machine's recent running history suggests. */
export async function suggestWindows(sql: SqlClient, plcRowId: string, metric: string, o: LearnOptions, now: number): Promise<WeekWindows> {
  const shares = await sql.query<BinShare>(SHARES, [plcRowId, metric, now - o.days * DAY_MS, now, o.timeZone, o.binMinutes])
  return windowsFromShares(shares.filter(s => s.share !== null), o.binMinutes, o.threshold)
}

const ms = (c: string) => `(extract(epoch from ${c}) * 1000)::float8`
const SELECT = `
select p.slug as site, c.plc_id as "plcId", s.metric, s.status, s.windows, s.time_zone as "timeZone", s.bin_minutes as "binMinutes",
       s.threshold, ${ms('s.learnt_from')} as "learntFrom", ${ms('s.learnt_to')} as "learntTo", ${ms('s.computed_at')} as "computedAt",
       ${ms('s.decided_at')} as "decidedAt", s.decided_by as "decidedBy"
from machine_schedules s join plcs c on c.id = s.plc_id join plants p on p.id = c.plant_id`

/** Learns and stores a suggestion (it replaces the machine's schedule for that metric until decided on). */
export async function learnSchedule(sql: SqlClient, who: Actor, plc: { id: string, tenantId: string }, metric: string, o: LearnOptions, now = Date.now()): Promise<ScheduleJson> {
  const windows = await suggestWindows(sql, plc.id, metric, o, now)
  return sql.transaction(async (tx) => {
    const before = await getSchedule(tx, plc.id, metric)
    await tx.query(`
    insert into machine_schedules (tenant_id, plc_id, metric, status, windows, time_zone, bin_minutes, threshold, learnt_from, learnt_to, computed_at, decided_at, decided_by)
    values ($1, $2, $3, 'suggested', $4::text::jsonb, $5, $6, $7, to_timestamp($8 / 1000.0), to_timestamp($9 / 1000.0), now(), null, null)
    on conflict (plc_id, metric) do update set status = 'suggested', windows = excluded.windows, time_zone = excluded.time_zone,
      bin_minutes = excluded.bin_minutes, threshold = excluded.threshold, learnt_from = excluded.learnt_from, learnt_to = excluded.learnt_to,
      computed_at = now(), decided_at = null, decided_by = null`,
    [plc.tenantId, plc.id, metric, JSON.stringify(windows), o.timeZone, o.binMinutes, o.threshold, now - o.days * DAY_MS, now])
    const after = (await getSchedule(tx, plc.id, metric))!
    await audit(tx, who, plc.tenantId, 'learn', plc.id, before, after)
    return after
  })
}

/** Records a schedule change on its tenant's chain (last in the transaction: it takes the chain's lock). */
function audit(tx: SqlClient, who: Actor, tenantId: string, action: string, plcRowId: string, before?: ScheduleJson, after?: ScheduleJson) {
  return appendAudit(tx, { tenantId, actor: actorOf(who), action: `schedule.${action}`, entity: 'machine_schedule', entityId: plcRowId, before, after })
}

export async function getSchedule(sql: SqlClient, plcRowId: string, metric: string): Promise<ScheduleJson | undefined> {
  const [row] = await sql.query<ScheduleJson>(`${SELECT} where s.plc_id = $1 and s.metric = $2`, [plcRowId, metric])
  return row
}

export function listSchedules(sql: SqlClient, plcRowId: string): Promise<ScheduleJson[]> {
  return sql.query<ScheduleJson>(`${SELECT} where s.plc_id = $1 order by s.metric`, [plcRowId])
}

/** Accepts (optionally with edited windows) or rejects a schedule; undefined when there is none. */
export function decideSchedule(sql: SqlClient, who: Actor, plc: { id: string, tenantId: string }, metric: string, status: 'accepted' | 'rejected', windows?: WeekWindows): Promise<ScheduleJson | undefined> {
  return sql.transaction(async (tx) => {
    const before = await getSchedule(tx, plc.id, metric)
    if (!before) return undefined
    await tx.query(`
      update machine_schedules set status = $3, windows = coalesce($4::text::jsonb, windows), decided_at = now(), decided_by = $5
      where plc_id = $1 and metric = $2`, [plc.id, metric, status, windows ? JSON.stringify(windows) : null, who.email])
    const after = (await getSchedule(tx, plc.id, metric))!
    await audit(tx, who, plc.tenantId, status === 'accepted' ? 'accept' : 'reject', plc.id, before, after)
    return after
  })
}
