import mqtt, { type MqttClient } from 'mqtt'
import { statusTopic } from '../../../server/ingest/topic'
import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { waitStored } from '../verify'

const OFFLINE_AFTER_S = 3

interface Gateway { client: MqttClient, lastHeartbeatAt: number, timer: NodeJS.Timeout }

const topic = (id: string) => statusTopic({ tenant: 'granix', province: 'ba', plant: 'planta-1', gatewayId: id })
const heartbeat = () => JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), state: 'online', health: { internet: 'ok', mqtt: 'ok', plcLink: 'ok' } })

/** A gateway sending a heartbeat a second; with `will`, a retained Last Will as seed 001 has it. */
async function startGateway(url: string, id: string, will: boolean): Promise<Gateway> {
  const client = mqtt.connect(url, {
    clientId: id, protocolVersion: 5, reconnectPeriod: 0, keepalive: 60,
    will: will ? { topic: topic(id), payload: Buffer.from(JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), state: 'offline', reason: 'connection_lost' })), qos: 1, retain: true } : undefined
  })
  client.on('error', () => {})
  await new Promise(r => client.once('connect', r))
  const gw: Gateway = { client, lastHeartbeatAt: 0, timer: setInterval(() => beat(gw, id), 1000) }
  beat(gw, id)
  return gw
}

function beat(gw: Gateway, id: string): void {
  gw.client.publish(topic(id), heartbeat(), { qos: 1 }, (err) => {
    if (!err) gw.lastHeartbeatAt = Date.now()
  })
}

/** The connection dies without a DISCONNECT (power cut, cable): the broker sees the socket close. */
function cut(gw: Gateway): number {
  clearInterval(gw.timer)
  gw.client.stream.destroy()
  gw.client.end(true)
  return gw.lastHeartbeatAt
}

async function offlineAt(s: Scenario, id: string, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const [g] = await s.db.sql.query<{ status: string }>('select status from gateways where thing_name = $1', [id])
    if (g?.status === 'offline') return Date.now()
    await sleep(50)
  }
  return null
}

/**
 * Two gateways' connections die: one without a Last Will must show offline within
 * GATEWAY_OFFLINE_AFTER_S + 1 s of its last heartbeat (the watchdog); one with a Last Will as soon as
 * the broker publishes the will (within the same limit).
 */
export async function gatewayOffline(ctx: RunContext): Promise<Row> {
  const s = await new Scenario(ctx).open({ env: { GATEWAY_OFFLINE_AFTER_S: String(OFFLINE_AFTER_S) } })
  try {
    const notes: string[] = []
    s.load.start()
    const silent = await startGateway(s.broker.url, `${s.prefix}-gw-silent`, false)
    const willing = await startGateway(s.broker.url, `${s.prefix}-gw-will`, true)
    await sleep(3000)
    const lastSilent = cut(silent)
    const lastWilling = cut(willing)
    const [offSilent, offWilling] = await Promise.all([offlineAt(s, `${s.prefix}-gw-silent`, 15_000), offlineAt(s, `${s.prefix}-gw-will`, 15_000)])
    const silentMs = offSilent && offSilent - lastSilent
    const willingMs = offWilling && offWilling - lastWilling
    notes.push(`no Last Will: offline ${silentMs} ms after its last heartbeat (limit ${(OFFLINE_AFTER_S + 1) * 1000} ms); with Last Will: ${willingMs} ms`)
    const limit = (OFFLINE_AFTER_S + 1) * 1000
    const inTime = silentMs !== null && silentMs <= limit && willingMs !== null && willingMs <= limit
    await waitStored(s.db.sql, s.load.acked, 60_000)
    const out = await s.finish()
    return row(s, `gateway connection dies (offline ≤ ${OFFLINE_AFTER_S}+1 s)`, out, silentMs, notes, inTime)
  } finally {
    await s.close()
  }
}
