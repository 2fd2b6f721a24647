import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { gatewayTelemetryTopic, machineTelemetryTopic, statusTopic } from '../ingest/topic'
import { MachineSignals, metricSpecs } from './signals'

export interface SimulatorOptions {
  url: string
  protocolVersion?: 4 | 5
  tenant: string
  province: string
  plant: string
  gateways: number
  /** Machines (PLCs) per gateway. */
  machines: number
  /** Metrics per machine. */
  metrics: number
  /** Samples per second per machine: one shape B message, or one shape A message per metric. */
  rate: number
  heartbeatMs?: number
  /** Chance per heartbeat that a gateway drops its connection abruptly (Last Will) and comes back. */
  restartChance?: number
  /** Fraction of samples published with quality BAD. */
  badQuality?: number
  logger?: Logger
  random?: () => number
  /**
   * For brokers that authenticate gateways by client certificate (AWS IoT Core, Mosquitto with
   * `require_certificate`): each gateway connects with the bundle in `<certsDir>/<thingName>/`
   * (certificate.pem.crt, private.pem.key, ca.pem), as `npm run gateway:create` writes it.
   */
  certsDir?: string
}

/** The thing names (= MQTT client ids) the simulator's gateways use, in order. */
export function simulatorThingNames(o: Pick<SimulatorOptions, 'tenant' | 'province' | 'gateways'>): string[] {
  return Array.from({ length: o.gateways }, (_, i) => `${o.tenant}-${o.province}-gw-${String(i + 1).padStart(2, '0')}`)
}

function clientCertificate(certsDir: string | undefined, thingName: string) {
  if (!certsDir) return {}
  const dir = join(certsDir, thingName)
  return { cert: readFileSync(join(dir, 'certificate.pem.crt')), key: readFileSync(join(dir, 'private.pem.key')), ca: readFileSync(join(dir, 'ca.pem')) }
}

export interface Simulator {
  /** Messages published so far. */
  published(): number
  stop(): Promise<void>
}

interface SimGateway {
  thingName: string
  /** Even gateways speak seed 001 (shape B + C), odd ones seed 000 (shape A events and heartbeats). */
  style: 'seed001' | 'seed000'
  client: MqttClient
  machines: { id: string, signals: MachineSignals, seq: number, due: number }[]
  startedAt: number
}

const TICK_MS = 100

/**
 * A gateway simulator: every payload shape, heartbeats, a real Last Will (retained, QoS 1) and
 * realistic signals with occasional BAD quality and restarts. Works against any MQTT broker.
 */
