import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../server/db/client'
import { ensurePlant } from '../../server/db/demo-data'
import { certificateCommonName, ensureCa, issueCertificate, type CertBundle, type LocalCa } from '../../server/pki/local-ca'
import { simulatorThingNames, startSimulator, type Simulator } from '../../server/simulator/simulator'
import { statusTopic } from '../../server/ingest/topic'
import { presenceTopic } from '../../server/mqtt/presence'
import { DEPLOY_ACL, startTlsMosquitto, type TlsMosquitto } from '../support/mosquitto-tls'
import { MIGRATIONS } from '../support/platform'
import { freePort, startServer, type RunningServer } from '../support/server'
import { createTestDatabase, createTestDataDir, waitFor } from '../support/services'

// MQTT over TLS with client certificates, the way AWS IoT Core authenticates gateways, on a private
// Mosquitto that requires a certificate from our CA and applies deploy/mosquitto/acl. The built server
// and the simulator connect with certificates made by scripts' own code (local CA, gateway:create).

const ROOT = resolve(import.meta.dirname, '../..')
const SITE = { tenant: 'granix', province: 'ba', plant: 'planta-1' }
const GATEWAYS = simulatorThingNames({ ...SITE, gateways: 2 })

interface Attempt { connected: boolean, error?: string }

/** Connects once (no retry) and says whether the broker let the client in. */
function attempt(url: string, options: IClientOptions): Promise<Attempt> {
  return new Promise((done) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 5, ...options })
    const finish = (result: Attempt) => {
      client.end(true)
      done(result)
    }
    client.once('connect', () => finish({ connected: true }))
    client.once('error', err => finish({ connected: false, error: err.message }))
    client.once('close', () => finish({ connected: false, error: 'closed' }))
  })
}

const tlsFiles = (b: CertBundle) => ({ ca: readFileSync(b.caPath), cert: readFileSync(b.certPath), key: readFileSync(b.keyPath) })

const gatewayCreate = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/gateway-create.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } })

