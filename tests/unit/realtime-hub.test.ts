import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import type { AuthContext } from '../../server/auth/types'
import { createMemoryBus } from '../../server/bus/memory-bus'
import { plantChannel } from '../../server/bus/events'
import { LiveHub, type FlowLimits, type LiveConnection } from '../../server/realtime/hub'
import { LiveSession } from '../../server/realtime/session'
import { SiteDirectory, type PlantIds, type SiteLookup } from '../../server/realtime/site-directory'
import type { SiteFilter } from '../../server/realtime/subscription'

const PREFIX = 'pt'
// Both tenants have a site "p1": slugs are unique only within a tenant.
const PLANTS: Record<string, PlantIds> = {
  'acme/p1': { tenantId: 'tA', plantId: 'pA1' },
  'acme/p2': { tenantId: 'tA', plantId: 'pA2' },
  'beta/p1': { tenantId: 'tB', plantId: 'pB1' }
}
const TENANTS: Record<string, string> = { acme: 'tA', beta: 'tB' }

const lookup: SiteLookup = {
  plant: async (tenant, site) => PLANTS[`${tenant}/${site}`] ?? null,
  tenantId: async tenant => TENANTS[tenant] ?? null
}

const user = (o: Partial<AuthContext> = {}): AuthContext =>
  ({ uid: 'u-acme', email: 'op@acme.test', tenantId: 'tA', tenantSlug: 'acme', role: 'viewer', plantAccess: 'all', platformAdmin: false, ...o })
const betaUser = user({ uid: 'u-beta', email: 'op@beta.test', tenantId: 'tB', tenantSlug: 'beta' })
const platformAdmin = user({ uid: 'u-root', tenantId: null, tenantSlug: null, role: 'admin', platformAdmin: true })

type Message = Record<string, unknown> & { type: string }

class FakeConnection implements LiveConnection {
  texts: string[] = []
  buffered = 0
  closed: { code: number, reason: string } | undefined
  send(text: string) {
    this.texts.push(text)
  }

  bufferedAmount() {
    return this.buffered
  }

  close(code: number, reason: string) {
    this.closed = { code, reason }
  }

  get messages(): Message[] {
    return this.texts.map(t => JSON.parse(t))
  }

  /** Bus events only, without the protocol's replies. */
  get events(): Message[] {
    return this.messages.filter(m => !['subscribed', 'unsubscribed', 'error', 'pong', 'authenticated'].includes(m.type))
  }
}

const settle = () => new Promise(resolve => setTimeout(resolve, 10))

function setup(limits: Partial<FlowLimits> = {}, sites: SiteLookup = lookup) {
  const bus = createMemoryBus()
  const subscribe = vi.spyOn(bus, 'subscribe')
  let now = 1_000_000
  const hub = new LiveHub({ bus, prefix: PREFIX, sites: new SiteDirectory(sites), logger: pino({ level: 'silent' }), limits: { retryMs: 2, ...limits }, now: () => now })
  hub.start()
  const authenticate = vi.fn(async (_token: string): Promise<AuthContext> => user())
  const deps = { hub, authenticate, logger: pino({ level: 'silent' }), recheckMs: 60_000 }

  /** A connection of `ctx` with the connect-time filter, as the transports open it. */
  async function open(ctx: AuthContext, filter: SiteFilter = {}) {
    const connection = new FakeConnection()
    const session = new LiveSession(deps, hub.connect(connection, ctx), 'token-1')
    session.subscribe(filter, 'connect')
    await settle()
    return { connection, session, send: async (m: object) => {
      session.receive(JSON.stringify(m))
      await settle()
    } }
  }
  const publish = (e: Message & { tenant: string, site: string }) => bus.publish(plantChannel(PREFIX, e.tenant, e.site), e as never)
  return { bus, hub, subscribe, authenticate, open, publish, advance: (ms: number) => (now += ms) }
}

const telemetry = (tenant: string, site: string, plcId: string, values: Record<string, number> = { temperature: 22.6 }, ts = 1700000000000) =>
  ({ type: 'telemetry', tenant, site, plcId, ts, values })
