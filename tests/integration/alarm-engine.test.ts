import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlarmEvent, PlatformEvent } from '../../server/bus/events'
import { plantChannel, tenantPattern } from '../../server/bus/events'
import { createAlarmRule } from '../../server/alarms/rule-admin'
import { AlarmRuleBody } from '../../server/alarms/rule-schemas'
import { connectClient, endClient, publish } from '../support/mqtt'
import { createPlant, startTestPlatform, type Target, type TestPlatform } from '../support/platform'
import { uniqueId, waitFor } from '../support/services'

// The alarm engine from MQTT to the alarms table and the bus, in-process on both targets: each source
// raises and clears exactly once across flapping input, late data raises nothing, an open alarm is
// not raised again, and a restart neither re-raises nor forgets what is open.

describe.each<Target>(['embedded', 'services'])('alarm engine on the %s target', (target) => {
  let t: TestPlatform
  let client: MqttClient
  const tenant = uniqueId('al').replaceAll('_', '-')
  const plant = 'plant-a'
  const events: AlarmEvent[] = []
  let ids: { tenantId: string, plantId: string }
  const q = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => t.platform.db.sql.query<T>(text, params)
  const machineTopic = (m: string) => `factory/${tenant}/north/${plant}/${m}/telemetry`
  let clock = Date.now() - 600_000

  /** Publishes shape-B values one second apart (sample time), and waits until the engine saw them. */
  async function send(machine: string, values: Record<string, number>[], extra: object = {}): Promise<void> {
    for (const v of values) {
      clock += 1000
      await publish(client, machineTopic(machine), { schemaVersion: 1, timestamp: clock, seq: clock, values: v, ...extra })
    }
    await settle()
  }

  /** Waits until every published message is committed and evaluated. */
  async function settle(): Promise<void> {
    const target = clock
    await waitFor(async () => (await q<{ n: number }>(`select count(*)::int as n from plc_state where ts >= to_timestamp($1 / 1000.0)`, [target]))[0]!.n > 0 || null, 10_000, 'values committed')
    await t.platform.ingestor.drain()
    await t.platform.alarms.idle()
  }

  const alarmsOf = (metric: string) => q<{ state: string, value: number, clear_value: number | null, type: string, message: string }>(
    `select a.state, a.value, a.clear_value, a.type, a.message from alarms a where a.tenant_id = $1 and a.metric = $2 order by a.ts`, [ids.tenantId, metric])

  async function rule(over: Record<string, unknown>): Promise<string> {
    const body = AlarmRuleBody.parse({ name: 'rule', metric: 'temp', ...over })
    const created = await createAlarmRule(t.platform.db.sql, { uid: 'test', email: 'test@test.local' }, { tenantId: ids.tenantId, plantId: null, plcId: null }, body)
    t.platform.alarmRulesChanged(ids.tenantId)
    return created.id
  }

  beforeAll(async () => {
    t = await startTestPlatform(target, { INGEST_BATCH_MAX_MS: '5' })
    ids = await createPlant(t.platform, tenant, 'north', plant)
    let subscribed = false
    t.platform.bus.subscribe(tenantPattern(t.platform.config.busPrefix, tenant), (_c, e: PlatformEvent) => {
      if (e.type === 'alarm') events.push(e)
      if (e.type === 'refs_changed') subscribed = true
    })
    // Redis confirms a pattern subscription asynchronously: probe until an event comes back.
    await waitFor(() => {
      t.platform.bus.publish(plantChannel(t.platform.config.busPrefix, tenant, 'probe'), { type: 'refs_changed' })
      return subscribed || null
    }, 10_000, 'the bus subscription')
    client = await connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion, clientId: uniqueId('alarm-pub') })
  })

  afterAll(async () => {
    if (client) await endClient(client)
    await t?.cleanup()
  })

  it('a threshold rule with deadband raises once and clears once across a value hovering on the limit', async () => {
    await rule({ metric: 'temp', name: 'Hot', max: 80, deadband: 5, severity: 'high' })
    await send('m1', [70, 81, 79, 82, 78, 80.5, 76, 74, 79, 70].map(temp => ({ temp })))
    const rows = await alarmsOf('temp')
    expect(rows).toEqual([{ state: 'cleared', value: 81, clear_value: 74, type: 'threshold', message: 'Hot: temp 81 above 80' }])
    await waitFor(() => events.filter(e => e.alarm.metric === 'temp').length >= 2 || null, 5000, 'alarm events')
    expect(events.filter(e => e.alarm.metric === 'temp').map(e => `${e.transition}:${e.alarm.state}`)).toEqual(['raised:active', 'cleared:cleared'])
    expect(events[0]).toMatchObject({ type: 'alarm', tenant, site: plant, plcId: 'm1', alarm: { severity: 'high', plcId: 'm1', site: plant } })
    const history = await q<{ kind: string }>(`select e.kind from alarm_events e join alarms a on a.id = e.alarm_id where a.metric = 'temp' order by e.id`)
    expect(history.map(h => h.kind)).toEqual(['raised', 'cleared'])
  })

  it('minimum duration and cool-down: a spike raises nothing, flapping raises once per cool-down', async () => {
    await rule({ metric: 'press', name: 'Pressure', max: 10, minDurationS: 3, cooldownS: 30 })
    // 2 s over the limit: shorter than the minimum duration.
    await send('m1', [5, 12, 12, 5].map(press => ({ press })))
    expect(await alarmsOf('press')).toEqual([])
    // Held 3 s: raised; back to normal: cleared; over again within the cool-down: nothing.
    await send('m1', [12, 12, 12, 12, 5, 12, 12, 12, 12, 12].map(press => ({ press })))
    expect((await alarmsOf('press')).map(a => a.state)).toEqual(['cleared'])
  })

  it('late data (older than what was seen) raises no false alarm', async () => {
    await rule({ metric: 'level', name: 'Level', min: 2 })
    await send('m2', [{ level: 5 }, { level: 6 }])
    // A buffered old value far below the limit arrives after newer normal ones.
    await publish(client, machineTopic('m2'), { schemaVersion: 1, timestamp: clock - 5000, seq: clock - 5000, values: { level: 0 } })
    await send('m2', [{ level: 5 }])
    expect(await alarmsOf('level')).toEqual([])
  })

  it('data quality BAD raises per metric once it lasts 30 s, and clears when good again', async () => {
    await send('m3', [{ flow: 1 }], { quality: { flow: 'BAD' } })
    await send('m3', [{ flow: 1 }], { quality: { flow: 'GOOD' } })
    await send('m3', [{ flow: 1 }], { quality: { flow: 'BAD' } })
    clock += 28_000
    await send('m3', [{ flow: 1 }], { quality: { flow: 'BAD' } })
    expect(await alarmsOf('flow')).toEqual([])
    await send('m3', [{ flow: 1 }], { quality: { flow: 'BAD' } })
    expect((await alarmsOf('flow')).map(a => [a.type, a.state])).toEqual([['quality_bad', 'active']])
    await send('m3', [{ flow: 1 }], { quality: { flow: 'GOOD' } })
    expect((await alarmsOf('flow')).map(a => a.state)).toEqual(['cleared'])
  })

  it('an acknowledged alarm stays acknowledged, is not raised again, and clears when the condition ends', async () => {
    await rule({ metric: 'vib', name: 'Vibration', max: 1 })
    await send('m4', [{ vib: 3 }])
    const [open] = await q<{ id: string }>(`select id from alarms where metric = 'vib' and state = 'active'`)
    await q(`update alarms set acknowledged = true, state = 'acknowledged' where id = $1`, [open!.id])
    await send('m4', [{ vib: 4 }, { vib: 5 }])
    expect((await alarmsOf('vib')).map(a => a.state)).toEqual(['acknowledged'])
    await send('m4', [{ vib: 0 }])
    expect((await alarmsOf('vib')).map(a => a.state)).toEqual(['cleared'])
  })

  it('gateways: offline on the Last Will, PLC link and backlog from heartbeats; each clears', async () => {
    const gw = 'gw-al'
    const status = `ops/${tenant}/north/${plant}/gateway/${gw}/status`
    const heartbeat = (plcLink: string, queuedMessages: number) => ({
      schemaVersion: 1, timestamp: (clock += 1000), state: 'online', gateway: { version: '1', uptimeSec: 1 },
      health: { internet: 'ok', mqtt: 'ok', plcLink, buffer: { mode: 'disk', queuedMessages } }
    })
    const gatewayAlarms = () => q<{ type: string, state: string }>(`select type, state from alarms where gateway_id is not null and tenant_id = $1 order by type`, [ids.tenantId])
    const waitAlarms = (want: string) => waitFor(async () => JSON.stringify((await gatewayAlarms()).map(a => `${a.type}:${a.state}`)) === want || null, 10_000, want)

    await publish(client, status, heartbeat('ok', 0))
    await publish(client, status, heartbeat('down', 5000))
    await waitAlarms('["buffer_backlog:active","gateway_plc_link:active"]')
    await publish(client, status, { schemaVersion: 1, timestamp: (clock += 1000), state: 'offline', reason: 'lwt' })
    await waitAlarms('["buffer_backlog:active","gateway_offline:active","gateway_plc_link:active"]')
    await publish(client, status, heartbeat('ok', 0))
    await waitAlarms('["buffer_backlog:cleared","gateway_offline:cleared","gateway_plc_link:cleared"]')
  })

  it('a stale rule raises when a PLC goes quiet on a metric, and the next value clears it', async () => {
    await rule({ metric: 'hb', name: 'Heartbeat counter', kind: 'stale', staleAfterS: 60 })
    await send('m6', [{ hb: 1 }])
    const last = clock
    // Not yet 60 s after the last value (by the sweep's clock): nothing.
    await t.platform.alarms.sweepStale(last + 59_000)
    expect(await alarmsOf('hb')).toEqual([])
    await t.platform.alarms.sweepStale(last + 61_000)
    await t.platform.alarms.sweepStale(last + 90_000)
    expect(await alarmsOf('hb')).toEqual([{ state: 'active', value: null, clear_value: null, type: 'stale', message: 'Heartbeat counter: no hb from m6 for 60 s' }])
    // The gateway's buffer brings values from after the moment it went stale: cleared.
    clock = last + 61_000
    await send('m6', [{ hb: 2 }])
    expect((await alarmsOf('hb')).map(a => [a.state, a.clear_value])).toEqual([['cleared', 2]])
  })

  it('after a restart, an open alarm is neither raised again nor forgotten', async () => {
    await rule({ metric: 'amps', name: 'Current', max: 10 })
    await send('m5', [{ amps: 20 }])
    expect((await alarmsOf('amps')).map(a => a.state)).toEqual(['active'])
    // What a restarted instance starts from: the open alarms in the database.
    const { AlarmEngine } = await import('../../server/alarms/engine')
    const fresh = new AlarmEngine({ sql: t.platform.db.sql, rules: t.platform.alarmRules, logger: t.platform.logger, busPrefix: t.platform.config.busPrefix, backlogLimit: 1000, publish: () => {} })
    await fresh.start()
    const plcRow = (await q<{ id: string }>(`select id from plcs where tenant_id = $1 and plc_id = 'm5'`, [ids.tenantId]))[0]!.id
    const sample = (amps: number) => ({ samples: [{ plant: { tenantId: ids.tenantId, plantId: ids.plantId, tenant, plant }, plcRowId: plcRow, plcId: 'm5', ts: (clock += 1000), points: [{ metric: 'amps', value: amps }] }], gateways: [] })
    fresh.committed(sample(30))
    await fresh.idle()
    expect((await alarmsOf('amps')).map(a => a.state)).toEqual(['active'])
    fresh.committed(sample(1))
    await fresh.idle()
    expect((await alarmsOf('amps')).map(a => a.state)).toEqual(['cleared'])
  })
})
