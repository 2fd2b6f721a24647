import type { GatewayHealth } from '../ingest/messages'
import { learntLimits, rulesFor, type AcceptedSchedule, type AlarmRule, type TenantRules } from './rules'
import { insideSchedule } from './schedule-windows'
import { effectiveLimits, thresholdBreach, type ThresholdLimits } from './threshold'
import { formatValue, numeric, type AlarmDraft, type GatewayObservation, type Observation, type PlcSample } from './observations'

/** The condition keys: at most one open alarm per key (SPEC §6: per rule, PLC and metric). */
export const conditionKeys = {
  threshold: (ruleId: string, plcRowId: string, metric: string) => `threshold:${ruleId}:${plcRowId}:${metric}`,
  learnt: (ruleId: string, plcRowId: string, metric: string) => `learnt_bounds:${ruleId}:${plcRowId}:${metric}`,
  stale: (ruleId: string, plcRowId: string, metric: string) => `stale:${ruleId}:${plcRowId}:${metric}`,
  quality: (plcRowId: string, metric: string) => `quality_bad:${plcRowId}:${metric}`,
  schedule: (type: string, plcRowId: string, metric: string) => `${type}:${plcRowId}:${metric}`,
  gateway: (type: string, gatewayRowId: string) => `${type}:${gatewayRowId}`
}

/**
 * A rule's condition key on one PLC, built once per rule and PLC: every value a rule watches needs
 * it, and concatenating (then hashing) a fresh ~90-character key per value was the engine's largest
 * cost. A rule watches one metric, so rule and PLC make the key; the memo goes with the rule object,
 * which the rule cache replaces when rules change.
 */
const keyMemo = new WeakMap<AlarmRule, Map<string, string>>()
function ruleKey(rule: AlarmRule, plcRowId: string): string {
  let keys = keyMemo.get(rule)
  if (!keys) keyMemo.set(rule, keys = new Map())
  let key = keys.get(plcRowId)
  if (key === undefined) {
    const of = rule.kind === 'learnt' ? conditionKeys.learnt : rule.kind === 'stale' ? conditionKeys.stale : conditionKeys.threshold
    keys.set(plcRowId, key = of(rule.id, plcRowId, rule.metric))
  }
  return key
}

/** Whether the tracker holds an open alarm for a key: the deadband applies while one is open. */
export type IsOpen = (key: string) => boolean

/** Threshold, learnt, schedule and data-quality conditions of one PLC sample. */
export function plcObservations(s: PlcSample, rules: TenantRules, isOpen: IsOpen, qualityMinDurationMs = 0): Observation[] {
  const out: Observation[] = []
  const base = { plant: s.plant, plcRowId: s.plcRowId, plcId: s.plcId, gatewayRowId: null, gatewayId: null }
  for (const p of s.points) {
    const value = numeric(p.value)
    for (const rule of rulesFor(rules, s.plant.plantId, s.plcRowId, p.metric)) {
      const ob = valueObservation(rule, rules, s, p.metric, value, isOpen)
      if (ob) out.push(ob)
    }
    const schedule = rules.schedules.size ? rules.schedules.get(`${s.plcRowId}|${p.metric}`) : undefined
    if (schedule && value !== null) out.push(...scheduleObservations(schedule, s, p.metric, value))
    if (p.quality === undefined) continue
    out.push({
      key: conditionKeys.quality(s.plcRowId, p.metric), ts: s.ts, active: p.quality.toUpperCase() === 'BAD', value,
      // One bad sample now and then is a sensor's hiccup, not an alarm: only bad data that lasts is.
      minDurationMs: qualityMinDurationMs, cooldownMs: 0,
      draft: () => ({ ...base, ruleId: null, metric: p.metric, type: 'quality_bad', severity: 'medium', message: `${p.metric}: data quality BAD` })
    })
  }
  return out
}

// A machine stopping for a few minutes inside its hours, or running a few minutes past them, is normal.
const SCHEDULE_GRACE_MS = 5 * 60_000

/** An accepted schedule (seed 003 rule 3): running outside its windows, or stopped inside them. */
function scheduleObservations(schedule: AcceptedSchedule, s: PlcSample, metric: string, value: number): Observation[] {
  const running = value > 0
  const inside = insideSchedule(s.ts, schedule.windows, schedule.timeZone)
  const base = { plant: s.plant, plcRowId: s.plcRowId, plcId: s.plcId, gatewayRowId: null, gatewayId: null, ruleId: null, metric }
  return [
    {
      key: conditionKeys.schedule('running_outside_schedule', s.plcRowId, metric), ts: s.ts, active: running && !inside, value,
      minDurationMs: SCHEDULE_GRACE_MS, cooldownMs: 0,
      draft: () => ({ ...base, type: 'running_outside_schedule', severity: 'medium', message: `${s.plcId} running outside its schedule (${metric})` })
    },
    {
      key: conditionKeys.schedule('stopped_inside_schedule', s.plcRowId, metric), ts: s.ts, active: !running && inside, value,
      minDurationMs: SCHEDULE_GRACE_MS, cooldownMs: 0,
      draft: () => ({ ...base, type: 'stopped_inside_schedule', severity: 'low', message: `${s.plcId} stopped inside its schedule (${metric})` })
    }
  ]
}

