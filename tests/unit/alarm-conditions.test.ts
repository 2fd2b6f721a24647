import { describe, expect, it } from 'vitest'
import { effectiveLimits, thresholdBreach, type ThresholdLimits } from '../../server/alarms/threshold'
import { ConditionTracker, type DebouncePolicy } from '../../server/alarms/tracker'
import { gatewayObservations, plcObservations } from '../../server/alarms/sources'
import { noRules, type AlarmRule, type TenantRules } from '../../server/alarms/rules'

const limits = (l: Partial<ThresholdLimits>): ThresholdLimits => ({ min: null, max: null, deadband: 0, toleranceAbs: 0, toleranceFrac: 0, ...l })
const plain: DebouncePolicy = { minDurationMs: 0, cooldownMs: 0 }

/** Feeds [ts, active] samples to one key and returns the decisions with their times. */
function run(samples: [number, boolean][], policy: DebouncePolicy, tracker = new ConditionTracker()): string[] {
  return samples.flatMap(([ts, active]) => {
    const d = tracker.observe('k', ts, active, policy)
    return d ? [`${d}@${ts}`] : []
  })
}

describe('threshold limits', () => {
  it('tolerance is the larger of the absolute and the fractional one (seed 003)', () => {
    expect(effectiveLimits(limits({ min: 10, max: 80, toleranceAbs: 0.5, toleranceFrac: 0.05 }))).toEqual({ low: 9.5, high: 84 })
    expect(effectiveLimits(limits({ max: 80, toleranceAbs: 5, toleranceFrac: 0.01 }))).toEqual({ low: null, high: 85 })
  })

  it('a value beyond a limit breaches it; on the limit it does not', () => {
    const l = limits({ min: 10, max: 80 })
    expect(thresholdBreach(l, 80, false)).toBeNull()
    expect(thresholdBreach(l, 80.1, false)).toBe('high')
    expect(thresholdBreach(l, 9.9, false)).toBe('low')
    expect(thresholdBreach(l, 50, false)).toBeNull()
  })

  it('while open, the value must come back inside by the deadband', () => {
    const l = limits({ max: 80, deadband: 2 })
    expect(thresholdBreach(l, 79, false)).toBeNull()
    expect(thresholdBreach(l, 79, true)).toBe('high')
    expect(thresholdBreach(l, 78, true)).toBeNull()
  })
})

describe('condition tracker', () => {
  it('raises once and clears once across a long excursion', () => {
    expect(run([[1, false], [2, true], [3, true], [4, true], [5, false], [6, false]], plain)).toEqual(['raise@2', 'clear@5'])
  })

  it('with a minimum duration, a short spike raises nothing and a long one raises when the duration is reached', () => {
    const p = { minDurationMs: 10, cooldownMs: 0 }
    expect(run([[0, true], [5, true], [9, false], [20, true], [29, true], [30, true], [31, true]], p)).toEqual(['raise@30'])
  })

  it('cool-down keeps a flapping condition from raising again right after a clear', () => {
    const p = { minDurationMs: 0, cooldownMs: 100 }
    const flapping: [number, boolean][] = [[0, true], [10, false], [20, true], [30, false], [40, true], [50, false], [150, true]]
    expect(run(flapping, p)).toEqual(['raise@0', 'clear@10', 'raise@150'])
  })

  it('late samples (older than one already seen) are history: no false raise or clear', () => {
    expect(run([[100, true], [50, false], [60, false], [110, true], [120, false]], plain)).toEqual(['raise@100', 'clear@120'])
    expect(run([[100, false], [200, false], [150, true]], plain)).toEqual([])
  })

  it('an open alarm (acknowledged or not) is not raised again while the condition holds', () => {
    const t = new ConditionTracker()
    t.learn('k', true, 0)
    expect(run([[1, true], [2, true], [3, false]], plain, t)).toEqual(['clear@3'])
  })

  it('learns a clear from elsewhere, and applies its cool-down', () => {
    const t = new ConditionTracker()
    t.learn('k', true, 0)
    t.learn('k', false, 100)
    expect(run([[150, true], [250, true]], { minDurationMs: 0, cooldownMs: 100 }, t)).toEqual(['raise@250'])
  })
})

const plant = { tenantId: 't1', plantId: 'p1', tenant: 'acme', plant: 'site-1' }
const rule = (r: Partial<AlarmRule>): AlarmRule => ({
  id: 'r1', tenantId: 't1', plantId: null, plcId: null, metric: 'temp', name: 'Hot head', kind: 'threshold', staleAfterS: null, machineType: null, severity: 'high',
  min: null, max: 80, deadband: 0, toleranceAbs: 0, toleranceFrac: 0, minDurationS: 0, cooldownS: 0, ...r
})
const byMetric = (...rules: AlarmRule[]): TenantRules => ({ ...noRules(), byMetric: new Map([['temp', rules]]) })

