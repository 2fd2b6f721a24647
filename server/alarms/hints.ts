import { distance } from 'fastest-levenshtein'
import type { SqlClient } from '../db/client'
import type { PersistMode } from '../config/env'
import { resolvePersistMode, type PersistRule } from '../ingest/persist-rules'

/** A likely misconfiguration (seed 003 rule 2), with what to change. */
export interface Hint {
  kind: 'threshold_always_breached' | 'rule_metric_never_seen' | 'widget_without_history'
  message: string
  ruleId?: string
  dashboardId?: string
  widgetKey?: string
  site?: string
  plcId?: string
  metric: string
  /** The change that would fix it, in the shape of the object's own API. */
  suggestion: Record<string, unknown>
}

// Charts and tables read history; a metric kept `none` has only its live value.
const HISTORY_WIDGETS = ['line', 'area', 'bar', 'table']

interface RuleRange { id: string, name: string, metric: string, min: number | null, max: number | null, seenMin: number | null, seenMax: number | null, seenMetrics: string[] | null }

// Every enabled threshold rule with the lowest and highest value its metric ever had in the rule's
// scope (from the hourly and per-minute aggregates, so modes raw and hourly both count), and, for
// rules on a metric never seen, the metrics that were.
const RULE_RANGES = `
select r.id, r.name, r.metric, r.min, r.max,
  (select least(min(h.min), min(m.min)) from plcs c
     left join lateral (select min(min) as min from telemetry_hourly h where h.plc_id = c.id and h.metric = r.metric) h on true
     left join lateral (select min(min) as min from telemetry_minutely m where m.plc_id = c.id and m.metric = r.metric) m on true
     where c.tenant_id = r.tenant_id and (r.plant_id is null or c.plant_id = r.plant_id) and (r.plc_id is null or c.id = r.plc_id)) as "seenMin",
  (select greatest(max(h.max), max(m.max)) from plcs c
     left join lateral (select max(max) as max from telemetry_hourly h where h.plc_id = c.id and h.metric = r.metric) h on true
     left join lateral (select max(max) as max from telemetry_minutely m where m.plc_id = c.id and m.metric = r.metric) m on true
     where c.tenant_id = r.tenant_id and (r.plant_id is null or c.plant_id = r.plant_id) and (r.plc_id is null or c.id = r.plc_id)) as "seenMax",
  case when not exists (select 1 from plc_state s join plcs c on c.id = s.plc_id where s.tenant_id = r.tenant_id and s.metric = r.metric
                          and (r.plant_id is null or c.plant_id = r.plant_id) and (r.plc_id is null or c.id = r.plc_id))
       then (select array_agg(distinct s.metric) from plc_state s where s.tenant_id = r.tenant_id) end as "seenMetrics"
from alarm_rules r
where r.tenant_id = $1 and r.enabled and r.kind = 'threshold'`

/** Rules on metrics that never arrive, and limits that every value ever seen breaks. */
async function ruleHints(sql: SqlClient, tenantId: string): Promise<Hint[]> {
  const hints: Hint[] = []
  for (const r of await sql.query<RuleRange>(RULE_RANGES, [tenantId])) {
    if (r.seenMetrics !== null) {
      const closest = closestName(r.metric, r.seenMetrics ?? [])
      hints.push({
        kind: 'rule_metric_never_seen', ruleId: r.id, metric: r.metric,
        message: `Rule "${r.name}" watches ${r.metric}, which no PLC in its scope has ever sent${closest ? `; did you mean ${closest}?` : ''}`,
        suggestion: closest ? { metric: closest } : {}
      })
      continue
    }
    const always = (r.max !== null && r.seenMin !== null && r.seenMin > r.max) || (r.min !== null && r.seenMax !== null && r.seenMax < r.min)
    if (always) {
      hints.push({
        kind: 'threshold_always_breached', ruleId: r.id, metric: r.metric,
        message: `Rule "${r.name}": every ${r.metric} value ever seen (${r.seenMin} … ${r.seenMax}) breaks its limits (min ${r.min ?? '—'}, max ${r.max ?? '—'}); a unit or scale mismatch?`,
        suggestion: { min: r.min === null ? null : r.seenMin, max: r.max === null ? null : r.seenMax }
      })
    }
  }
  return hints
}

interface WidgetRow { dashboardId: string, widgetKey: string, type: string, metric: string, plantId: string, plcRowId: string, site: string, plcId: string }

/** Chart and table widgets on a metric whose persistence mode keeps no history. */
async function widgetHints(sql: SqlClient, tenantId: string, defaultMode: PersistMode): Promise<Hint[]> {
  const rules = await sql.query<PersistRule>(`select plant_id as "plantId", plc_id as "plcId", metric, mode from persist_rules where tenant_id = $1`, [tenantId])
  const widgets = await sql.query<WidgetRow>(`
    select d.id as "dashboardId", w.widget_key as "widgetKey", w.type, w.metric_id as metric, c.plant_id as "plantId", c.id as "plcRowId", p.slug as site, c.plc_id as "plcId"
    from widgets w join dashboards d on d.id = w.dashboard_id join plcs c on c.id = d.plc_id join plants p on p.id = c.plant_id
    where w.tenant_id = $1 and w.type = any($2::text[])`, [tenantId, `{${HISTORY_WIDGETS.join(',')}}`])
  return widgets
    .filter(w => resolvePersistMode(rules, { plantId: w.plantId, plcId: w.plcRowId, metric: w.metric }, defaultMode) === 'none')
    .map(w => ({
      kind: 'widget_without_history' as const, dashboardId: w.dashboardId, widgetKey: w.widgetKey, site: w.site, plcId: w.plcId, metric: w.metric,
      message: `The ${w.type} widget "${w.widgetKey}" on ${w.plcId} shows ${w.metric}, whose persistence is none: it will never have history`,
      suggestion: { site: w.site, plcId: w.plcId, metric: w.metric, mode: 'both' }
    }))
}

/** Every misconfiguration hint of a tenant. */
export async function misconfigurationHints(sql: SqlClient, tenantId: string, defaultMode: PersistMode): Promise<Hint[]> {
  return [...await ruleHints(sql, tenantId), ...await widgetHints(sql, tenantId, defaultMode)]
}

/** The seen name closest to `name` (edit distance at most a third of its length), if any. */
export function closestName(name: string, seen: string[]): string | undefined {
  let best: { name: string, d: number } | undefined
  for (const s of seen) {
    const d = distance(name.toLowerCase(), s.toLowerCase())
    if (d <= Math.max(1, Math.floor(name.length / 3)) && (!best || d < best.d)) best = { name: s, d }
  }
  return best?.name
}
