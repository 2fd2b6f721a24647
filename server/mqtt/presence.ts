import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { credentials, redactUrl, type BrokerConnection } from './subscriber'

/**
 * Where the instances of a shared-subscription group say whether they are alive: one retained
 * message per instance, `online` while its presence connection is up and `offline` as its Last Will
 * (or when it stops). Only the app's own identity may publish there (deploy/mosquitto/acl).
 */
export const PRESENCE_ROOT = 'platform/instances'

export type MemberState = 'online' | 'offline'

export interface PresenceOptions {
  connection: BrokerConnection
  group: string
  /** This instance's ingest client id: the name its peers know it and its broker session by. */
  clientId: string
  logger: Logger
}

export interface Presence {
  /** The group's instances the broker keeps a status of; this instance included once it is online. */
  members(): ReadonlyMap<string, MemberState>
  /** Call `listener` whenever a member's state is learnt or changes. */
  onChange(listener: () => void): void
  /** Remove a peer's status for good: its session was drained and deleted, nobody is left to adopt. */
  forget(clientId: string): Promise<void>
  /** Stop, having the broker publish the Last Will all the same: peers learn this instance left. */
  leave(): Promise<void>
}

export const presenceTopic = (group: string, clientId: string) => `${PRESENCE_ROOT}/${group}/${clientId}`

export const presencePayload = (state: MemberState) => JSON.stringify({ state, at: new Date().toISOString() })

/** A member's state from its retained status; null for a cleared status or one this version cannot read. */
export function parsePresence(payload: Buffer): MemberState | null {
  if (!payload.length) return null
  try {
    const state = (JSON.parse(payload.toString('utf8')) as { state?: unknown }).state
    return state === 'online' || state === 'offline' ? state : null
  } catch {
    return null
  }
}

/**
 * This instance's presence in its group, on a connection of its own: the ingest connection's packet
 * loop may be held for back-pressure, and a status must not wait behind telemetry. Both connections
 * die with the process, so the Last Will says when the ingest session became an orphan.
 */
export async function startPresence(o: PresenceOptions): Promise<Presence> {
  if (/[/+#]/.test(o.clientId) || /[/+#]/.test(o.group)) {
    throw new Error('MQTT_CLIENT_ID and MQTT_SHARED_GROUP must not contain "/", "+" or "#" with a shared group: they name presence topics')
  }
  const own = presenceTopic(o.group, o.clientId)
  const members = new Map<string, MemberState>()
  const listeners: (() => void)[] = []
  const client: MqttClient = mqtt.connect(o.connection.url, {
    ...credentials(o.connection),
    clientId: `${o.clientId}-presence`,
    clean: true,
    protocolVersion: 5,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    keepalive: 15,
    will: { topic: own, payload: Buffer.from(presencePayload('offline')), qos: 1, retain: true }
  })
  client.on('connect', () => {
    client.subscribe(presenceTopic(o.group, '+'), { qos: 1 }, (err) => {
      if (err) o.logger.error({ err: err.message }, 'mqtt presence subscribe failed')
    })
    client.publish(own, presencePayload('online'), { qos: 1, retain: true })
  })
  client.on('message', (topic, payload) => {
    const id = topic.slice(topic.lastIndexOf('/') + 1)
    const state = parsePresence(payload)
    if (state === members.get(id) || (state === null && !members.has(id))) return
    if (state) members.set(id, state)
    else members.delete(id)
    for (const listener of listeners) listener()
  })
  client.on('error', err => o.logger.warn({ err: err.message, url: redactUrl(o.connection.url) }, 'mqtt presence error'))

  return {
    members: () => members,
    onChange: listener => listeners.push(listener),
    forget: async (clientId) => {
      await client.publishAsync(presenceTopic(o.group, clientId), '', { qos: 1, retain: true })
    },
    // Reason code 0x04 asks the broker to publish the Last Will all the same (MQTT 5 §3.14.2.1); a
    // connection already gone had it published when it dropped.
    leave: () => new Promise<void>((resolve) => {
      const timer = setTimeout(() => client.end(true, {}, () => resolve()), 2000)
      client.end(false, { reasonCode: 0x04 }, () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}