describe('MQTT over TLS with client certificates', () => {
  const work = createTestDataDir()
  let ca: LocalCa
  let broker: TlsMosquitto
  let server: RunningServer
  let simulator: Simulator
  let dbUrl: string
  let dropDb: () => Promise<void>
  const bundlesDir = join(work.dir, 'gateways')

  beforeAll(async () => {
    ca = ensureCa(join(work.dir, 'ca'))
    const brokerCert = issueCertificate(ca, join(work.dir, 'server'), { commonName: 'localhost', usage: 'server', hosts: ['localhost', '127.0.0.1'] })
    broker = await startTlsMosquitto({ port: await freePort(), caPath: ca.certPath, certPath: brokerCert.certPath, keyPath: brokerCert.keyPath, aclPath: DEPLOY_ACL })
    const pg = await createTestDatabase()
    dbUrl = pg.url
    dropDb = pg.drop
    const db = await openDatabase({ kind: 'postgres', url: dbUrl })
    await db.migrate(MIGRATIONS)
    await ensurePlant(db.sql, { ...SITE, tenantName: 'Granix', plantName: 'Planta 1' })
    await db.close()
  }, 60_000)

  afterAll(async () => {
    await simulator?.stop()
    await server?.stop()
    await broker?.stop()
    await dropDb?.()
    work.remove()
  })

  it('gateway:create registers each gateway, approved, and writes its certificate bundle', async () => {
    for (const thingName of GATEWAYS) {
      const { stdout } = await gatewayCreate(['--tenant', SITE.tenant, '--plant', SITE.plant, '--gateway', thingName, '--ca-dir', ca.dir, '--out', bundlesDir,
        '--broker-url', broker.url, '--aws-region', 'eu-west-1', '--aws-account', '123456789012'], { DATABASE_URL: dbUrl })
      expect(stdout).toContain(`registered: gateway ${thingName} on granix/ba/planta-1`)
      const dir = join(bundlesDir, thingName)
      expect(certificateCommonName(join(dir, 'certificate.pem.crt'))).toBe(thingName)
      const config = JSON.parse(readFileSync(join(dir, 'gateway.json'), 'utf8'))
      expect(config).toMatchObject({ clientId: thingName, brokerUrl: broker.url, statusTopic: statusTopic({ ...SITE, gatewayId: thingName }), lastWill: { qos: 1, retain: true } })
      const policy = JSON.parse(readFileSync(join(dir, 'aws-iot-policy.json'), 'utf8'))
      expect(JSON.stringify(policy)).toContain(`client/${thingName}`)
    }
    const db = await openDatabase({ kind: 'postgres', url: dbUrl })
    try {
      const rows = await db.sql.query<{ thing_name: string, approval: string }>('select thing_name, approval from gateways order by thing_name')
      expect(rows).toEqual(GATEWAYS.map(thing_name => ({ thing_name, approval: 'active' })))
      const audit = await db.sql.query<{ action: string, actor: string }>(`select action, actor from audit_log where entity = 'gateway' order by id`)
      expect(audit).toEqual(GATEWAYS.map(() => ({ action: 'gateway.register', actor: 'cli:gateway-create' })))
    } finally {
      await db.close()
    }
  }, 60_000)

  it('gateway:create refuses a plant that does not exist (onboarding never creates one)', async () => {
    const run = gatewayCreate(['--tenant', SITE.tenant, '--plant', 'nowhere', '--gateway', 'gw-x', '--ca-dir', ca.dir, '--out', bundlesDir], { DATABASE_URL: dbUrl })
    await expect(run).rejects.toMatchObject({ code: 3, stderr: expect.stringContaining('PLANT_NOT_FOUND') })
  }, 30_000)

  it('the built server and the simulator connect with their certificates and the data is stored', async () => {
    const ingest = issueCertificate(ca, join(work.dir, 'ingest'), { commonName: 'ingest', usage: 'client' })
    server = await startServer({
      DATABASE_URL: dbUrl, DATA_DIR: join(work.dir, 'data'), MQTT_URL: broker.url,
      MQTT_CA_PATH: ingest.caPath, MQTT_CERT_PATH: ingest.certPath, MQTT_KEY_PATH: ingest.keyPath, INGEST_BATCH_MAX_MS: '20'
    })
    simulator = await startSimulator({ url: broker.url, protocolVersion: 5, ...SITE, gateways: 2, machines: 2, metrics: 3, rate: 5, heartbeatMs: 500, restartChance: 0, badQuality: 0, certsDir: bundlesDir })
    const db = await openDatabase({ kind: 'postgres', url: dbUrl })
    try {
      // Gateway 1 speaks seed 001 (shape B machines, shape C status), gateway 2 seed 000 (shape A events and heartbeats).
      const perPlc = await waitFor(async () => {
        const rows = await db.sql.query<{ plc_id: string, n: number }>(
          `select c.plc_id, count(*)::int as n from telemetry_events e join plcs c on c.id = e.plc_id group by c.plc_id order by c.plc_id`)
        return rows.length === 4 && rows.every(r => r.n >= 3) ? rows : undefined
      }, 20_000, 'telemetry of every simulated machine')
      expect(perPlc.map(r => r.plc_id)).toEqual(['machine-1-1', 'machine-1-2', 'plc-03', 'plc-04'])
      await waitFor(async () => {
        const rows = await db.sql.query<{ status: string }>(`select status from gateways where approval = 'active' order by thing_name`)
        return rows.length === 2 && rows.every(r => r.status === 'online')
      }, 20_000, 'both gateways online')
    } finally {
      await db.close()
    }
    expect(server.logs.join('')).toContain('mqtt connected')
  }, 90_000)

  it('refuses a client without a certificate, with one from another CA, or without TLS', async () => {
    const caPem = readFileSync(ca.certPath)
    const noCert = await attempt(broker.url, { clientId: 'anonymous', ca: caPem })
    expect(noCert.connected).toBe(false)

    // Same CN as a real gateway, signed by a CA the broker does not trust: impersonation fails.
    const rogueCa = ensureCa(join(work.dir, 'rogue-ca'), 'Rogue CA')
    const rogue = issueCertificate(rogueCa, join(work.dir, 'rogue'), { commonName: GATEWAYS[0]!, usage: 'client' })
    const forged = await attempt(broker.url, { clientId: GATEWAYS[0], ca: caPem, cert: readFileSync(rogue.certPath), key: readFileSync(rogue.keyPath) })
    expect(forged.connected).toBe(false)

    const plain = await attempt(broker.url.replace('mqtts:', 'mqtt:'), { clientId: 'plain' })
    expect(plain.connected).toBe(false)

    // The control: the real bundle gets in.
    const genuine = await attempt(broker.url, { clientId: `${GATEWAYS[0]}-probe`, ...tlsFiles(bundleOf(GATEWAYS[0]!)) })
    expect(genuine).toEqual({ connected: true })
  }, 30_000)

  it('a gateway may publish its own status but not another gateway\'s, nor an instance\'s presence (deploy/mosquitto/acl)', async () => {
    const client = await connectTls(`${GATEWAYS[0]}-acl`, bundleOf(GATEWAYS[0]!))
    try {
      expect(await publish(client, statusTopic({ ...SITE, gatewayId: GATEWAYS[0]! }))).toBe('ok')
      expect(await publish(client, statusTopic({ ...SITE, gatewayId: GATEWAYS[1]! }))).toMatch(/not authorized/i)
      // Nor an instance's presence: a forged `offline` would make the app adopt a live session.
      expect(await publish(client, presenceTopic('ingest', 'plant-telemetry-ingest-1'))).toMatch(/not authorized/i)
    } finally {
      client.end(true)
    }
    // The app's own identity may (its instances keep their presence there).
    const ingest = issueCertificate(ca, join(work.dir, 'ingest-acl'), { commonName: 'ingest', usage: 'client' })
    const app = await connectTls('ingest-acl-probe', ingest)
    try {
      expect(await publish(app, presenceTopic('ingest', 'ingest-acl-probe'), { retain: true })).toBe('ok')
      expect(await publish(app, presenceTopic('ingest', 'ingest-acl-probe'), { retain: true, empty: true })).toBe('ok')
    } finally {
      app.end(true)
    }
  }, 30_000)

  const connectTls = (clientId: string, bundle: CertBundle) => new Promise<MqttClient>((done, fail) => {
    const c = mqtt.connect(broker.url, { reconnectPeriod: 0, protocolVersion: 5, clientId, ...tlsFiles(bundle) })
    c.once('connect', () => done(c))
    c.once('error', fail)
  })
  /** 'ok', or the broker's refusal (MQTT 5 PUBACK reason). */
  const publish = (client: MqttClient, topic: string, o: { retain?: boolean, empty?: boolean } = {}) => new Promise<string>(done =>
    client.publish(topic, o.empty ? '' : '{}', { qos: 1, retain: o.retain ?? false }, err => done(err ? err.message : 'ok')))

  const bundleOf = (thingName: string): CertBundle => {
    const dir = join(bundlesDir, thingName)
    return { dir, certPath: join(dir, 'certificate.pem.crt'), keyPath: join(dir, 'private.pem.key'), caPath: join(dir, 'ca.pem') }
  }
})
