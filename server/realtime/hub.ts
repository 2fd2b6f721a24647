import type { Logger } from 'pino'
import type { Bus } from '../bus/bus'
import { plantChannel, type PlatformEvent } from '../bus/events'
import type { AuthContext } from '../auth/types'
import { can } from '../auth/policy'
import type { LiveEvent, ReplyMessage } from './live-event'
import { Outbox } from './outbox'
import { CLOSE } from './protocol'
import type { PlantIds, SiteDirectory } from './site-directory'
import { SubscriberIndex } from './subscriber-index'
import { covers, readPermission, resolveFilter, type Resolution, type SiteFilter, type Subscription } from './subscription'

/** A client's socket as the hub sees it: a WebSocket peer or an SSE response. */
export interface LiveConnection {
  send(text: string): void
  /** Bytes handed to the socket and not yet sent. */
  bufferedAmount(): number
  close(code: number, reason: string): void
}

export interface FlowLimits {
  /** Above this many buffered bytes, events wait in the hub (telemetry coalesced) instead. */
  highWaterBytes: number
  /** Values and events a connection may have waiting; one more disconnects it at once. */
  maxQueued: number
  /** How long a connection may stay over `highWaterBytes` before it is disconnected. */
  graceMs: number
  /** How often waiting connections are offered their queue again. */
  retryMs: number
  maxSubscriptions: number
}

/** Counters for /metrics. `coalesced` and `dropped` count values and events, not messages. */
export interface RealtimeStats {
  connections: number
  /** Telemetry values replaced by a newer one while their connection was congested. */
  coalesced: number
  /** Values and events still queued when their connection closed or was disconnected. */
  dropped: number
  /** Connections closed for reading too slowly. */
  disconnectedSlow: number
}

export interface HubOptions {
  bus: Bus
  /** The bus channel prefix (`BUS_CHANNEL_PREFIX`). */
  prefix: string
  sites: SiteDirectory
  logger: Logger
  limits?: Partial<FlowLimits>
  now?: () => number
}

export const DEFAULT_LIMITS: FlowLimits = { highWaterBytes: 1 << 20, maxQueued: 20_000, graceMs: 10_000, retryMs: 50, maxSubscriptions: 100 }

/** One connected client; transports keep it to pass its messages and its close to the hub. */
export class LiveClient {
  readonly subscriptions = new Map<string, Subscription>()
  readonly outbox = new Outbox()
  /** When the socket went over the high-water mark; 0 while it is not. */
  congestedSince = 0
  /** The last dispatch that looked at this client, so one event reaches it once. */
  seenDispatch = 0
  closed = false

  /** @param types the event types it asked for (`?types=`); null: every type. */
  constructor(readonly connection: LiveConnection, public ctx: AuthContext, readonly types: ReadonlySet<string> | null = null) {}

  wants(plant: PlantIds, plcId: string | undefined): boolean {
    for (const s of this.subscriptions.values()) if (covers(s, plant, plcId)) return true
    return false
  }
}

/**
 * Routes bus events to live clients. One bus subscription per hub (every plant channel of the
 * prefix); each event is matched against the few clients indexed under its PLC, plant or tenant, checked
 * against each client's access, serialised once and sent. A client that reads too slowly never holds
 * up the bus or other clients: its events wait in a bounded outbox where telemetry coalesces to the
 * latest value per (PLC, metric), and it is disconnected if it stays behind.
 */
export class LiveHub {
  private clients = new Set<LiveClient>()
  private index = new SubscriberIndex<LiveClient>()
  private congested = new Set<LiveClient>()
  /** Events of a (tenant, site) whose ids are being looked up, in arrival order. */
  private unresolved = new Map<string, LiveEvent[]>()
  private counters = { coalesced: 0, dropped: 0, disconnectedSlow: 0 }
  private limits: FlowLimits
  private now: () => number
  private dispatches = 0
  private retryTimer: NodeJS.Timeout | undefined
  private unsubscribeBus: (() => void) | undefined

