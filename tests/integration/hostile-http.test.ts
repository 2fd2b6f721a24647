import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CLIENT_MESSAGE_BURST, MAX_FRAME_BYTES } from '../../server/realtime/protocol'
import { bearer, emulatorServerEnv, newAccount } from '../support/auth'
import { dropSession } from '../support/platform'
import { startServer, type RunningServer } from '../support/server'
import { SERVICES, createTestDatabase, uniqueId, waitFor } from '../support/services'

// Hostile HTTP and WebSocket clients against the built server: injection and traversal in path and
// query parameters, oversized and broken bodies, oversized and malformed frames, another tenant's
// scope, a flood of subscribe messages. None may get a 5xx, another tenant's data, or slow the server.

const A = uniqueId('hx-a').replaceAll('_', '-')
const B = uniqueId('hx-b').replaceAll('_', '-')
const CLIENT_ID = uniqueId('hx-ingest')
let server: RunningServer
let drop: () => Promise<void>
let sql: postgres.Sql
let token = ''

const INJECTIONS = [`' or '1'='1`, `site-1'; drop table tenants; --`, `site-1' union select email, firebase_uid from users --`, '1 or 1=1', '%00', '\\x00', '$(id)', '${7*7}', '<script>alert(1)</script>', 'a'.repeat(5000)]
const TRAVERSALS = ['/api/plcs/..%2F..%2F..%2Fetc%2Fpasswd', '/api/plcs/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/api/plcs/site-1/..%252f..%252fetc%252fpasswd', '/_nuxt/..%2F..%2F..%2F..%2Fetc%2Fpasswd', '/api/telemetry/..%2F..%2F/x', '/..%2F..%2F..%2Fetc%2Fpasswd']

async function get(path: string): Promise<{ status: number, text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: bearer(token) })
  return { status: res.status, text: await res.text() }
}

async function tenantCount(): Promise<number> {
  return (await sql`select count(*)::int as n from tenants`)[0]!.n
}

