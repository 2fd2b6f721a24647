import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulator, type Simulator } from '../../server/simulator/simulator'
import { createPlant, startTestPlatform, type TestPlatform } from '../support/platform'
import { waitFor } from '../support/services'

describe('gateway simulator against the embedded platform', () => {
  let t: TestPlatform
  let sim: Simulator | undefined

  beforeAll(async () => {
    t = await startTestPlatform('embedded', { GATEWAY_OFFLINE_AFTER_S: '30' })
    await createPlant(t.platform, 'granix', 'ba', 'planta-1')
  })

  afterAll(async () => {
    await sim?.stop()
    await t?.cleanup()
  })

  it('feeds every shape, heartbeats and a Last Will on restart', async () => {
    sim = await startSimulator({
      url: t.mqttUrl, protocolVersion: 4, tenant: 'granix', province: 'ba', plant: 'planta-1',
      gateways: 2, machines: 2, metrics: 5, rate: 10, heartbeatMs: 300, restartChance: 0.15, badQuality: 0.2
    })
    const q = <T>(text: string) => t.platform.db.sql.query<T>(text)
    await waitFor(async () => (await q<{ n: number }>(`select count(*)::int as n from gateway_status_history where status = 'offline' and reason = 'unexpected_disconnect'`))[0]!.n > 0, 30_000, 'a restart with Last Will')
    await waitFor(async () => (await q<{ n: number }>(`select count(distinct plc_id)::int as n from plc_state`))[0]!.n === 4, 10_000, 'all machines')
    const plcs = await q<{ plc_id: string }>(`select plc_id from plcs order by plc_id`)
    // Gateway 1 speaks seed 001 (shape B, machine topics), gateway 2 seed 000 (shape A, plc ids).
    expect(plcs.map(p => p.plc_id)).toEqual(['machine-1-1', 'machine-1-2', 'plc-03', 'plc-04'])
    const metrics = await q<{ metric: string }>(`select distinct metric from plc_state order by metric`)
    expect(metrics.map(m => m.metric)).toEqual(['mode', 'pressure', 'running', 'speed', 'temp_head'])
    const bad = await q<{ n: number }>(`select count(*)::int as n from telemetry_events where quality = 'BAD'`)
    expect(bad[0]!.n).toBeGreaterThan(0)
    const gws = await q<{ thing_name: string, health: Record<string, unknown> }>(`select thing_name, health from gateways order by thing_name`)
    expect(gws.map(g => g.thing_name)).toEqual(['granix-ba-gw-01', 'granix-ba-gw-02'])
    expect(gws.every(g => g.health && 'version' in g.health)).toBe(true)
    expect((await q<{ n: number }>(`select count(*)::int as n from dead_letters`))[0]!.n).toBe(0)
  })
})
