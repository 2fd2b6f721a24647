import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { machineTelemetryTopic, statusTopic } from '../ingest/topic'
import { renderIotPolicy } from './iot-policy'
import { issueCertificate, type LocalCa } from './local-ca'

export interface GatewayIdentity {
  tenant: string
  province: string
  plant: string
  thingName: string
}

export interface BundleOptions {
  /** The broker URL the gateway is to use, written into gateway.json. */
  brokerUrl?: string
  /** With both, the bundle also holds the gateway's AWS IoT policy, ready for CreatePolicy. */
  aws?: { region: string, account: string }
}

/** What a gateway needs to connect, as the files are installed on it (seed 001 §12 "instalar certs"). */
export interface GatewayBundle {
  dir: string
  certPath: string
  keyPath: string
  caPath: string
  configPath: string
  policyPath?: string
}

/**
 * Writes `<outDir>/<thingName>/`: a client certificate with CN = thing name signed by the local CA,
 * its key, the CA, and gateway.json (client id, topics, Last Will) — the same files AWS IoT Core's
 * CreateKeysAndCertificate hands out, so a gateway is configured the same way for either broker.
 */
export function writeGatewayBundle(ca: LocalCa, outDir: string, g: GatewayIdentity, o: BundleOptions = {}): GatewayBundle {
  const dir = join(outDir, g.thingName)
  const cert = issueCertificate(ca, dir, { commonName: g.thingName, usage: 'client' })
  const configPath = join(dir, 'gateway.json')
  const status = statusTopic({ ...g, gatewayId: g.thingName })
  writeFileSync(configPath, JSON.stringify({
    clientId: g.thingName,
    brokerUrl: o.brokerUrl ?? null,
    tenant: g.tenant, province: g.province, plant: g.plant,
    telemetryTopic: machineTelemetryTopic({ ...g, machine: '{machine}' }),
    statusTopic: status,
    lastWill: { topic: status, qos: 1, retain: true, payload: { schemaVersion: 1, state: 'offline', reason: 'unexpected_disconnect' } },
    heartbeatSeconds: 10,
    files: { cert: 'certificate.pem.crt', key: 'private.pem.key', ca: 'ca.pem' }
  }, null, 2) + '\n')
  const bundle: GatewayBundle = { ...cert, configPath }
  if (o.aws) {
    bundle.policyPath = join(dir, 'aws-iot-policy.json')
    writeFileSync(bundle.policyPath, JSON.stringify(renderIotPolicy({ ...o.aws, ...g }), null, 2) + '\n')
  }
  return bundle
}
