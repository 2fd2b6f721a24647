import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import type { Severity } from './rules'

export interface AlarmStats {
  /** Alarms raised in the range, by severity. */
  bySeverity: Record<Severity, number>
  /** Of those, how many are active, acknowledged (not cleared) and cleared now. */
  byState: { active: number, acknowledged: number, cleared: number }
  /** Mean time from raise to acknowledgement / to clear, of those that were; null if none. */
  meanTimeToAcknowledgeMs: number | null
  meanTimeToClearMs: number | null
}

const STATS = `
select a.severity, a.state, count(*)::int as n,
       sum(extract(epoch from a.acknowledged_at - a.ts) * 1000)::float8 as ack_ms, count(a.acknowledged_at)::int as acked,
       sum(extract(epoch from a.cleared_at - a.ts) * 1000)::float8 as clear_ms, count(a.cleared_at)::int as cleared
from alarms a join tenants t on t.id = a.tenant_id join plants p on p.id = a.plant_id
where ($1::uuid is null or a.tenant_id = $1) and ($2::uuid[] is null or a.plant_id = any($2::uuid[])) and ($3::text is null or t.slug = $3)
  and ($4::text is null or p.slug = $4)
  and a.ts >= to_timestamp($5 / 1000.0) and a.ts <= to_timestamp($6 / 1000.0)
group by a.severity, a.state`

interface Row { severity: Severity, state: 'active' | 'acknowledged' | 'cleared', n: number, ack_ms: number | null, acked: number, clear_ms: number | null, cleared: number }

/** Counts by severity and state, and mean times to acknowledge and to clear, over alarms raised in [from, to]. */
export async function alarmStats(sql: SqlClient, scope: ReadScope, site: string | undefined, from: number, to: number): Promise<AlarmStats> {
  const rows = await sql.query<Row>(STATS, [scope.tenantId ?? null, scope.plantIds ? `{${scope.plantIds.join(',')}}` : null, scope.tenant ?? null, site ?? null, from, to])
  const out: AlarmStats = {
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    byState: { active: 0, acknowledged: 0, cleared: 0 },
    meanTimeToAcknowledgeMs: null,
    meanTimeToClearMs: null
  }
  let ackMs = 0, acked = 0, clearMs = 0, cleared = 0
  for (const r of rows) {
    out.bySeverity[r.severity] += r.n
    out.byState[r.state] += r.n
    ackMs += r.ack_ms ?? 0
    acked += r.acked
    clearMs += r.clear_ms ?? 0
    cleared += r.cleared
  }
  if (acked) out.meanTimeToAcknowledgeMs = ackMs / acked
  if (cleared) out.meanTimeToClearMs = clearMs / cleared
  return out
}
