import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config/env'

describe('loadConfig', () => {
  it('uses every embedded part when nothing is configured', () => {
    const c = loadConfig({})
    expect(c.database).toEqual({ kind: 'pglite', dataDir: '.data/pglite' })
    expect(c.mqtt.external).toBeUndefined()
    expect(c.mqtt.embedded.port).toBe(1883)
    expect(c.redis).toBeUndefined()
    expect(c.simulator.enabled).toBe(true)
    expect(c.gatewayOfflineAfterMs).toBe(30_000)
    expect(c.ingest.defaultMode).toBe('both')
  })

  it('uses the external parts that are configured', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/x', MQTT_URL: 'mqtts://broker:8883', MQTT_CA_PATH: '/ca.pem',
      MQTT_SHARED_GROUP: 'ingest', REDIS_URL: 'redis://r:6379', PERSIST_DEFAULT_MODE: 'none', GATEWAY_OFFLINE_AFTER_S: '5'
    })
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/x' })
    expect(c.mqtt.external).toMatchObject({ url: 'mqtts://broker:8883', ca: '/ca.pem' })
    expect(c.mqtt.sharedGroup).toBe('ingest')
    expect(c.redis).toEqual({ url: 'redis://r:6379' })
    expect(c.ingest.defaultMode).toBe('none')
    expect(c.gatewayOfflineAfterMs).toBe(5000)
    // Against a real broker the simulator runs only when asked for.
    expect(c.simulator.enabled).toBe(false)
    expect(loadConfig({ MQTT_URL: 'mqtt://b', SIMULATOR: '1' }).simulator.enabled).toBe(true)
  })

  it('names every bad variable', () => {
    expect(() => loadConfig({ PERSIST_DEFAULT_MODE: 'sometimes', MQTT_EMBEDDED_PORT: 'x' })).toThrow(/PERSIST_DEFAULT_MODE.*MQTT_EMBEDDED_PORT|MQTT_EMBEDDED_PORT.*PERSIST_DEFAULT_MODE/)
  })
})
