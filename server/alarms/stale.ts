import type { SqlClient } from '../db/client'
import type { Severity } from './rules'

/** A PLC that stopped sending a metric a stale rule watches. */
export interface StaleSeries {
  ruleId: string
  name: string
  severity: Severity
  staleAfterS: number
  tenantId: string
  plantId: string
  tenant: string
  site: string
  plcRowId: string
  plcId: string
  metric: string
  /** When it became stale: its last value's time plus staleAfterS (epoch ms). */
  staleSince: number
}

// Every (stale rule, PLC in its scope) whose latest value of the metric is older than the rule
// allows, from the latest-state table — the one place that knows each series' last time.
const STALE = `
select r.id as "ruleId", r.name, r.severity, (r.options ->> 'staleAfterS')::int as "staleAfterS",
       r.tenant_id as "tenantId", c.plant_id as "plantId", t.slug as tenant, p.slug as site, c.id as "plcRowId", c.plc_id as "plcId", s.metric,
       (extract(epoch from s.ts) * 1000 + (r.options ->> 'staleAfterS')::float8 * 1000)::float8 as "staleSince"
from alarm_rules r
join plc_state s on s.tenant_id = r.tenant_id and s.metric = r.metric
join plcs c on c.id = s.plc_id
join plants p on p.id = c.plant_id
join tenants t on t.id = r.tenant_id
where r.kind = 'stale' and r.enabled
  and (r.plant_id is null or c.plant_id = r.plant_id) and (r.plc_id is null or c.id = r.plc_id)
  and s.ts < to_timestamp($1 / 1000.0) - make_interval(secs => (r.options ->> 'staleAfterS')::float8)`

/** The series stale at `now`. */
export function staleSeries(sql: SqlClient, now: number): Promise<StaleSeries[]> {
  return sql.query<StaleSeries>(STALE, [now])
}