const gatewayStatus = (tenant: string, site: string) =>
  ({ type: 'gateway_status', tenant, site, gatewayId: 'gw-1', status: 'offline', reason: 'lwt', at: 1 })

describe('LiveHub routing', () => {
  it('delivers telemetry in seed 000\'s shape, after acknowledging the connect filter', async () => {
    const { open, publish } = setup()
    const { connection } = await open(user(), { site: 'p1', plcId: 'plc-01' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    await settle()
    expect(connection.messages).toEqual([
      { type: 'subscribed', tenant: 'acme', site: 'p1', plcId: 'plc-01' },
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-01', ts: 1700000000000, values: { temperature: 22.6 } }
    ])
  })

  it('filters by site, by PLC, and sends plant-level events to PLC-narrowed subscriptions too', async () => {
    const { open, publish } = setup()
    const all = await open(user())
    const site = await open(user(), { site: 'p1' })
    const plc = await open(user(), { site: 'p1', plcId: 'plc-01' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    publish(telemetry('acme', 'p1', 'plc-02'))
    publish(telemetry('acme', 'p2', 'plc-01'))
    publish(gatewayStatus('acme', 'p1'))
    await settle()
    const seen = (c: FakeConnection) => c.events.map(e => `${e.site}/${e.plcId ?? e.type}`)
    // Order is kept per plant; p2's first event waited for its lookup.
    expect(seen(all.connection).sort()).toEqual(['p1/gateway_status', 'p1/plc-01', 'p1/plc-02', 'p2/plc-01'])
    expect(seen(site.connection)).toEqual(['p1/plc-01', 'p1/plc-02', 'p1/gateway_status'])
    expect(seen(plc.connection)).toEqual(['p1/plc-01', 'p1/gateway_status'])
  })

  it('lets any event type through (alarms later), narrowed by PLC like telemetry', async () => {
    const { open, publish } = setup()
    const { connection } = await open(user(), { site: 'p1', plcId: 'plc-01' })
    publish({ type: 'alarm', tenant: 'acme', site: 'p1', plcId: 'plc-01', severity: 'high' })
    publish({ type: 'alarm', tenant: 'acme', site: 'p1', plcId: 'plc-02', severity: 'low' })
    await settle()
    expect(connection.events).toEqual([{ type: 'alarm', tenant: 'acme', site: 'p1', plcId: 'plc-01', severity: 'high' }])
  })

  it('subscribes once per hub on the bus, however many clients connect', async () => {
    const { open, subscribe } = setup()
    for (let i = 0; i < 5; i++) await open(user())
    expect(subscribe).toHaveBeenCalledTimes(1)
    expect(subscribe).toHaveBeenCalledWith(`${PREFIX}:*`, expect.any(Function))
  })

  it('ignores an event whose tenant or site contradicts its channel', async () => {
    const { open, bus } = setup()
    const { connection } = await open(user())
    bus.publish(plantChannel(PREFIX, 'beta', 'p1'), telemetry('acme', 'p1', 'plc-01') as never)
    await settle()
    expect(connection.events).toEqual([])
  })

  it('keeps the order of events that arrive while their plant is being looked up', async () => {
    let release: () => void = () => {}
    const slow: SiteLookup = { ...lookup, plant: (t, s) => new Promise(r => (release = () => r(PLANTS[`${t}/${s}`] ?? null))) }
    const { hub, publish } = setup({}, slow)
    const connection = new FakeConnection()
    const client = hub.connect(connection, user())
    hub.add(client, { key: 'tA|*|*', tenant: 'acme', site: null, plcId: null, tenantId: 'tA', plantId: null })
    for (let i = 1; i <= 3; i++) publish(telemetry('acme', 'p1', 'plc-01', { n: i }))
    await settle()
    release()
    await settle()
    expect(connection.events.map(e => (e.values as { n: number }).n)).toEqual([1, 2, 3])
  })
})

describe('LiveHub subscribe / unsubscribe messages', () => {
  it('adds and removes subscriptions, each acknowledged', async () => {
    const { open, publish } = setup()
    const c = await open(user(), { site: 'p2' })
    await c.send({ type: 'subscribe', site: 'p1', plcId: 'plc-01' })
    publish(telemetry('acme', 'p1', 'plc-01', { n: 1 }))
    await settle()
    await c.send({ type: 'unsubscribe', site: 'p1', plcId: 'plc-01' })
    publish(telemetry('acme', 'p1', 'plc-01', { n: 2 }))
    publish(telemetry('acme', 'p2', 'plc-01', { n: 3 }))
    await settle()
    expect(c.connection.messages.map(m => m.type === 'telemetry' ? (m.values as { n: number }).n : `${m.type} ${m.site}`)).toEqual([
      'subscribed p2', 'subscribed p1', 1, 'unsubscribed p1', 3
    ])
  })

  it('delivers an event once to a connection whose subscriptions overlap, and counts a repeated subscribe once', async () => {
    const { open, publish } = setup()
    const c = await open(user(), { site: 'p1' })
    await c.send({ type: 'subscribe', site: 'p1', plcId: 'plc-01' })
    await c.send({ type: 'subscribe', site: 'p1', plcId: 'plc-01' })
    await c.send({ type: 'subscribe' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    await settle()
    expect(c.connection.events).toHaveLength(1)
    await c.send({ type: 'unsubscribe', site: 'p1' })
    await c.send({ type: 'unsubscribe' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    publish(telemetry('acme', 'p1', 'plc-02'))
    await settle()
    // Still subscribed to p1/plc-01 alone.
    expect(c.connection.events.map(e => e.plcId)).toEqual(['plc-01', 'plc-01'])
  })

  it('answers malformed messages with INVALID_MESSAGE naming the field', async () => {
    const { open } = setup()
    const c = await open(user())
    c.session.receive('not json')
    await c.send({ type: 'subscribe', plcId: 'plc-01' })
    await c.send({ type: 'subscribe', site: 42 })
    await c.send({ type: 'nonsense' })
    const errors = c.connection.messages.filter(m => m.type === 'error')
    expect(errors.map(e => [e.code, e.field])).toEqual([
      ['INVALID_MESSAGE', undefined], ['INVALID_MESSAGE', 'plcId'], ['INVALID_MESSAGE', 'site'], ['INVALID_MESSAGE', 'type']
    ])
  })

  it('answers ping with pong', async () => {
    const { open } = setup()
    const c = await open(user())
    await c.send({ type: 'ping' })
    expect(c.connection.messages.at(-1)).toMatchObject({ type: 'pong', ts: expect.any(Number) })
  })

  it('caps the subscriptions of one connection', async () => {
    const { open } = setup({ maxSubscriptions: 2 })
    const c = await open(user(), { site: 'p1' })
    await c.send({ type: 'subscribe', site: 'p2' })
    await c.send({ type: 'subscribe', site: 'p1', plcId: 'x' })
    expect(c.connection.messages.at(-1)).toMatchObject({ type: 'error', code: 'TOO_MANY_SUBSCRIPTIONS' })
  })
})

describe('LiveHub tenant isolation and plant access', () => {
  it('never delivers another tenant\'s event, even for a site of the same name', async () => {
    const { open, publish } = setup()
    const acmeAll = await open(user())
    const acmeP1 = await open(user(), { site: 'p1' })
    const beta = await open(betaUser)
    publish(telemetry('beta', 'p1', 'plc-01', { secret: 1 }))
    publish(gatewayStatus('beta', 'p1'))
    publish({ type: 'alarm', tenant: 'beta', site: 'p1', plcId: 'plc-01' })
    await settle()
    expect(acmeAll.connection.events).toEqual([])
    expect(acmeP1.connection.events).toEqual([])
    expect(beta.connection.events).toHaveLength(3)
  })

  it('answers another tenant\'s site exactly as a site that does not exist', async () => {
    const { open } = setup()
    const c = await open(user())
    await c.send({ type: 'subscribe', tenant: 'beta', site: 'p1' })
    await c.send({ type: 'subscribe', tenant: 'nobody', site: 'p1' })
    await c.send({ type: 'subscribe', tenant: 'beta' })
    await c.send({ type: 'subscribe', tenant: 'nobody' })
    const errors = c.connection.messages.filter(m => m.type === 'error')
    expect(errors.map(e => [e.code, e.message])).toEqual([
      ['NOT_FOUND', 'site "p1" not found'], ['NOT_FOUND', 'site "p1" not found'],
      ['NOT_FOUND', 'tenant "beta" not found'], ['NOT_FOUND', 'tenant "nobody" not found']
    ])
  })

  it('limits a user to the plants of their access, and hides the others as not found', async () => {
    const { open, publish } = setup()
    const c = await open(user({ role: 'plant_operator', plantAccess: ['pA1'] }))
    await c.send({ type: 'subscribe', site: 'p2' })
    await c.send({ type: 'subscribe', site: 'nope' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    publish(telemetry('acme', 'p2', 'plc-01'))
    await settle()
    expect(c.connection.events.map(e => e.site)).toEqual(['p1'])
    const errors = c.connection.messages.filter(m => m.type === 'error').map(e => e.message)
    expect(errors).toEqual(['site "p2" not found', 'site "nope" not found'])
  })

  it('lets a platform admin follow any tenant with tenant=, or all of them', async () => {
    const { open, publish } = setup()
    const beta = await open(platformAdmin, { tenant: 'beta' })
    const everything = await open(platformAdmin)
    const site = await open(platformAdmin, { site: 'p1' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    publish(telemetry('beta', 'p1', 'plc-01'))
    await settle()
    expect(beta.connection.events.map(e => e.tenant)).toEqual(['beta'])
    expect(everything.connection.events.map(e => e.tenant)).toEqual(['acme', 'beta'])
    expect(site.connection.messages).toEqual([expect.objectContaining({ type: 'error', code: 'TENANT_REQUIRED', request: 'connect' })])
  })

  it('applies a narrowed access from a fresh token at once', async () => {
    const { open, publish, authenticate } = setup()
    const c = await open(user())
    authenticate.mockResolvedValueOnce(user({ role: 'viewer', plantAccess: ['pA2'] }))
    await c.send({ type: 'auth', token: 'token-2' })
    publish(telemetry('acme', 'p1', 'plc-01'))
    publish(telemetry('acme', 'p2', 'plc-01'))
    await settle()
    expect(authenticate).toHaveBeenCalledWith('token-2')
    expect(c.connection.messages.some(m => m.type === 'authenticated')).toBe(true)
    expect(c.connection.events.map(e => e.site)).toEqual(['p2'])
  })

  it('closes with 4401 when a token is refused, or belongs to another user', async () => {
    const { open, authenticate, hub } = setup()
    const refused = await open(user())
    authenticate.mockRejectedValueOnce(Object.assign(new Error('expired'), { statusCode: 401 }))
    await refused.send({ type: 'auth', token: 'stale' })
    expect(refused.connection.closed).toEqual({ code: 4401, reason: 'token expired or refused' })
    expect(refused.connection.messages.at(-1)).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' })

    const swapped = await open(user())
    authenticate.mockResolvedValueOnce(betaUser)
    await swapped.send({ type: 'auth', token: 'beta-token' })
    expect(swapped.connection.closed?.code).toBe(4401)
    expect(hub.stats().connections).toBe(0)
  })

  it('re-checks the token periodically and keeps the connection when the check merely failed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { hub, authenticate } = setup()
      const deps = { hub, authenticate, logger: pino({ level: 'silent' }), recheckMs: 1000 }
      const connection = new FakeConnection()
      const session = new LiveSession(deps, hub.connect(connection, user()), 'token-1')
      authenticate.mockRejectedValueOnce(Object.assign(new Error('db down'), { statusCode: 503 }))
      vi.advanceTimersByTime(1000)
      await vi.waitFor(() => expect(authenticate).toHaveBeenCalledTimes(1))
      expect(connection.closed).toBeUndefined()
      authenticate.mockRejectedValueOnce(Object.assign(new Error('expired'), { statusCode: 401 }))
      vi.advanceTimersByTime(1000)
      await vi.waitFor(() => expect(connection.closed?.code).toBe(4401))
      session.end()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('LiveHub slow clients', () => {
  const limits = { highWaterBytes: 1000, graceMs: 5000, maxQueued: 100 }

  it('coalesces telemetry for a congested connection and sends the latest once it drains', async () => {
    const { open, publish, hub } = setup(limits)
    const slow = await open(user())
    const fast = await open(user())
    slow.connection.buffered = 5000
    for (let n = 1; n <= 5; n++) publish(telemetry('acme', 'p1', 'plc-01', { t: n, p: 10 * n }, 1000 + n))
    publish(gatewayStatus('acme', 'p1'))
    await settle()
    expect(slow.connection.events).toEqual([])
    expect(fast.connection.events).toHaveLength(6)
    expect(hub.stats()).toMatchObject({ coalesced: 8, dropped: 0, disconnectedSlow: 0 })
    slow.connection.buffered = 0
    await settle()
    expect(slow.connection.events).toEqual([
      { type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-01', ts: 1005, values: { t: 5, p: 50 } },
      gatewayStatus('acme', 'p1')
    ])
    publish(telemetry('acme', 'p1', 'plc-01', { t: 6 }))
    await settle()
    expect(slow.connection.events).toHaveLength(3)
  })

  it('disconnects a connection still over the limit after the grace period, counting what it lost', async () => {
    const { open, publish, hub, advance } = setup(limits)
    const slow = await open(user())
    slow.connection.buffered = 5000
    publish(telemetry('acme', 'p1', 'plc-01', { a: 1, b: 2 }))
    publish(gatewayStatus('acme', 'p1'))
    await settle()
    advance(4999)
    await settle()
    expect(slow.connection.closed).toBeUndefined()
    advance(1)
    await settle()
    expect(slow.connection.closed).toEqual({ code: 4429, reason: 'slow consumer: send buffer over 1000 bytes for 5000 ms' })
    expect(hub.stats()).toEqual({ connections: 0, coalesced: 0, dropped: 3, disconnectedSlow: 1 })
    slow.connection.buffered = 0
    publish(telemetry('acme', 'p1', 'plc-01'))
    await settle()
    expect(slow.connection.events).toEqual([])
  })

  it('disconnects at once when the queue overflows before the grace period ends', async () => {
    const { open, publish, hub } = setup({ ...limits, maxQueued: 3 })
    const slow = await open(user())
    slow.connection.buffered = 5000
    publish(telemetry('acme', 'p1', 'plc-01', { a: 1, b: 2, c: 3, d: 4 }))
    await settle()
    expect(slow.connection.closed?.code).toBe(4429)
    expect(hub.stats()).toMatchObject({ dropped: 4, disconnectedSlow: 1 })
  })

  it('counts connections and what a closing connection left queued', async () => {
    const { open, publish, hub } = setup(limits)
    const a = await open(user())
    await open(betaUser)
    expect(hub.stats()).toEqual({ connections: 2, coalesced: 0, dropped: 0, disconnectedSlow: 0 })
    a.connection.buffered = 5000
    publish(telemetry('acme', 'p1', 'plc-01', { a: 1 }))
    await settle()
    a.session.end()
    expect(hub.stats()).toEqual({ connections: 1, coalesced: 0, dropped: 1, disconnectedSlow: 0 })
  })

  it('closes every connection with 1001 when it stops', async () => {
    const { open, hub, publish } = setup()
    const a = await open(user())
    hub.stop()
    publish(telemetry('acme', 'p1', 'plc-01'))
    await settle()
    expect(a.connection.closed).toEqual({ code: 1001, reason: 'server shutting down' })
    expect(a.connection.events).toEqual([])
    expect(hub.stats().connections).toBe(0)
  })
})
