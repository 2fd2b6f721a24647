import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { presencePayload, presenceTopic } from '../../server/mqtt/presence'
import { telemetryFilters } from '../../server/mqtt/subscriber'
import { connectClient, endClient, publish } from '../support/mqtt'
import pino from 'pino'
import { loadConfig } from '../../server/config/env'
import { startPlatform } from '../../server/platform'
import { MIGRATIONS, createPlant, dropGroupMember, startTestPlatform, type TestPlatform } from '../support/platform'
import { SERVICES, uniqueId, waitFor } from '../support/services'

const SESSION = { clean: false, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 600 } }

/**
 * A group member as the broker sees it, driven by hand so the test can kill it mid-stream: an ingest
 * session in the shared subscription that takes messages and never acknowledges them (a batch that
 * never committed), and a presence connection with its Last Will.
 */
async function deadPeer(group: string, clientId: string) {
  const held: IPublishPacket[] = []
  const ingest = await connectClient(SERVICES.mosquittoUrl, { ...SESSION, clientId })
  ingest.handleMessage = (packet, _callback) => {
    held.push(packet) // the PUBACK never goes out
  }
  await ingest.subscribeAsync(telemetryFilters(group), { qos: 1 })
  const presence = await connectClient(SERVICES.mosquittoUrl, {
    clientId: `${clientId}-presence`, protocolVersion: 5,
    will: { topic: presenceTopic(group, clientId), payload: Buffer.from(presencePayload('offline')), qos: 1, retain: true }
  })
  await publish(presence, presenceTopic(group, clientId), presencePayload('online'), { retain: true })
  return {
    held,
    /** Both connections drop without a DISCONNECT, as when the process is killed. */
    kill: () => {
      ingest.stream.destroy()
      presence.stream.destroy()
    }
  }
}

/** Whether the broker still has a session for this client id: connecting would resume it. */
async function sessionPresent(clientId: string): Promise<boolean> {
  const probe = mqtt.connect(SERVICES.mosquittoUrl, { ...SESSION, clientId, reconnectPeriod: 0 })
  const present = await new Promise<boolean>((resolve, reject) => {
    probe.once('connect', c => resolve(c.sessionPresent))
    probe.once('error', reject)
  })
  // Leave no session behind for the probe itself.
  await probe.endAsync(false, { properties: { sessionExpiryInterval: 0 } })
  return present
}

/** The retained status on a presence topic, if any (a retained message arrives right after SUBSCRIBE). */
async function retainedStatus(topic: string): Promise<string | null> {
  const client = await connectClient(SERVICES.mosquittoUrl, { protocolVersion: 5, clientId: uniqueId('adopt-read') })
  let status: string | null = null
  client.on('message', (_t, payload) => {
    status = payload.toString()
  })
  await client.subscribeAsync(topic, { qos: 1 })
  await new Promise(resolve => setTimeout(resolve, 300))
  await endClient(client)
  return status
}

describe('shared group: a dead member\'s broker session is adopted and drained', () => {
  const group = uniqueId('adopt').replaceAll('_', '-')
  const tenant = uniqueId('adopt').replaceAll('_', '-')
  const peerId = `${group}-a`
  let survivor: TestPlatform
  let publisher: MqttClient

  beforeAll(async () => {
    survivor = await startTestPlatform('services', { MQTT_SHARED_GROUP: group, MQTT_CLIENT_ID: `${group}-b`, INGEST_BATCH_MAX_MS: '10' })
    await createPlant(survivor.platform, tenant, 'north', 'p1')
    publisher = await connectClient(SERVICES.mosquittoUrl, { protocolVersion: 5, clientId: uniqueId('adopt-pub') })
  })

  afterAll(async () => {
    await endClient(publisher)
    await survivor?.cleanup()
    for (const id of [peerId, `${group}-b`]) await dropGroupMember(SERVICES.mosquittoUrl, group, id)
  })

  const send = async (from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      await publish(publisher, `factory/${tenant}/north/p1/m${seq % 4}/telemetry`, { schemaVersion: 1, timestamp: Date.now(), seq, values: { v: seq } })
    }
  }
  const stored = async () => (await survivor.platform.db.sql.query<{ n: number, keys: number }>(
    'select count(*)::int as n, count(distinct key)::int as keys from telemetry_events'))[0]!

  it('stores what the dead member held and what the broker kept routing to it, once each, then deletes its session', async () => {
    const peer = await deadPeer(group, peerId)
    await send(1, 100)
    await waitFor(() => peer.held.length > 0, 5000, 'the peer got its share')
    const heldAtDeath = peer.held.length
    peer.kill()
    // The broker goes on routing part of these to the dead member's session until it is adopted.
    await send(101, 200)

    await waitFor(async () => (await stored()).n === 200, 20_000, 'all 200 stored')
    expect(await stored()).toEqual({ n: 200, keys: 200 })
    expect(heldAtDeath).toBeGreaterThan(0)
    await waitFor(() => survivor.platform.group!.adopting().length === 0, 10_000, 'adoption finished')
    // What the dead member held came back to the survivor through its session (and is counted for /metrics).
    const { drained, messages } = survivor.platform.group!.counters()
    expect(drained).toBe(1)
    expect(messages).toBeGreaterThanOrEqual(heldAtDeath)

    // The session is gone and the peer's status cleared: nothing is left to adopt or queue into.
    expect(await retainedStatus(presenceTopic(group, peerId))).toBeNull()
    expect(await sessionPresent(peerId)).toBe(false)
  })

  it('takes over the share of a member that stopped gracefully, instead of queueing it for its return', async () => {
    const leaverId = `${group}-c`
    const { database, busPrefix } = survivor.platform.config
    const leaver = await startPlatform(loadConfig({
      DATABASE_URL: database.kind === 'postgres' ? database.url : '', MQTT_URL: SERVICES.mosquittoUrl, REDIS_URL: SERVICES.redisUrl,
      MQTT_SHARED_GROUP: group, MQTT_CLIENT_ID: leaverId, BUS_CHANNEL_PREFIX: busPrefix, SIMULATOR: '0', DEMO_DATA: '0', INGEST_BATCH_MAX_MS: '10'
    }), pino({ level: 'silent' }), MIGRATIONS)
    try {
      const before = (await stored()).n
      await send(1001, 1100)
      await waitFor(async () => (await stored()).n === before + 100, 10_000, 'both members stored the first 100')
      expect(leaver.stats.received).toBeGreaterThan(0)
      await leaver.stop()
      await send(1101, 1200)
      await waitFor(async () => (await stored()).n === before + 200, 10_000, 'the survivor stored the rest')
      await waitFor(() => survivor.platform.group!.adopting().length === 0, 10_000, 'adoption finished')
      expect(await sessionPresent(leaverId)).toBe(false)
    } finally {
      await dropGroupMember(SERVICES.mosquittoUrl, group, leaverId)
    }
  })
})