export async function startSimulator(o: SimulatorOptions): Promise<Simulator> {
  const random = o.random ?? Math.random
  const heartbeatMs = o.heartbeatMs ?? 10_000
  const topicBase = { tenant: o.tenant, province: o.province, plant: o.plant }
  let published = 0
  let stopped = false
  const gateways: SimGateway[] = []

  const connect = (thingName: string) => mqtt.connect(o.url, {
    clientId: thingName,
    protocolVersion: o.protocolVersion ?? 4,
    reconnectPeriod: 2000,
    ...clientCertificate(o.certsDir, thingName),
    will: {
      topic: statusTopic({ ...topicBase, gatewayId: thingName }),
      payload: Buffer.from(JSON.stringify({ schemaVersion: 1, timestamp: Date.now(), state: 'offline', reason: 'unexpected_disconnect' })),
      qos: 1,
      retain: true
    }
  })

  const publish = (client: MqttClient, topic: string, payload: object) => {
    if (!client.connected) return
    published++
    client.publish(topic, JSON.stringify(payload), { qos: 1 })
  }

  const heartbeat = (g: SimGateway) => {
    const uptimeSec = Math.round((Date.now() - g.startedAt) / 1000)
    const timestamp = Date.now()
    if (g.style === 'seed001') {
      publish(g.client, statusTopic({ ...topicBase, gatewayId: g.thingName }), {
        schemaVersion: 1, timestamp, state: 'online',
        gateway: { thingName: g.thingName, version: '1.0.0', uptimeSec },
        health: { internet: 'ok', mqtt: 'ok', plcLink: random() < 0.01 ? 'degraded' : 'ok', buffer: { mode: 'disk', queuedMessages: 0 } }
      })
    } else {
      publish(g.client, gatewayTelemetryTopic({ ...topicBase, gatewayId: g.thingName }), {
        schemaVersion: 1, timestamp, type: 'heartbeat', ...topicBase, gatewayId: g.thingName, state: 'online',
        version: '1.0.0', uptimeSec, internet: 'ok', mqtt: 'ok', plcLink: 'ok', bufferMode: 'disk', queuedMessages: 0
      })
    }
  }

  const sample = (g: SimGateway, m: SimGateway['machines'][number], now: number) => {
    const values = m.signals.sample(now)
    const bad = random() < (o.badQuality ?? 0.01)
    if (g.style === 'seed001') {
      publish(g.client, machineTelemetryTopic({ ...topicBase, machine: m.id }), {
        schemaVersion: 1, timestamp: now, seq: m.seq++, values, ...(bad ? { quality: 'BAD' } : {})
      })
      return
    }
    for (const [metricId, value] of Object.entries(values)) {
      publish(g.client, gatewayTelemetryTopic({ ...topicBase, gatewayId: g.thingName }), {
        schemaVersion: 1, timestamp: now, type: 'telemetry', ...topicBase, gatewayId: g.thingName, plcId: m.id, metricId, value,
        dataType: typeof value === 'number' ? 'float' : typeof value, quality: bad ? 'BAD' : 'GOOD'
      })
    }
  }

  // A restart: the connection dies without DISCONNECT (the broker publishes the Last Will), then the
  // gateway connects again and its next heartbeat brings it back online.
  const restart = (g: SimGateway) => {
    o.logger?.info({ gateway: g.thingName }, 'simulator: gateway restarting')
    g.client.stream?.destroy()
    g.client.end(true)
    setTimeout(() => {
      if (stopped) return
      g.client = connect(g.thingName)
      g.startedAt = Date.now()
      g.client.once('connect', () => heartbeat(g))
    }, 3000)
  }

  const specs = metricSpecs(o.metrics)
  const thingNames = simulatorThingNames(o)
  for (let i = 0; i < o.gateways; i++) {
    const thingName = thingNames[i]!
    const style = i % 2 === 0 ? 'seed001' : 'seed000'
    const machines = Array.from({ length: o.machines }, (_, j) => ({
      id: style === 'seed001' ? `machine-${i + 1}-${j + 1}` : `plc-${String(i * o.machines + j + 1).padStart(2, '0')}`,
      signals: new MachineSignals(specs, random() * Math.PI * 2, random),
      seq: Date.now(),
      due: Date.now()
    }))
    const g: SimGateway = { thingName, style, client: connect(thingName), machines, startedAt: Date.now() }
    g.client.once('connect', () => heartbeat(g))
    gateways.push(g)
  }

  const intervalMs = 1000 / o.rate
  const tick = setInterval(() => {
    const now = Date.now()
    for (const g of gateways) {
      for (const m of g.machines) {
        // Catch up on samples that fell due since the last tick, at most a second's worth.
        for (let n = 0; m.due <= now && n < Math.max(1, o.rate); n++) {
          sample(g, m, now)
          m.due += intervalMs
        }
        if (m.due <= now) m.due = now + intervalMs
      }
    }
  }, Math.min(TICK_MS, intervalMs))
  const beats = setInterval(() => {
    for (const g of gateways) {
      if (random() < (o.restartChance ?? 0)) restart(g)
      else heartbeat(g)
    }
  }, heartbeatMs)

  return {
    published: () => published,
    async stop() {
      stopped = true
      clearInterval(tick)
      clearInterval(beats)
      await Promise.all(gateways.map(g => new Promise<void>(resolve => g.client.end(false, {}, () => resolve()))))
    }
  }
}
