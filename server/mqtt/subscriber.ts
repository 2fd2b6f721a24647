import { readFileSync } from 'node:fs'
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient, type Packet } from 'mqtt'
import type { Logger } from 'pino'
import { TOPIC_FILTERS } from '../ingest/topic'
import type { RawMessage } from '../ingest/ingestor'

/** How to reach the broker: its URL, and the credentials or client certificate this app presents. */
export interface BrokerConnection {
  url: string
  ca?: string
  cert?: string
  key?: string
  username?: string
  password?: string
}

export interface SubscriberOptions extends BrokerConnection {
  clientId: string
  protocolVersion: 4 | 5
  sharedGroup?: string
  /**
   * `own` (the default): this instance's session, subscribed to the telemetry filters and reconnected
   * whenever it drops. `adopted`: a dead peer's session, taken over to drain what the broker kept in it;
   * its shared subscriptions are removed so the group stops routing messages to it, and it never
   * reconnects (the peer coming back takes its session over, and must win).
   */
  role?: 'own' | 'adopted'
  /** Messages handed on but not yet acknowledged, at most; past it the connection stops reading. */
  maxInflight: number
  logger: Logger
  onMessage: (msg: RawMessage) => void
}

export interface Subscriber {
  isConnected(): boolean
  /** Connected and done (un)subscribing: an adopted session's routing is off once this is true. */
  isReady(): boolean
  /** Closed for good: ended here, or an adopted session's connection dropped or was taken over. */
  isEnded(): boolean
  /** Messages handed on and not yet acknowledged. */
  outstanding(): number
  /** Messages handed on since the start, and when the last one came (epoch ms; 0 before any). */
  received(): { count: number, lastAt: number }
  /** `endSession`: have the broker delete the session (and anything queued in it) as the connection closes. */
  close(o?: { endSession?: boolean }): Promise<void>
}

const KEEPALIVE_S = 30
const SESSION_EXPIRY_S = 7 * 24 * 3600

/** The connection options a broker connection's credentials or client certificate make. */
export function credentials(c: BrokerConnection): Pick<IClientOptions, 'username' | 'password' | 'ca' | 'cert' | 'key'> {
  return {
    username: c.username,
    password: c.password,
    ca: c.ca ? readFileSync(c.ca) : undefined,
    cert: c.cert ? readFileSync(c.cert) : undefined,
    key: c.key ? readFileSync(c.key) : undefined
  }
}

/** The filters the ingest subscribes to; in a shared group, their `$share/` form. */
export function telemetryFilters(sharedGroup?: string): string[] {
  return TOPIC_FILTERS.map(f => (sharedGroup ? `$share/${sharedGroup}/${f}` : f))
}

type SendPacket = (packet: Packet, cb?: () => void, ...rest: unknown[]) => void

/**
 * The ingest's MQTT connection. QoS 1 messages are acknowledged only once the ingest made them durable
 * (SPEC §3), without giving up batching.
 *
 * mqtt.js processes incoming packets one at a time and sends the PUBACK when the message handler
 * returns; holding the handler until a commit would stall the connection at one message per commit
 * (STACK-NOTES 18). So the handler returns at once and the PUBACK mqtt.js then sends is held back here
 * until the message's `ack()` runs. Batches are acknowledged in arrival order, as MQTT requires. Held
 * PUBACKs die with their connection: the broker redelivers those messages on the persistent session
 * and the idempotency keys absorb the copies.
 */