function openWs(query: Record<string, string>): Promise<WebSocket> {
  const url = new URL('/ws', server.url.replace('http', 'ws'))
  for (const [k, v] of Object.entries({ token, ...query })) url.searchParams.set(k, v)
  const ws = new WebSocket(url)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

const closed = (ws: WebSocket) => new Promise<number>(r => ws.once('close', code => r(code)))
const messages = (ws: WebSocket) => {
  const got: Record<string, unknown>[] = []
  ws.on('message', d => got.push(JSON.parse(String(d))))
  return got
}

beforeAll(async () => {
  const db = await createTestDatabase()
  drop = db.drop
  server = await startServer({ ...emulatorServerEnv(), DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_CLIENT_ID: CLIENT_ID, LOG_LEVEL: 'warn' })
  sql = postgres(db.url, { max: 1, onnotice: () => {} })
  const [ta] = await sql`insert into tenants (slug, name) values (${A}, 'A') returning id`
  const [tb] = await sql`insert into tenants (slug, name) values (${B}, 'B') returning id`
  await sql`insert into plants (tenant_id, province, slug, name) values (${ta!.id}, 'ba', 'site-1', 'A1'), (${tb!.id}, 'ba', 'site-b', 'B1')`
  const account = await newAccount()
  await sql`insert into users (firebase_uid, email, tenant_id, role) values (${account.uid}, ${account.email}, ${ta!.id}, 'admin')`
  token = account.token
})

afterAll(async () => {
  await server?.stop()
  await dropSession(SERVICES.mosquittoUrl, CLIENT_ID).catch(() => {})
  await sql?.end()
  await drop?.()
})

describe('HTTP probes', () => {
  it('answers SQL injection in path and query parameters with 4xx JSON errors, and runs none of it', async () => {
    const before = await tenantCount()
    for (const p of INJECTIONS) {
      const e = encodeURIComponent(p)
      for (const path of [`/api/plcs/${e}`, `/api/plcs/site-1/${e}/state`, `/api/telemetry/site-1/plc?from=${e}`, `/api/telemetry/site-1/plc?limit=${e}`, `/api/alarms?severity=${e}`, `/api/telemetry/latest?limit=${e}`]) {
        const r = await get(path)
        expect(r.status, `${path} → ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
        expect(r.status, path).toBeLessThan(500)
        expect(JSON.parse(r.text)).toMatchObject({ statusCode: r.status })
        expect(r.text).not.toContain(B)
      }
    }
    expect(await tenantCount()).toBe(before)
  })

  it('never serves a file outside the app for traversal paths', async () => {
    for (const path of TRAVERSALS) {
      const r = await get(path)
      expect(r.status, path).toBeLessThan(500)
      expect(r.text, path).not.toMatch(/root:.*:0:0:/)
    }
  })

  it('refuses oversized bodies (413) and broken JSON (400) without a 5xx', async () => {
    const post = (body: string) => fetch(`${server.url}/api/persist-rules`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body })
    const huge = await post(JSON.stringify({ metric: 'x'.repeat(2_000_000), mode: 'raw' }))
    expect(huge.status).toBe(413)
    for (const bad of ['{"metric":', '{"metric": NaN}', '\u0000\u0001', '[]'.repeat(10)]) {
      const r = await post(bad)
      expect(r.status, bad).toBeGreaterThanOrEqual(400)
      expect(r.status, bad).toBeLessThan(500)
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
  })
})

describe('WebSocket probes', () => {
  it('answers malformed frames with INVALID_MESSAGE and keeps the connection', async () => {
    const ws = await openWs({ site: 'site-1' })
    const got = messages(ws)
    for (const frame of ['not json', '{"type":"subscribe","site":{"$ne":1}}', '{"type":"nope"}', 'x'.repeat(30_000), Buffer.from([0xff, 0xfe, 0x00])]) ws.send(frame)
    await waitFor(() => got.filter(m => m.type === 'error' && m.code === 'INVALID_MESSAGE').length >= 4, 5000, 'an error per malformed frame')
    ws.send(JSON.stringify({ type: 'ping' }))
    await waitFor(() => got.some(m => m.type === 'pong'), 5000, 'pong after the malformed frames')
    ws.terminate()
  })

  it('closes the connection (1009) on a frame over the frame limit', async () => {
    const ws = await openWs({})
    const code = closed(ws)
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1))
    expect(await code).toBe(1009)
  })

  it('gives another tenant\'s site the same NOT_FOUND as a missing one, and refuses tenant= to a tenant admin', async () => {
    const ws = await openWs({})
    const got = messages(ws)
    ws.send(JSON.stringify({ type: 'subscribe', site: 'site-b' }))
    ws.send(JSON.stringify({ type: 'subscribe', site: 'no-such-site' }))
    ws.send(JSON.stringify({ type: 'subscribe', tenant: B, site: 'site-b' }))
    await waitFor(() => got.filter(m => m.type === 'error').length >= 3, 5000, 'three refusals')
    const errors = got.filter(m => m.type === 'error')
    expect(errors[0]!.code).toBe('NOT_FOUND')
    expect(errors[1]!.code).toBe('NOT_FOUND')
    expect(errors[0]!.message).toBe(String(errors[1]!.message).replace('no-such-site', 'site-b'))
    expect(got.filter(m => m.type === 'subscribed' && (m.site === 'site-b' || m.tenant === B))).toEqual([])
    ws.terminate()
  })

  it('closes a connection that sends 10,000 subscribe messages (1008); the server and other clients carry on', async () => {
    const bystander = await openWs({ site: 'site-1' })
    const bystanderGot = messages(bystander)
    const ws = await openWs({})
    const code = closed(ws)
    const subscribe = JSON.stringify({ type: 'subscribe', site: 'site-1' })
    for (let i = 0; i < 10_000 && ws.readyState === WebSocket.OPEN; i++) ws.send(subscribe)
    expect(await code).toBe(1008)
    expect(CLIENT_MESSAGE_BURST).toBeLessThan(10_000)
    bystander.send(JSON.stringify({ type: 'ping' }))
    await waitFor(() => bystanderGot.some(m => m.type === 'pong'), 5000, 'the other client still answered')
    const t0 = Date.now()
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    expect(Date.now() - t0).toBeLessThan(2000)
    bystander.terminate()
  })
})