describe('alarm sources', () => {
  it('applies the rules of the PLC, its plant or the tenant, on numeric values', () => {
    const rules = byMetric(rule({ id: 'a' }), rule({ id: 'b', plantId: 'p2' }), rule({ id: 'c', plcId: 'plc-row-1' }), rule({ id: 'd', plcId: 'other' }))
    const obs = plcObservations({ plant, plcRowId: 'plc-row-1', plcId: 'press-1', ts: 5, points: [{ metric: 'temp', value: 95 }] }, rules, () => false)
    expect(obs.map(o => o.key)).toEqual(['threshold:a:plc-row-1:temp', 'threshold:c:plc-row-1:temp'])
    expect(obs[0]).toMatchObject({ active: true, value: 95 })
    expect(obs[0]!.draft()).toMatchObject({ type: 'threshold', severity: 'high', ruleId: 'a', message: 'Hot head: temp 95 above 80' })
    expect(plcObservations({ plant, plcRowId: 'plc-row-1', plcId: 'press-1', ts: 5, points: [{ metric: 'temp', value: 'n/a' }] }, rules, () => false)).toEqual([])
  })

  it('a rule for a machine type applies to the machines of that type only', () => {
    const rules: TenantRules = { ...noRules(), byMetric: new Map([['temp', [rule({ id: 'p', machineType: 'press' })]]]), machineTypes: new Map([['plc-a', 'press'], ['plc-b', 'oven']]) }
    const keys = (plcRowId: string) => plcObservations({ plant, plcRowId, plcId: plcRowId, ts: 5, points: [{ metric: 'temp', value: 99 }] }, rules, () => false).map(o => o.key)
    expect(keys('plc-a')).toEqual(['threshold:p:plc-a:temp'])
    expect(keys('plc-b')).toEqual([])
    expect(keys('plc-c')).toEqual([])
  })

  it('a learnt rule judges a PLC only once it has bounds for it', () => {
    const learnt = rule({ id: 'l', kind: 'learnt', max: null, toleranceAbs: 1 })
    const rules: TenantRules = { ...noRules(), byMetric: new Map([['temp', [learnt]]]), learnt: new Map([['l|plc-a', { low: 10, high: 20 }]]) }
    const sample = (plcRowId: string, value: number) => ({ plant, plcRowId, plcId: plcRowId, ts: 5, points: [{ metric: 'temp', value }] })
    expect(plcObservations(sample('plc-b', 99), rules, () => false)).toEqual([])
    const [high] = plcObservations(sample('plc-a', 21.5), rules, () => false)
    expect(high).toMatchObject({ key: 'learnt_bounds:l:plc-a:temp', active: true })
    expect(high!.draft()).toMatchObject({ type: 'learnt_bounds', message: 'Hot head: temp 21.5 above the learnt 21' })
    expect(plcObservations(sample('plc-a', 20.5), rules, () => false)[0]!.active).toBe(false)
  })

  it('data quality BAD is a condition of its own per PLC and metric', () => {
    const obs = plcObservations({ plant, plcRowId: 'x', plcId: 'press-1', ts: 5, points: [{ metric: 'flow', value: 1, quality: 'BAD' }, { metric: 'level', value: 2, quality: 'GOOD' }] }, noRules(), () => false, 30_000)
    expect(obs.map(o => [o.key, o.active, o.minDurationMs])).toEqual([['quality_bad:x:flow', true, 30_000], ['quality_bad:x:level', false, 30_000]])
  })

  it('gateways: offline, PLC link, internet and backlog', () => {
    const g = { plant, gatewayRowId: 'g1', gatewayId: 'gw-1', at: 9 }
    const [offline] = gatewayObservations({ ...g, status: 'offline', reason: 'lwt' }, 1000)
    expect(offline).toMatchObject({ key: 'gateway_offline:g1', active: true })
    expect(offline!.draft()).toMatchObject({ severity: 'high', message: 'Gateway gw-1 offline (lwt)' })
    const health = gatewayObservations({ ...g, health: { plcLink: 'degraded', internet: 'ok', queuedMessages: 5000 } }, 1000)
    expect(health.map(o => [o.key, o.active])).toEqual([['gateway_plc_link:g1', true], ['gateway_internet:g1', false], ['buffer_backlog:g1', true]])
  })
})
