import type { MqttClient } from 'mqtt'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Role } from '../../server/auth/types'
import { bearer, emulatorServerEnv, newAccount } from '../support/auth'
import { connectClient, endClient, publish } from '../support/mqtt'
import { dropGroupMember } from '../support/platform'
import { startServer, type RunningServer } from '../support/server'
import { clearRedisPrefix, createTestDatabase, SERVICES, uniqueId, waitFor } from '../support/services'

// Live streams (SPEC §8) through two built servers on one database, this machine's Redis and
// Mosquitto, in one MQTT 5 shared subscription: each message is ingested by one of them, and clients
// of either get it. Tenants of this run's own share a site slug, so a leak cannot hide behind names.

const A = uniqueId('rt-a').replace(/_/g, '-')
const B = uniqueId('rt-b').replace(/_/g, '-')
const SITE = 'site-1'
const OTHER_SITE = 'site-2'
const GROUP = uniqueId('rt_grp')
const PREFIX = uniqueId('rt_bus')

type Message = Record<string, unknown> & { type: string }
interface Account { uid: string, token: string, id?: string }
const users = {} as Record<'viewerA' | 'operatorA' | 'movedA' | 'adminA' | 'adminB' | 'platform' | 'stranger', Account>

const servers: RunningServer[] = []
let drop: () => Promise<void>
let mqtt: MqttClient
const sockets: WebSocket[] = []
const streams: AbortController[] = []
let seq = 0

/** A /ws client that keeps every message it got. */
class WsClient {
  messages: Message[] = []
  constructor(readonly socket: WebSocket) {
    socket.on('message', data => this.messages.push(JSON.parse(String(data))))
  }

  get events(): Message[] {
    return this.messages.filter(m => ['telemetry', 'gateway_status', 'gateway_heartbeat'].includes(m.type))
  }

  send(m: object) {
    this.socket.send(JSON.stringify(m))
  }

  next(match: (m: Message) => boolean, what: string): Promise<Message> {
    return waitFor(() => this.messages.find(match), 10_000, what)
  }
}

function wsUrl(server: RunningServer, query: Record<string, string>): string {
  const url = new URL('/ws', server.url.replace('http', 'ws'))
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  return url.toString()
}

/** Connects and waits for the connect filter to be acknowledged (or refused). */
async function connect(server: RunningServer, who: Account, query: Record<string, string> = {}): Promise<WsClient> {
  const socket = new WebSocket(wsUrl(server, { token: who.token, ...query }))
  sockets.push(socket)
  const client = new WsClient(socket)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  await client.next(m => m.type === 'subscribed' || m.type === 'error', 'the connect filter answered')
  return client
}

/** The HTTP status a refused upgrade answered with. */
function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => reject(new Error('the upgrade was accepted')))
    socket.once('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    socket.once('error', () => {})
  })
}

interface SseEvent { event?: string, data: string }

/** A GET /api/stream reader; `events` fills up as they arrive. */
async function openSse(server: RunningServer, query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController()
  streams.push(abort)
  const res = await fetch(`${server.url}/api/stream?${query}`, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
  const events: SseEvent[] = []
  if (res.ok) void readEvents(res.body!, events).catch(() => {})
  return { status: res.status, res, events, close: () => abort.abort() }
}

async function readEvents(body: ReadableStream<Uint8Array>, into: SseEvent[]): Promise<void> {
  const decoder = new TextDecoder()
  const reader = body.getReader()
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event: SseEvent = { data: '' }
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7)
        if (line.startsWith('data: ')) event.data += line.slice(6)
      }
      into.push(event)
    }
  }
}

/** Shape B (seed 001) batch for a PLC; returns its timestamp. */
async function publishBatch(tenant: string, site: string, plc: string, values: Record<string, number>): Promise<number> {
  const timestamp = Date.now()
  await publish(mqtt, `factory/${tenant}/ba/${site}/${plc}/telemetry`, { schemaVersion: 1, timestamp, seq: ++seq, values })
  return timestamp
}

const valuesOf = (c: WsClient) => c.events.map(e => e.values)

