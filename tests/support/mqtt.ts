import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

/** An MQTT client for tests; resolves once connected. */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  return client
}

/** Publishes at QoS 1 and waits for the broker's PUBACK. */
export function publish(client: MqttClient, topic: string, payload: string | Buffer | object, opts: { retain?: boolean, qos?: 0 | 1 } = {}): Promise<void> {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)
  return new Promise((resolve, reject) => client.publish(topic, body, { qos: opts.qos ?? 1, retain: opts.retain ?? false }, err => (err ? reject(err) : resolve())))
}

/** Removes retained messages a test left on these topics. */
export async function clearRetained(client: MqttClient, topics: string[]): Promise<void> {
  for (const t of topics) await publish(client, t, '', { retain: true })
}

/** Removes every retained message under a filter (what the broker sends right after SUBSCRIBE). */
export async function clearRetainedUnder(url: string, filter: string): Promise<string[]> {
  const client = await connectClient(url, { clientId: `clear-${Date.now()}-${Math.random().toString(16).slice(2)}` })
  const topics = new Set<string>()
  client.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length) topics.add(topic)
  })
  await client.subscribeAsync(filter, { qos: 1 })
  await new Promise(resolve => setTimeout(resolve, 500))
  await clearRetained(client, [...topics])
  await endClient(client)
  return [...topics]
}

export const endClient = (client: MqttClient) => new Promise<void>(resolve => client.end(false, {}, () => resolve()))