export async function startSubscriber(o: SubscriberOptions): Promise<Subscriber> {
  const adopted = o.role === 'adopted'
  const options: IClientOptions = {
    ...credentials(o),
    clientId: o.clientId,
    clean: false,
    protocolVersion: o.protocolVersion,
    reconnectPeriod: adopted ? 0 : 1000,
    connectTimeout: 10_000,
    keepalive: KEEPALIVE_S,
    resubscribe: false,
    // MQTT 5: keep the session a week across restarts, and cap unacknowledged deliveries ourselves.
    properties: o.protocolVersion === 5 ? { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: Math.min(65535, o.maxInflight) } : undefined
  }
  const client: MqttClient = mqtt.connect(o.url, { ...options, manualConnect: true })
  // PUBACKs held back on the current connection, by message id; replaced when the connection drops.
  let held = new Map<number, { send?: () => void, acked: boolean }>()
  let outstanding = 0
  let received = 0
  let lastReceivedAt = 0
  let ready = false
  let ended = false
  let blocked: (() => void) | null = null

  const original = (client as unknown as { _sendPacket: SendPacket })._sendPacket.bind(client)
  ;(client as unknown as { _sendPacket: SendPacket })._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd !== 'puback') return original(packet, cb, ...rest)
    const entry = packet.messageId !== undefined ? held.get(packet.messageId) : undefined
    if (!entry) {
      // Every PUBACK we owe is registered for the current connection; any other belongs to a dead one
      // and would acknowledge whatever that id means now.
      cb?.()
      return
    }
    if (entry.acked) {
      held.delete(packet.messageId!)
      return original(packet, cb, ...rest)
    }
    entry.send = () => original(packet, undefined, ...rest)
    cb?.()
  }

  // While the packet loop is held, a PINGRESP would wait behind it and mqtt.js would drop the
  // connection as dead (and the broker redeliver everything in flight): keep the keepalive going by hand.
  let keepalive: NodeJS.Timeout | undefined
  const block = (callback: () => void) => {
    blocked = callback
    keepalive ??= setInterval(() => {
      client.sendPing()
      client.reschedulePing(true)
    }, KEEPALIVE_S * 1000 / 3)
  }
  const unblock = () => {
    clearInterval(keepalive)
    keepalive = undefined
    const resume = blocked
    blocked = null
    resume?.()
  }

  // mqtt.js restarts its keepalive clock only on acks and PINGRESPs, and those queue behind the
  // publishes still to be read: under load it would call a busy connection dead. For a subscriber,
  // every publish read proves the connection alive just as well.
  let lastAlive = 0
  const alive = () => {
    const now = Date.now()
    if (now - lastAlive < 1000) return
    lastAlive = now
    client.reschedulePing(true)
  }

  client.handleMessage = (packet: IPublishPacket, callback: (err?: Error) => void) => {
    alive()
    const id = packet.messageId
    const connection = held
    let ack: (() => void) | undefined
    if (packet.qos === 1 && id !== undefined) {
      const entry = { acked: false } as { send?: () => void, acked: boolean }
      held.set(id, entry)
      ack = () => {
        // A PUBACK for a connection that has since dropped must not go out on the new one.
        if (connection === held && held.get(id) === entry) {
          entry.acked = true
          if (entry.send) {
            held.delete(id)
            entry.send()
          }
        }
      }
    }
    outstanding++
    received++
    lastReceivedAt = Date.now()
    const payload = packet.payload
    o.onMessage({
      topic: packet.topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      retained: packet.retain,
      receivedAt: Date.now(),
      ack: () => {
        outstanding--
        ack?.()
        if (blocked && outstanding < 2 * o.maxInflight) unblock()
      }
    })
    // Back-pressure: stop reading from the broker while too much is waiting for the database. An MQTT 5
    // broker should keep to our Receive Maximum (not every one does); the margin covers messages of an
    // earlier connection still waiting for their commit.
    if (outstanding < 2 * o.maxInflight) callback()
    else block(callback)
  }

  client.on('connect', (connack) => {
    o.logger.info({ url: redactUrl(o.url), clientId: o.clientId, sessionPresent: connack.sessionPresent, role: o.role ?? 'own' }, 'mqtt connected')
    const filters = telemetryFilters(o.sharedGroup)
    const done = (err?: Error | null) => {
      if (err) o.logger.error({ err: err.message, clientId: o.clientId }, adopted ? 'mqtt unsubscribe failed' : 'mqtt subscribe failed')
      else ready = true
    }
    if (adopted) client.unsubscribe(filters, done)
    else client.subscribe(filters, { qos: 1 }, done)
  })
  client.on('close', () => {
    ready = false
    if (adopted) ended = true
    held = new Map()
    // mqtt.js reads the next connection with a fresh packet loop; resuming the dead one's would make
    // it send the held-back PUBACK on the new connection, where that message id means another message.
    blocked = null
    clearInterval(keepalive)
    keepalive = undefined
  })
  client.on('offline', () => {
    if (!adopted) o.logger.warn({ url: redactUrl(o.url) }, 'mqtt connection lost; reconnecting')
  })
  client.on('error', err => o.logger.warn({ err: err.message }, 'mqtt error'))
  client.connect()

  return {
    isConnected: () => client.connected,
    isReady: () => ready,
    isEnded: () => ended,
    outstanding: () => outstanding,
    received: () => ({ count: received, lastAt: lastReceivedAt }),
    close: ({ endSession = false } = {}) => new Promise<void>((resolve) => {
      clearInterval(keepalive)
      ended = true
      // A session expiry of 0 on DISCONNECT makes the broker drop the session at once (MQTT 5 §3.14.2.2.2).
      const properties = endSession && o.protocolVersion === 5 ? { sessionExpiryInterval: 0 } : undefined
      client.end(false, properties ? { properties } : {}, () => resolve())
    })
  }
}

/** A broker URL without its password, for logs and /health. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return url
  }
}
