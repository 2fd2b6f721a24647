import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, endClient, publish } from '../support/mqtt'
import { startServer, type RunningServer } from '../support/server'
import { createTestDataDir, waitFor } from '../support/services'
import { DEMO_PASSWORD } from '../../server/auth/demo-users'

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/seed-messages.json'), 'utf8')) as {
  messages: { topic: string, payload?: object, raw?: string, retain: boolean }[]
}

// The README's first command, as a newcomer gets it: nothing configured but a data directory.
describe('zero-config start of the built server', () => {
  let server: RunningServer | undefined
  const data = createTestDataDir()
  let token = ''
  const getJson = async <T>(path: string): Promise<T> => (await fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<T>

  beforeAll(async () => {
    // Mosquitto holds 1883 on this machine: the embedded broker must say so and take another port.
    // `npm run dev` is development mode, where the platform starts its own Auth emulator.
    server = await startServer({ NODE_ENV: 'development', DATA_DIR: data.dir, SIMULATOR: '1', DEMO_DATA: '1', MQTT_EMBEDDED_PORT: '1883' })
    const health = await getJson<{ parts: { auth: { emulatorUrl: string } } }>('/health')
    token = await signInAt(health.parts.auth.emulatorUrl, 'admin@demo.local')
  })

  afterAll(async () => {
    await server?.kill()
    data.remove()
  })

  it('reports every part embedded and up, and the broker port it took', async () => {
    const health = await getJson<{ status: string, simulator: string, parts: Record<string, { status: string, mode: string, port?: number, portFallbackFrom?: number | null }> }>('/health')
    expect(health.status).toBe('ok')
    expect(health.simulator).toBe('running')
    for (const part of ['database', 'mqtt', 'bus', 'auth']) expect(health.parts[part]).toMatchObject({ status: 'up', mode: 'embedded' })
    expect(health.parts.mqtt!.portFallbackFrom).toBe(1883)
    expect(health.parts.mqtt!.port).not.toBe(1883)
    expect(server!.logs.join('')).toContain('port 1883 is taken')
    expect(health.parts.auth).toMatchObject({ authMode: 'emulator', projectId: 'demo-plant-telemetry' })
  })

  it('lets the demo users sign in and answers without a token with 401', async () => {
    const access = await getJson<{ tenant: string, role: string, permissions: string[] }>('/api/admin/access')
    expect(access).toMatchObject({ tenant: 'granix', role: 'admin' })
    expect(access.permissions).toContain('persist_rule:write')
    expect((await fetch(`${server!.url}/api/telemetry/latest`)).status).toBe(401)
  })

  it('stores live values from the simulator within seconds', async () => {
    const latest = await waitFor(async () => {
      const rows = await getJson<{ site: string, plcId: string, metric: string }[]>('/api/telemetry/latest?limit=50')
      return rows.length >= 6 ? rows : undefined
    }, 20_000, 'simulated values')
    expect(latest.every(r => r.site === 'planta-1')).toBe(true)
    const metrics = await getJson<{ mqttMessagesProcessed: number, valuesStored: number }>('/metrics')
    expect(metrics.mqttMessagesProcessed).toBeGreaterThan(0)
  })

  it('stores the seed payloads any MQTT client publishes to the embedded broker', async () => {
    const health = await getJson<{ parts: { mqtt: { brokerUrl: string } } }>('/health')
    const client = await connectClient(health.parts.mqtt.brokerUrl, { protocolVersion: 4, clientId: 'zero-config-test' })
    for (const m of fixtures.messages) await publish(client, m.topic, m.raw ?? JSON.stringify(m.payload), { retain: m.retain })
    await endClient(client)
    const state = await waitFor(async () => {
      const res = await fetch(`${server!.url}/api/plcs/planta-1/press-01/state`, { headers: { authorization: `Bearer ${token}` } })
      return res.ok ? res.json() as Promise<{ values: Record<string, unknown> }> : undefined
    }, 10_000, 'press-01 state')
    expect(state.values).toEqual({ pressure: 4.2, temp_head: 83.2, running: true, mode: 'auto' })
    const plc03 = await getJson<{ values: Record<string, unknown> }>('/api/plcs/planta-1/plc-03/state')
    expect(plc03.values).toEqual({ temp_head: 83.2 })
  })

  it('serves /metrics as Prometheus text on request', async () => {
    const res = await fetch(`${server!.url}/metrics`, { headers: { accept: 'text/plain' } })
    const text = await res.text()
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(text).toMatch(/^mqtt_messages_received_total \d+$/m)
    expect(text).toMatch(/^ingest_tenant_messages_per_second\{tenant="granix"\} /m)
    expect(text).toContain('process_resident_memory_bytes')
  })

  it('shuts down cleanly on SIGTERM', async () => {
    const code = await server!.stop()
    expect(code).toBe(0)
    expect(server!.logs.join('')).toContain('platform stopped')
    server = undefined
  })
})

async function signInAt(emulatorUrl: string, email: string): Promise<string> {
  const res = await fetch(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD, returnSecureToken: true })
  })
  return ((await res.json()) as { idToken: string }).idToken
}
