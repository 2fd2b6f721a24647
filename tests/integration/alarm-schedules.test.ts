import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decideSchedule, learnSchedule } from '../../server/alarms/schedules'
import { connectClient, endClient, publish } from '../support/mqtt'
import { startTestPlatform, type Target, type TestPlatform } from '../support/platform'
import { uniqueId, waitFor } from '../support/services'
import { createPlc, storePoints, type TestPlc } from '../support/telemetry-rows'

// Schedule learning (seed 003 rule 3) on both targets: a synthetic weekly pattern (running 08:00–16:00
// Monday to Friday) is recovered from four weeks of history; once accepted, running outside it and
// stopping inside it raise alarms from real MQTT messages.

const HOUR = 3_600_000
const who = { uid: 'test', email: 'admin@test.local' }

describe.each<Target>(['embedded', 'services'])('machine schedules on the %s target', (target) => {
  let t: TestPlatform
  let client: MqttClient
  let plc: TestPlc
  const tenant = uniqueId('sc').replaceAll('_', '-')
  const now = Date.now()
  // Every 10 minutes over the last four weeks: running on weekdays from 08:00 to 16:00 UTC.
  const start = now - 28 * 24 * HOUR
  const history = Array.from({ length: 28 * 144 }, (_, i) => {
    const ts = start + i * 600_000
    const d = new Date(ts)
    const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5
    return { metric: 'running', ts, value: weekday && d.getUTCHours() >= 8 && d.getUTCHours() < 16 }
  })

  beforeAll(async () => {
    t = await startTestPlatform(target, { INGEST_BATCH_MAX_MS: '5' })
    plc = await createPlc(t.platform.db.sql, { tenant, province: 'north', plant: 'plant-a', plcId: 'press' })
    await storePoints(t.platform.db.sql, plc, history)
    client = await connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion, clientId: uniqueId('sched-pub') })
  })

  afterAll(async () => {
    if (client) await endClient(client)
    await t?.cleanup()
  })

  it('recovers the weekly pattern as a suggestion', async () => {
    const s = await learnSchedule(t.platform.db.sql, who, plc, 'running', { days: 28, binMinutes: 30, threshold: 0.55, timeZone: 'UTC' }, now)
    const shift = [{ start: '08:00', end: '16:00' }]
    expect(s).toMatchObject({ status: 'suggested', metric: 'running', plcId: 'press', binMinutes: 30, windows: { 1: shift, 2: shift, 3: shift, 4: shift, 5: shift } })
    expect(Object.keys(s.windows).sort()).toEqual(['1', '2', '3', '4', '5'])
    const [entry] = await t.platform.db.sql.query<{ action: string }>(`select action from audit_log where tenant_id = $1 order by id desc limit 1`, [plc.tenantId])
    expect(entry!.action).toBe('schedule.learn')
  })

  it('once accepted, running on a Sunday night and stopping on a Monday morning raise alarms', async () => {
    await decideSchedule(t.platform.db.sql, who, plc, 'running', 'accepted')
    t.platform.alarmRulesChanged(plc.tenantId)
    const day = new Date(now - 7 * 24 * HOUR)
    const sunday = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - day.getUTCDay(), 3, 0)
    const monday = sunday + 24 * HOUR + 7 * HOUR
    const topic = `factory/${tenant}/north/plant-a/press/telemetry`
    // Each condition must hold past the 5-minute grace: two samples 6 minutes apart.
    for (const [ts, running] of [[sunday, true], [sunday + 360_000, true], [sunday + 420_000, false], [monday, false], [monday + 360_000, false]] as const) {
      await publish(client, topic, { schemaVersion: 1, timestamp: ts, seq: ts, values: { running } })
    }
    const alarms = () => t.platform.db.sql.query<{ type: string, state: string }>(`select type, state from alarms where tenant_id = $1 order by ts`, [plc.tenantId])
    await waitFor(async () => (await alarms()).length === 2 || null, 10_000, 'two schedule alarms')
    expect(await alarms()).toEqual([{ type: 'running_outside_schedule', state: 'cleared' }, { type: 'stopped_inside_schedule', state: 'active' }])
  })
})