beforeAll(async () => {
  const db = await createTestDatabase()
  drop = db.drop
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  const env = {
    ...emulatorServerEnv(), DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, REDIS_URL: SERVICES.redisUrl,
    MQTT_SHARED_GROUP: GROUP, BUS_CHANNEL_PREFIX: PREFIX, INGEST_BATCH_MAX_MS: '10', LOG_LEVEL: 'warn'
  }
  // One after the other: both migrate the same database at start.
  for (let i = 0; i < 2; i++) servers.push(await startServer({ ...env, MQTT_CLIENT_ID: `${GROUP}-${i}` }))

  const [ta] = await sql`insert into tenants (slug, name) values (${A}, 'A') returning id`
  const [tb] = await sql`insert into tenants (slug, name) values (${B}, 'B') returning id`
  const [a1] = await sql`insert into plants (tenant_id, province, slug, name) values (${ta!.id}, 'ba', ${SITE}, 'A1') returning id`
  await sql`insert into plants (tenant_id, province, slug, name) values (${ta!.id}, 'ba', ${OTHER_SITE}, 'A2'), (${tb!.id}, 'ba', ${SITE}, 'B1')`
  const add = async (key: keyof typeof users, tenantId: string | null, role: Role, plants: string[] = [], platformAdmin = false) => {
    const account = await newAccount()
    const [row] = await sql`insert into users (firebase_uid, email, tenant_id, role, plant_access, platform_admin) values (${account.uid}, ${account.email}, ${tenantId}, ${role}, ${plants}::uuid[], ${platformAdmin}) returning id`
    users[key] = { ...account, id: row!.id }
  }
  await add('viewerA', ta!.id, 'viewer')
  await add('operatorA', ta!.id, 'plant_operator', [a1!.id])
  await add('movedA', ta!.id, 'plant_operator', [a1!.id])
  await add('adminA', ta!.id, 'admin')
  await add('adminB', tb!.id, 'admin')
  await add('platform', null, 'admin', [], true)
  users.stranger = await newAccount()
  await sql.end()
  mqtt = await connectClient(SERVICES.mosquittoUrl, { protocolVersion: 5, clientId: uniqueId('rt-pub') })
})

afterAll(async () => {
  for (const s of sockets) s.terminate()
  for (const s of streams) s.abort()
  if (mqtt) await endClient(mqtt)
  for (const s of servers) await s.stop()
  for (let i = 0; i < servers.length; i++) await dropGroupMember(SERVICES.mosquittoUrl, GROUP, `${GROUP}-${i}`).catch(() => {})
  await clearRedisPrefix(PREFIX)
  await drop?.()
})

