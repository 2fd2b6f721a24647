import type { SqlClient } from '../db/client'
import type { ThresholdLimits } from './threshold'
import type { WeekWindows } from './schedule-windows'

export const RULE_KINDS = ['threshold', 'learnt', 'stale'] as const
export type RuleKind = typeof RULE_KINDS[number]

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

/** A threshold rule as the engine evaluates it. */
export interface AlarmRule extends ThresholdLimits {
  id: string
  tenantId: string
  plantId: string | null
  plcId: string | null
  machineType: string | null
  metric: string
  name: string
  kind: RuleKind
  /** For `stale` rules. */
  staleAfterS: number | null
  severity: Severity
  minDurationS: number
  cooldownS: number
}

const LOAD_RULES = `
select id, tenant_id as "tenantId", plant_id as "plantId", plc_id as "plcId", machine_type as "machineType", metric, name, kind, (options ->> 'staleAfterS')::int as "staleAfterS", severity,
       min, max, deadband, tolerance_abs as "toleranceAbs", tolerance_frac as "toleranceFrac",
       min_duration_s as "minDurationS", cooldown_s as "cooldownS"
from alarm_rules where tenant_id = $1 and enabled`

const LOAD_BOUNDS = `select rule_id as "ruleId", plc_id as "plcId", low, high from learnt_bounds where tenant_id = $1`

/** An accepted machine schedule, as the engine checks it. */
export interface AcceptedSchedule { windows: WeekWindows, timeZone: string }

/** Enabled rules of one tenant by metric, learnt bounds and accepted schedules per PLC, for a quick lookup per value. */
export interface TenantRules {
  byMetric: Map<string, AlarmRule[]>
  /** `${ruleId}|${plcRowId}` → learnt limits. */
  learnt: Map<string, { low: number, high: number }>
  /** `${plcRowId}|${metric}` → the machine's accepted schedule for that running metric. */
  schedules: Map<string, AcceptedSchedule>
  /** PLC row id → its machine type, for the PLCs that have one. */
  machineTypes: Map<string, string>
}

export const noRules = (): TenantRules => ({ byMetric: new Map(), learnt: new Map(), schedules: new Map(), machineTypes: new Map() })

const LOAD_MACHINE_TYPES = `select id, machine_type as "machineType" from plcs where tenant_id = $1 and machine_type is not null`

const LOAD_SCHEDULES = `select plc_id as "plcId", metric, windows, time_zone as "timeZone" from machine_schedules where tenant_id = $1 and status = 'accepted'`

const NONE: AlarmRule[] = []
const unscoped = (r: AlarmRule) => !r.plantId && !r.plcId && !r.machineType

/** The rules that apply to one value of one PLC. */
export function rulesFor(rules: TenantRules, plantId: string, plcId: string, metric: string): AlarmRule[] {
  const candidates = rules.byMetric.get(metric)
  if (!candidates) return NONE
  // The common case — tenant-wide rules — needs no filtering (and no new array per value).
  if (candidates.every(unscoped)) return candidates
  return candidates.filter(r => (!r.plantId || r.plantId === plantId) && (!r.plcId || r.plcId === plcId)
    && (!r.machineType || rules.machineTypes.get(plcId) === r.machineType))
}

/** A learnt rule's limits for one PLC; undefined until enough history was learnt. */
export function learntLimits(rules: TenantRules, ruleId: string, plcRowId: string): { low: number, high: number } | undefined {
  return rules.learnt.get(`${ruleId}|${plcRowId}`)
}

/**
 * Enabled alarm rules (and learnt bounds) per tenant, cached like the persistence rules: invalidated when rules change
 * (here or, through the bus, on another instance), with a TTL in case an invalidation is missed.
 */
export class AlarmRuleCache {
  private byTenant = new Map<string, { rules: TenantRules, loadedAt: number }>()

  constructor(private sql: SqlClient, private ttlMs = 30_000, private now = () => Date.now()) {}

  /** The tenant's rules if the cache holds them fresh: the engine's per-sample path, with no await. */
  cached(tenantId: string): TenantRules | undefined {
    const hit = this.byTenant.get(tenantId)
    return hit && this.now() - hit.loadedAt < this.ttlMs ? hit.rules : undefined
  }

  async rulesOf(tenantId: string): Promise<TenantRules> {
    const hit = this.cached(tenantId)
    if (hit) return hit
    const rules = noRules()
    for (const r of await this.sql.query<AlarmRule>(LOAD_RULES, [tenantId])) {
      const list = rules.byMetric.get(r.metric) ?? []
      list.push(r)
      rules.byMetric.set(r.metric, list)
    }
    for (const b of await this.sql.query<{ ruleId: string, plcId: string, low: number, high: number }>(LOAD_BOUNDS, [tenantId])) {
      rules.learnt.set(`${b.ruleId}|${b.plcId}`, { low: b.low, high: b.high })
    }
    for (const m of await this.sql.query<{ id: string, machineType: string }>(LOAD_MACHINE_TYPES, [tenantId])) rules.machineTypes.set(m.id, m.machineType)
    for (const s of await this.sql.query<AcceptedSchedule & { plcId: string, metric: string }>(LOAD_SCHEDULES, [tenantId])) {
      rules.schedules.set(`${s.plcId}|${s.metric}`, { windows: s.windows, timeZone: s.timeZone })
    }
    this.byTenant.set(tenantId, { rules, loadedAt: this.now() })
    return rules
  }

  invalidate(tenantId?: string): void {
    if (tenantId) this.byTenant.delete(tenantId)
    else this.byTenant.clear()
  }
}
