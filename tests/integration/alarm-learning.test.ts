import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAlarmRule } from '../../server/alarms/rule-admin'
import { AlarmRuleBody } from '../../server/alarms/rule-schemas'
import { learnAll, learnRule, learntBoundsOf } from '../../server/alarms/learning'
import { connectClient, endClient, publish } from '../support/mqtt'
import { startTestPlatform, type Target, type TestPlatform } from '../support/platform'
import { uniqueId, waitFor } from '../support/services'
import { createPlc, storePoints, type TestPlc } from '../support/telemetry-rows'

// Learnt bounds (seed 003 rule 1) on both targets: percentiles of a synthetic history match numpy's
// default (linear) percentile, PLCs with too little history get no bounds and raise nothing, and a
// value beyond the learnt bounds raises a learnt_bounds alarm from a real MQTT message.

/** numpy.percentile(values, 100 * p) with its default linear interpolation. */
function numpyPercentile(values: number[], p: number): number {
  const a = [...values].sort((x, y) => x - y)
  const h = (a.length - 1) * p
  const lo = Math.floor(h)
  return a[lo]! + (h - lo) * ((a[Math.min(lo + 1, a.length - 1)]!) - a[lo]!)
}

/** A deterministic shuffle of 1…n (a linear congruential permutation), so order does not matter. */
const shuffled = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1)

describe.each<Target>(['embedded', 'services'])('learnt bounds on the %s target', (target) => {
  let t: TestPlatform
  let client: MqttClient
  const tenant = uniqueId('ln').replaceAll('_', '-')
  let rich: TestPlc
  let poor: TestPlc
  let ruleId: string
  const now = Date.now()
  const history = shuffled(1000).map(v => v / 10)

  beforeAll(async () => {
    t = await startTestPlatform(target, { INGEST_BATCH_MAX_MS: '5' })
    const sql = t.platform.db.sql
    rich = await createPlc(sql, { tenant, province: 'north', plant: 'plant-a', plcId: 'rich' })
    poor = await createPlc(sql, { tenant, province: 'north', plant: 'plant-a', plcId: 'poor' })
    // One value a minute over the last ~17 h; the poor PLC has fewer values than minPoints.
    await storePoints(sql, rich, history.map((value, i) => ({ metric: 'temp', ts: now - (history.length - i) * 60_000, value })))
    await storePoints(sql, poor, history.slice(0, 100).map((value, i) => ({ metric: 'temp', ts: now - (100 - i) * 60_000, value })))
    const body = AlarmRuleBody.parse({ name: 'Unusual temperature', metric: 'temp', kind: 'learnt', severity: 'low', learnt: { windowDays: 2, pLow: 0.01, pHigh: 0.99, padFrac: 0.1, minPoints: 150 } })
    ruleId = (await createAlarmRule(sql, { uid: 'test', email: 'test@test.local' }, { tenantId: rich.tenantId, plantId: null, plcId: null }, body)).id
    client = await connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion, clientId: uniqueId('learn-pub') })
  })

  afterAll(async () => {
    if (client) await endClient(client)
    await t?.cleanup()
  })

  it('learns numpy-style percentiles, padded, with the window and points they came from', async () => {
    const learnt = await learnAll(t.platform.db.sql, now + 1)
    expect(learnt).toContain(rich.tenantId)
    const bounds = await learntBoundsOf(t.platform.db.sql, ruleId)
    expect(bounds.map(b => b.plcId)).toEqual(['rich'])
    const [b] = bounds
    const pLow = numpyPercentile(history, 0.01)
    const pHigh = numpyPercentile(history, 0.99)
    expect(pLow).toBeCloseTo(1.099, 9)
    expect(b!.pLow).toBeCloseTo(pLow, 9)
    expect(b!.pHigh).toBeCloseTo(pHigh, 9)
    const pad = 0.1 * (pHigh - pLow)
    expect(b!.low).toBeCloseTo(pLow - pad, 9)
    expect(b!.high).toBeCloseTo(pHigh + pad, 9)
    expect(b).toMatchObject({ site: 'plant-a', metric: 'temp', points: 1000 })
    expect(b!.windowTo - b!.windowFrom).toBe(2 * 86_400_000)
  })

  it('a narrower window learns from fewer points; too few drops the bounds', async () => {
    const rule = { id: ruleId, tenantId: rich.tenantId, plantId: null, plcId: null, metric: 'temp', learnt: { windowDays: 0.1, pLow: 0.01, pHigh: 0.99, padFrac: 0, padAbs: 0, minPoints: 100 } }
    await learnRule(t.platform.db.sql, rule, now)
    const b = (await learntBoundsOf(t.platform.db.sql, ruleId)).find(x => x.plcId === 'rich')
    const recent = history.slice(history.length - 144)
    expect(b!.points).toBe(144)
    expect(b!.high).toBeCloseTo(numpyPercentile(recent, 0.99), 9)
    await learnRule(t.platform.db.sql, { ...rule, learnt: { ...rule.learnt, minPoints: 145 } }, now)
    expect(await learntBoundsOf(t.platform.db.sql, ruleId)).toEqual([])
    // Back to the rule's own options: 2 days, at least 150 points — the poor PLC has 100.
    await learnAll(t.platform.db.sql, now + 1)
  })

  it('a value beyond the learnt bounds raises; a PLC without bounds raises nothing', async () => {
    t.platform.alarmRulesChanged(rich.tenantId)
    for (const plc of ['rich', 'poor']) {
      await publish(client, `factory/${tenant}/north/plant-a/${plc}/telemetry`, { schemaVersion: 1, timestamp: now + 5000, seq: 1, values: { temp: 500 } })
    }
    const alarms = () => t.platform.db.sql.query<{ plc: string, type: string, message: string }>(
      `select c.plc_id as plc, a.type, a.message from alarms a join plcs c on c.id = a.plc_id where a.tenant_id = $1`, [rich.tenantId])
    const [raised] = await waitFor(async () => (await alarms()).length ? alarms() : null, 10_000, 'the learnt alarm')
    await t.platform.ingestor.drain()
    await t.platform.alarms.idle()
    expect(await alarms()).toEqual([raised])
    expect(raised).toMatchObject({ plc: 'rich', type: 'learnt_bounds' })
    expect(raised!.message).toMatch(/^Unusual temperature: temp 500 above the learnt 10\d\.\d+$/)
  })
})
