import type { SqlClient } from '../db/client'
import type { LearntOptions } from './rule-schemas'

/** A learnt rule as the learner needs it. */
export interface LearntRule {
  id: string
  tenantId: string
  plantId: string | null
  plcId: string | null
  metric: string
  learnt: LearntOptions
}

const DAY_MS = 86_400_000

// Per PLC that reported the metric (plc_state lists them), the percentiles of its raw numeric values
// in the window — percentile_cont interpolates linearly, as numpy's default percentile does — padded
// by max(padAbs, padFrac × (pHigh − pLow)). PLCs with too few values lose bounds they had: a rule only
// judges what it has learnt enough about. One lateral query per PLC uses the (plc, metric, ts) index.
const LEARN = `
with targets as (
  select s.plc_id from plc_state s join plcs c on c.id = s.plc_id
  where s.tenant_id = $1 and s.metric = $3 and ($6::uuid is null or c.plant_id = $6) and ($7::uuid is null or s.plc_id = $7)
), stats as (
  select t.plc_id, x.points, x.p_low, x.p_high, greatest($11::float8, $10::float8 * (x.p_high - x.p_low)) as pad
  from targets t cross join lateral (
    select count(*)::int as points,
           percentile_cont($8::float8) within group (order by e.value_num) as p_low,
           percentile_cont($9::float8) within group (order by e.value_num) as p_high
    from telemetry_events e
    where e.plc_id = t.plc_id and e.metric = $3 and e.value_num is not null
      and e.ts >= to_timestamp($4 / 1000.0) and e.ts < to_timestamp($5 / 1000.0)
  ) x
  where x.points >= $12
), stale as (
  delete from learnt_bounds b where b.rule_id = $2 and b.plc_id not in (select plc_id from stats)
)
insert into learnt_bounds as b (tenant_id, rule_id, plc_id, metric, p_low, p_high, low, high, points, window_from, window_to, computed_at)
select $1, $2, plc_id, $3, p_low, p_high, p_low - pad, p_high + pad, points, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), now()
from stats
on conflict (rule_id, plc_id, metric) do update set
  p_low = excluded.p_low, p_high = excluded.p_high, low = excluded.low, high = excluded.high, points = excluded.points,
  window_from = excluded.window_from, window_to = excluded.window_to, computed_at = excluded.computed_at
returning plc_id`

/** Learns one rule's bounds for every PLC in its scope; returns how many PLCs have bounds now. */
export async function learnRule(sql: SqlClient, rule: LearntRule, now = Date.now()): Promise<number> {
  const o = rule.learnt
  const rows = await sql.query(LEARN, [
    rule.tenantId, rule.id, rule.metric, now - o.windowDays * DAY_MS, now, rule.plantId, rule.plcId,
    o.pLow, o.pHigh, o.padFrac, o.padAbs, o.minPoints
  ])
  return rows.length
}

const LEARNT_RULES = `
select id, tenant_id as "tenantId", plant_id as "plantId", plc_id as "plcId", metric, options -> 'learnt' as learnt
from alarm_rules where kind = 'learnt' and enabled`

/**
 * Re-learns every enabled learnt rule, on one instance at a time (a transaction-scoped advisory lock;
 * another instance finding it taken skips this round). Returns the tenants whose bounds were learnt,
 * or null when another instance is at it.
 */
export async function learnAll(sql: SqlClient, now = Date.now()): Promise<string[] | null> {
  return sql.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext('alarm-learning')) as ok`)
    if (!lock?.ok) return null
    const tenants = new Set<string>()
    for (const rule of await tx.query<LearntRule>(LEARNT_RULES)) {
      await learnRule(tx, rule, now)
      tenants.add(rule.tenantId)
    }
    return [...tenants]
  })
}

export interface LearntBoundsJson {
  site: string
  plcId: string
  metric: string
  pLow: number
  pHigh: number
  low: number
  high: number
  points: number
  windowFrom: number
  windowTo: number
  computedAt: number
}

const ms = (c: string) => `(extract(epoch from ${c}) * 1000)::float8`

/** A rule's learnt bounds per PLC, with the window and point count they came from. */
export function learntBoundsOf(sql: SqlClient, ruleId: string, plantIds?: string[]): Promise<LearntBoundsJson[]> {
  return sql.query<LearntBoundsJson>(`
    select p.slug as site, c.plc_id as "plcId", b.metric, b.p_low as "pLow", b.p_high as "pHigh", b.low, b.high, b.points,
           ${ms('b.window_from')} as "windowFrom", ${ms('b.window_to')} as "windowTo", ${ms('b.computed_at')} as "computedAt"
    from learnt_bounds b join plcs c on c.id = b.plc_id join plants p on p.id = c.plant_id
    where b.rule_id = $1 and ($2::uuid[] is null or c.plant_id = any($2::uuid[]))
    order by p.slug, c.plc_id`, [ruleId, plantIds ? `{${plantIds.join(',')}}` : null])
}