  constructor(private o: HubOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits }
    this.now = o.now ?? Date.now
  }

  start(): void {
    this.unsubscribeBus ??= this.o.bus.subscribe(`${this.o.prefix}:*`, (channel, event) => this.onBusEvent(channel, event))
  }

  /** Closes every connection (they may reconnect to another instance) and leaves the bus. */
  stop(): void {
    this.unsubscribeBus?.()
    this.unsubscribeBus = undefined
    clearInterval(this.retryTimer)
    this.retryTimer = undefined
    for (const c of [...this.clients]) {
      this.disconnect(c)
      c.connection.close(CLOSE.GOING_AWAY, 'server shutting down')
    }
  }

  connect(connection: LiveConnection, ctx: AuthContext, types: ReadonlySet<string> | null = null): LiveClient {
    const client = new LiveClient(connection, ctx, types)
    this.clients.add(client)
    return client
  }

  /** The transport saw the connection close; anything still queued for it is dropped. */
  disconnect(client: LiveClient): void {
    if (client.closed) return
    client.closed = true
    this.counters.dropped += client.outbox.clear()
    this.congested.delete(client)
    this.clients.delete(client)
    for (const s of client.subscriptions.values()) this.index.remove(client, s, [])
    client.subscriptions.clear()
  }

  /** Resolves a filter for a user; see resolveFilter. */
  resolve(ctx: AuthContext, filter: SiteFilter): Promise<Resolution> {
    return resolveFilter(ctx, filter, this.o.sites)
  }

  /** Adds a resolved subscription; false when the client already holds the most it may. */
  add(client: LiveClient, s: Subscription): boolean {
    if (client.closed) return false
    if (client.subscriptions.has(s.key)) return true
    if (client.subscriptions.size >= this.limits.maxSubscriptions) return false
    client.subscriptions.set(s.key, s)
    this.index.add(client, s)
    return true
  }

  remove(client: LiveClient, key: string): void {
    const s = client.subscriptions.get(key)
    if (!s) return
    client.subscriptions.delete(key)
    this.index.remove(client, s, client.subscriptions.values())
  }

  /** Swaps in a re-checked identity: from the next event on, its tenant and plant access apply. */
  reauthorize(client: LiveClient, ctx: AuthContext): void {
    client.ctx = ctx
  }

  /** A reply to one client, queued behind the events it is still owed. */
  send(client: LiveClient, message: ReplyMessage): void {
    // Replies are never telemetry, so the outbox keeps them whole.
    this.deliver(client, message as LiveEvent, JSON.stringify(message), '')
  }

  stats(): RealtimeStats {
    return { connections: this.clients.size, ...this.counters }
  }

  private onBusEvent(channel: string, platformEvent: PlatformEvent): void {
    const event = platformEvent as unknown as LiveEvent
    const { tenant, site } = event
    // The channel is what scopes an event; one that names another tenant or site than its channel is not routed.
    if (typeof tenant !== 'string' || typeof site !== 'string' || channel !== plantChannel(this.o.prefix, tenant, site)) return
    if (!this.clients.size) return
    const waiting = this.unresolved.get(channel)
    if (waiting) {
      waiting.push(event)
      return
    }
    const plant = this.o.sites.peek(tenant, site)
    if (plant !== undefined) {
      if (plant) this.dispatch(plant, event)
      return
    }
    this.resolveThenDispatch(channel, tenant, site, event)
  }

  /** Looks the plant up once, holding back its later events meanwhile so their order is kept. */
  private resolveThenDispatch(channel: string, tenant: string, site: string, first: LiveEvent): void {
    const waiting = [first]
    this.unresolved.set(channel, waiting)
    this.o.sites.plant(tenant, site)
      .then((plant) => {
        if (plant) for (const e of waiting) this.dispatch(plant, e)
      })
      .catch(err => this.o.logger.warn({ err: (err as Error).message, tenant, plant: site, dropped: waiting.length }, 'live stream: plant lookup failed; events not delivered'))
      .finally(() => this.unresolved.delete(channel))
  }

  private dispatch(plant: PlantIds, event: LiveEvent): void {
    const stamp = ++this.dispatches
    const permission = readPermission(event.type)
    const plc = `${plant.plantId}|${event.plcId ?? ''}`
    let text: string | undefined
    for (const candidates of this.index.candidates(plant, event.plcId)) {
      for (const client of candidates) {
        if (client.seenDispatch === stamp) continue
        client.seenDispatch = stamp
        if (client.types && !client.types.has(event.type)) continue
        // Access is checked on every event, so a narrowed identity (reauthorize) applies at once.
        if (!client.wants(plant, event.plcId) || !can(client.ctx, permission, plant)) continue
        text ??= JSON.stringify(event)
        this.deliver(client, event, text, plc)
      }
    }
  }

  private deliver(client: LiveClient, event: LiveEvent, text: string, plc: string): void {
    if (client.closed) return
    if (!client.congestedSince) {
      if (client.connection.bufferedAmount() <= this.limits.highWaterBytes) {
        client.connection.send(text)
        return
      }
      client.congestedSince = this.now()
      this.congested.add(client)
      this.scheduleRetry()
    }
    this.counters.coalesced += client.outbox.push(event, text, plc)
    if (client.outbox.size > this.limits.maxQueued) this.disconnectSlow(client, `over ${this.limits.maxQueued} messages queued`)
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return
    this.retryTimer = setInterval(() => this.retryCongested(), this.limits.retryMs)
    this.retryTimer.unref()
  }

  private retryCongested(): void {
    const now = this.now()
    for (const client of this.congested) {
      if (client.connection.bufferedAmount() <= this.limits.highWaterBytes) this.flush(client)
      else if (now - client.congestedSince >= this.limits.graceMs) this.disconnectSlow(client, `send buffer over ${this.limits.highWaterBytes} bytes for ${this.limits.graceMs} ms`)
    }
    if (this.congested.size) return
    clearInterval(this.retryTimer)
    this.retryTimer = undefined
  }

  private flush(client: LiveClient): void {
    client.congestedSince = 0
    this.congested.delete(client)
    for (const text of client.outbox.drain()) client.connection.send(text)
  }

  private disconnectSlow(client: LiveClient, why: string): void {
    this.counters.disconnectedSlow++
    this.o.logger.warn({ tenant: client.ctx.tenantSlug, uid: client.ctx.uid, reason: why }, 'live stream: client too slow; disconnected')
    this.disconnect(client)
    client.connection.close(CLOSE.SLOW_CONSUMER, `slow consumer: ${why}`)
  }
}