/** What one value says about one rule: a limit crossed or not, or (any value at all) data no longer stale. */
function valueObservation(rule: AlarmRule, rules: TenantRules, s: PlcSample, metric: string, value: number | null, isOpen: IsOpen): Observation | undefined {
  if (rule.kind === 'stale') return staleObservation(rule, { plcRowId: s.plcRowId, plcId: s.plcId, plant: s.plant }, metric, s.ts, false, value)
  if (value === null) return undefined
  if (rule.kind === 'learnt') return learntObservation(rule, rules, s, metric, value, isOpen)
  return thresholdObservation(rule, rule, s, metric, value, isOpen)
}

/** A stale rule's condition: raised by the stale sweep (`active`), cleared by the next value. */
export function staleObservation(rule: Pick<AlarmRule, 'id' | 'name' | 'severity' | 'staleAfterS'>, plc: Pick<PlcSample, 'plant' | 'plcRowId' | 'plcId'>, metric: string, ts: number, active: boolean, value: number | null = null): Observation {
  return {
    key: conditionKeys.stale(rule.id, plc.plcRowId, metric), ts, active, value, minDurationMs: 0, cooldownMs: 0,
    draft: () => ({
      plant: plc.plant, plcRowId: plc.plcRowId, plcId: plc.plcId, gatewayRowId: null, gatewayId: null, ruleId: rule.id, metric,
      type: 'stale', severity: rule.severity, message: `${rule.name}: no ${metric} from ${plc.plcId} for ${rule.staleAfterS} s`
    })
  }
}

/** A learnt rule judges a PLC only once its bounds were learnt from enough history. */
function learntObservation(rule: AlarmRule, rules: TenantRules, s: PlcSample, metric: string, value: number, isOpen: IsOpen): Observation | undefined {
  const bounds = learntLimits(rules, rule.id, s.plcRowId)
  if (!bounds) return undefined
  return thresholdObservation(rule, { ...rule, min: bounds.low, max: bounds.high }, s, metric, value, isOpen)
}

function thresholdObservation(rule: AlarmRule, limits: ThresholdLimits, s: PlcSample, metric: string, value: number, isOpen: IsOpen): Observation {
  const learnt = rule.kind === 'learnt'
  const key = ruleKey(rule, s.plcRowId)
  const breach = thresholdBreach(limits, value, isOpen(key))
  const draft = (): AlarmDraft => {
    const { low, high } = effectiveLimits(limits)
    const limit = learnt ? 'the learnt ' : ''
    const message = breach === 'low'
      ? `${rule.name}: ${metric} ${formatValue(value)} below ${limit}${formatValue(low!)}`
      : `${rule.name}: ${metric} ${formatValue(value)} above ${limit}${formatValue(high ?? value)}`
    return {
      plant: s.plant, plcRowId: s.plcRowId, plcId: s.plcId, gatewayRowId: null, gatewayId: null,
      ruleId: rule.id, metric, type: learnt ? 'learnt_bounds' : 'threshold', severity: rule.severity, message
    }
  }
  return { key, ts: s.ts, active: breach !== null, value, minDurationMs: rule.minDurationS * 1000, cooldownMs: rule.cooldownS * 1000, draft }
}

/** Built-in gateway conditions: offline, PLC link and internet not ok, store-and-forward backlog. */
export function gatewayObservations(g: GatewayObservation, backlogLimit: number): Observation[] {
  const out: Observation[] = []
  const draft = (type: AlarmDraft['type'], severity: AlarmDraft['severity'], message: string): AlarmDraft =>
    ({ plant: g.plant, plcRowId: null, plcId: null, gatewayRowId: g.gatewayRowId, gatewayId: g.gatewayId, ruleId: null, metric: null, type, severity, message })
  const observe = (type: AlarmDraft['type'], active: boolean, value: number | null, d: AlarmDraft) =>
    out.push({ key: conditionKeys.gateway(type, g.gatewayRowId), ts: g.at, active, value, minDurationMs: 0, cooldownMs: 0, draft: () => d })

  if (g.status) {
    observe('gateway_offline', g.status === 'offline', null,
      draft('gateway_offline', 'high', `Gateway ${g.gatewayId} offline${g.reason ? ` (${g.reason})` : ''}`))
  }
  if (g.health) healthObservations(g.health, backlogLimit, g.gatewayId, observe, draft)
  return out
}

function healthObservations(
  h: GatewayHealth, backlogLimit: number, gatewayId: string,
  observe: (type: AlarmDraft['type'], active: boolean, value: number | null, d: AlarmDraft) => void,
  draft: (type: AlarmDraft['type'], severity: AlarmDraft['severity'], message: string) => AlarmDraft
): void {
  if (h.plcLink !== undefined) {
    observe('gateway_plc_link', h.plcLink !== 'ok', null, draft('gateway_plc_link', 'high', `Gateway ${gatewayId}: PLC link ${h.plcLink}`))
  }
  if (h.internet !== undefined) {
    observe('gateway_internet', h.internet !== 'ok', null, draft('gateway_internet', 'medium', `Gateway ${gatewayId}: internet ${h.internet}`))
  }
  if (h.queuedMessages !== undefined) {
    observe('buffer_backlog', h.queuedMessages > backlogLimit, h.queuedMessages,
      draft('buffer_backlog', 'medium', `Gateway ${gatewayId}: ${h.queuedMessages} messages buffered (limit ${backlogLimit})`))
  }
}