describe('WebSocket /ws', () => {
  it('streams telemetry published over MQTT in seed 000\'s shape', async () => {
    const client = await connect(servers[0]!, users.viewerA, { site: SITE, plcId: 'plc-01' })
    expect(client.messages[0]).toEqual({ type: 'subscribed', tenant: A, site: SITE, plcId: 'plc-01' })
    const ts = await publishBatch(A, SITE, 'plc-01', { temperature: 22.6 })
    const got = await client.next(m => m.type === 'telemetry', 'the batch')
    expect(got).toEqual({ type: 'telemetry', tenant: A, site: SITE, plcId: 'plc-01', ts, values: { temperature: 22.6 } })

    // Seed 000's own per-variable message (shape A) arrives as the same telemetry type, with its quality.
    const timestamp = Date.now()
    await publish(mqtt, `factory/${A}/ba/${SITE}/gateway/gw-01/telemetry`, {
      schemaVersion: 1, timestamp, type: 'telemetry', tenant: A, province: 'ba', plant: SITE, gatewayId: 'gw-01',
      plcId: 'plc-01', metricId: 'temp_head', value: 83.2, dataType: 'float', unit: 'celsius', quality: 'GOOD'
    })
    const a = await client.next(m => m.type === 'telemetry' && m.ts === timestamp, 'the shape A event')
    expect(a).toEqual({ type: 'telemetry', tenant: A, site: SITE, plcId: 'plc-01', ts: timestamp, values: { temp_head: 83.2 }, quality: { temp_head: 'GOOD' } })
  })

  it('filters by site and PLC at connect, and follows subscribe / unsubscribe messages', async () => {
    const narrow = await connect(servers[0]!, users.viewerA, { site: SITE, plcId: 'plc-01' })
    const witness = await connect(servers[0]!, users.viewerA)
    await publishBatch(A, SITE, 'plc-02', { n: 1 })
    await publishBatch(A, OTHER_SITE, 'plc-01', { n: 2 })
    await publishBatch(A, SITE, 'plc-01', { n: 3 })
    await waitFor(() => witness.events.length === 3, 10_000, 'the witness got all three')
    await waitFor(() => narrow.events.length === 1, 10_000, 'plc-01 of site-1')
    expect(valuesOf(narrow)).toEqual([{ n: 3 }])

    narrow.send({ type: 'subscribe', site: OTHER_SITE })
    expect(await narrow.next(m => m.type === 'subscribed' && m.site === OTHER_SITE, 'subscribed')).toEqual({ type: 'subscribed', tenant: A, site: OTHER_SITE, plcId: null })
    await publishBatch(A, OTHER_SITE, 'plc-09', { n: 4 })
    await waitFor(() => narrow.events.length === 2, 10_000, 'site-2 after subscribing')
    narrow.send({ type: 'unsubscribe', site: OTHER_SITE })
    await narrow.next(m => m.type === 'unsubscribed', 'unsubscribed')
    await publishBatch(A, OTHER_SITE, 'plc-09', { n: 5 })
    await publishBatch(A, SITE, 'plc-01', { n: 6 })
    await waitFor(() => witness.events.length === 6, 10_000, 'the witness got all six')
    await waitFor(() => narrow.events.length === 3, 10_000, 'plc-01 again')
    await new Promise(r => setTimeout(r, 300))
    expect(valuesOf(narrow)).toEqual([{ n: 3 }, { n: 4 }, { n: 6 }])
  })

  it('sends only the event types asked for with types=, and refuses a malformed list', async () => {
    const statusOnly = await connect(servers[0]!, users.viewerA, { site: SITE, types: 'gateway_status' })
    const everything = await connect(servers[0]!, users.viewerA, { site: SITE })
    await publishBatch(A, SITE, 'plc-01', { n: 1 })
    await publish(mqtt, `ops/${A}/ba/${SITE}/gateway/gw-types/status`, { schemaVersion: 1, timestamp: Date.now(), state: 'online', gateway: { thingName: 'gw-types', version: '2.0.0', uptimeSec: 5 }, health: { internet: 'ok', mqtt: 'ok', plcLink: 'ok' } })
    await everything.next(m => m.type === 'gateway_status' && m.gatewayId === 'gw-types', 'the status on the unfiltered connection')
    await everything.next(m => m.type === 'telemetry', 'the telemetry on the unfiltered connection')
    await statusOnly.next(m => m.type === 'gateway_status' && m.gatewayId === 'gw-types', 'the status')
    await new Promise(r => setTimeout(r, 300))
    expect(statusOnly.events.map(m => m.type)).toEqual(['gateway_status'])
    expect(await refusedUpgrade(wsUrl(servers[0]!, { token: users.viewerA.token, types: 'alarm;drop' })))
      .toMatchObject({ status: 422, body: { data: { code: 'INVALID_QUERY', field: 'types' } } })
  })

  it('refuses the upgrade without a valid token (401), or for an account the platform does not know (403)', async () => {
    const url = wsUrl(servers[0]!, {})
    expect(await refusedUpgrade(url)).toMatchObject({ status: 401, body: { statusCode: 401, data: { code: 'AUTH_REQUIRED' } } })
    expect(await refusedUpgrade(wsUrl(servers[0]!, { token: 'eyJhbGciOiJub25lIn0.e30.' }))).toMatchObject({ status: 401, body: { data: { code: 'INVALID_TOKEN' } } })
    expect((await refusedUpgrade(wsUrl(servers[0]!, { token: users.stranger.token }))).status).toBe(403)
    expect(await refusedUpgrade(wsUrl(servers[0]!, { token: users.viewerA.token, plcId: 'plc-01' }))).toMatchObject({ status: 422, body: { data: { code: 'INVALID_QUERY', field: 'plcId' } } })
    // Other clients than browsers may send the token as a header instead.
    const socket = new WebSocket(wsUrl(servers[0]!, {}), { headers: bearer(users.viewerA.token) })
    sockets.push(socket)
    await new Promise(resolve => socket.once('open', resolve))
  })

  it('never sends tenant B\'s events to tenant A, and hides B\'s sites as not found', async () => {
    const a = await connect(servers[0]!, users.viewerA)
    const aSite = await connect(servers[0]!, users.viewerA, { site: SITE })
    const b = await connect(servers[0]!, users.adminB)
    const probe = await connect(servers[0]!, users.viewerA, { tenant: B, site: SITE })
    const missing = await connect(servers[0]!, users.viewerA, { tenant: uniqueId('nobody'), site: SITE })
    expect(probe.messages[0]).toMatchObject({ type: 'error', code: 'NOT_FOUND', message: `site "${SITE}" not found` })
    expect(missing.messages[0]).toMatchObject({ type: 'error', code: 'NOT_FOUND', message: probe.messages[0]!.message })

    await publishBatch(B, SITE, 'plc-01', { secret_b: 1 })
    await publishBatch(A, SITE, 'plc-01', { mine: 2 })
    await waitFor(() => b.events.length === 1 && a.events.length === 1 && aSite.events.length === 1, 10_000, 'each its own')
    await new Promise(r => setTimeout(r, 300))
    expect(valuesOf(a)).toEqual([{ mine: 2 }])
    expect(valuesOf(aSite)).toEqual([{ mine: 2 }])
    expect(b.events).toEqual([expect.objectContaining({ tenant: B, values: { secret_b: 1 } })])
    expect(probe.events).toEqual([])
  })

  it('limits a plant operator to their plants', async () => {
    const op = await connect(servers[0]!, users.operatorA)
    op.send({ type: 'subscribe', site: OTHER_SITE })
    expect(await op.next(m => m.type === 'error', 'refused')).toMatchObject({ code: 'NOT_FOUND', message: `site "${OTHER_SITE}" not found` })
    await publishBatch(A, OTHER_SITE, 'plc-01', { hidden: 1 })
    await publishBatch(A, SITE, 'plc-01', { seen: 2 })
    await waitFor(() => op.events.length >= 1, 10_000, 'site-1')
    await new Promise(r => setTimeout(r, 300))
    expect(valuesOf(op)).toEqual([{ seen: 2 }])
  })

  it('applies a change of the user\'s plant access to open connections, on every instance', async () => {
    const op = await connect(servers[1]!, users.movedA)
    const res = await fetch(`${servers[0]!.url}/api/users/${users.movedA.id}`, {
      method: 'PATCH', headers: { 'content-type': 'application/json', ...bearer(users.adminA.token) }, body: JSON.stringify({ plants: [OTHER_SITE] })
    })
    expect(res.status).toBe(200)
    // The change travels as users_changed over Redis; the connection's token is checked again at once.
    await waitFor(async () => {
      await publishBatch(A, OTHER_SITE, 'plc-01', { now_visible: 1 })
      await new Promise(r => setTimeout(r, 200))
      return op.events.length > 0
    }, 10_000, 'site-2 visible')
    const seen = op.events.length
    await publishBatch(A, SITE, 'plc-01', { revoked: 1 })
    await publishBatch(A, OTHER_SITE, 'plc-01', { sentinel: 1 })
    await waitFor(() => op.events.some(e => (e.values as Record<string, number>).sentinel), 10_000, 'the sentinel')
    await new Promise(r => setTimeout(r, 300))
    expect(op.events.slice(seen).map(e => e.site)).toEqual([OTHER_SITE])
    expect(op.events.every(e => e.site === OTHER_SITE)).toBe(true)
  })

  it('lets a platform admin follow another tenant with tenant=', async () => {
    const admin = await connect(servers[0]!, users.platform, { tenant: B })
    expect(admin.messages[0]).toEqual({ type: 'subscribed', tenant: B, site: null, plcId: null })
    await publishBatch(B, SITE, 'plc-07', { b: 1 })
    expect(await admin.next(m => m.type === 'telemetry', 'B\'s event')).toMatchObject({ tenant: B, plcId: 'plc-07' })
  })

  it('reaches a client of the other instance: what either ingests, both stream', async () => {
    const received = async () => (await (await fetch(`${servers[0]!.url}/metrics`)).json() as { mqttMessagesReceived: number }).mqttMessagesReceived
    const before = await received()
    const onSecond = await connect(servers[1]!, users.viewerA, { site: SITE, plcId: 'plc-x' })
    const total = 20
    for (let n = 1; n <= total; n++) await publishBatch(A, SITE, 'plc-x', { n })
    await waitFor(() => onSecond.events.length === total, 15_000, 'all twenty on instance 2')
    expect(valuesOf(onSecond).map(v => (v as { n: number }).n).sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    // Instance 1 ingested part of them (the shared subscription splits them): those came over Redis.
    expect(await received() - before).toBeGreaterThan(0)
    expect(await received() - before).toBeLessThan(total)
  })
})

describe('SSE /api/stream', () => {
  it('sends hello, then the events of its filter', async () => {
    const sse = await openSse(servers[1]!, `site=${SITE}&plcId=plc-01&token=${users.viewerA.token}`)
    expect(sse.status).toBe(200)
    expect(sse.res.headers.get('content-type')).toContain('text/event-stream')
    await waitFor(() => sse.events.length >= 1, 5000, 'hello')
    expect(sse.events[0]).toEqual({ event: 'hello', data: JSON.stringify({ subscription: { tenant: A, site: SITE, plcId: 'plc-01' } }) })
    await publishBatch(A, SITE, 'plc-02', { other: 1 })
    const ts = await publishBatch(A, SITE, 'plc-01', { sse: 1 })
    const data = await waitFor(() => sse.events.find(e => !e.event), 10_000, 'a data event')
    expect(JSON.parse(data.data)).toEqual({ type: 'telemetry', tenant: A, site: SITE, plcId: 'plc-01', ts, values: { sse: 1 } })
    sse.close()
  })

  it('takes the token as a header too, and refuses what /ws refuses', async () => {
    const withHeader = await openSse(servers[0]!, `site=${SITE}`, bearer(users.viewerA.token))
    expect(withHeader.status).toBe(200)
    withHeader.close()
    expect((await openSse(servers[0]!, `site=${SITE}`)).status).toBe(401)
    const theirs = await openSse(servers[0]!, `tenant=${B}&site=${SITE}`, bearer(users.viewerA.token))
    expect(theirs.status).toBe(404)
    expect(await theirs.res.json()).toMatchObject({ data: { code: 'NOT_FOUND' } })
    expect((await openSse(servers[0]!, `site=${OTHER_SITE}`, bearer(users.operatorA.token))).status).toBe(404)
  })
})

describe('shutdown', () => {
  it('closes WebSockets with 1001 and ends SSE streams at once, so SIGTERM is not held up', async () => {
    const server = servers[1]!
    const client = await connect(server, users.viewerA)
    const closed = new Promise<number>(resolve => client.socket.once('close', code => resolve(code)))
    const sse = await openSse(server, `token=${users.viewerA.token}`)
    await waitFor(() => sse.events.length >= 1, 5000, 'hello')
    const t0 = Date.now()
    const exitCode = await server.stop()
    // Nitro would wait NITRO_SHUTDOWN_TIMEOUT (30 s) for an open SSE response.
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(exitCode).toBe(0)
    expect(await closed).toBe(1001)
    expect(sse.events.at(-1)).toEqual({ event: 'close', data: JSON.stringify({ code: 1001, reason: 'server shutting down' }) })
  })
})
