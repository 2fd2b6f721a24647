import { resolve } from 'node:path'
import pino from 'pino'
import { loadConfig } from '../../server/config/env'
import { startPlatform, type Platform } from '../../server/platform'
import { ensurePlant } from '../../server/db/demo-data'
import { presenceTopic } from '../../server/mqtt/presence'
import { clearRetained, connectClient, endClient } from './mqtt'
import { emulatorHost } from './auth'
import { SERVICES, createTestDataDir, createTestDatabase, uniqueId, clearRedisPrefix } from './services'

export const MIGRATIONS = resolve(import.meta.dirname, '../../drizzle')

export type Target = 'embedded' | 'services'

export interface TestPlatform {
  platform: Platform
  /** The broker URL a gateway would use, and its MQTT protocol version. */
  mqttUrl: string
  protocolVersion: 4 | 5
  cleanup: () => Promise<void>
}

/**
 * The platform, started in-process as the Nitro plugin would, either on the embedded defaults (PGlite,
 * aedes, in-process bus) or on this machine's PostgreSQL, Mosquitto and Redis — each run with a
 * database, client id and bus prefix of its own.
 */
export async function startTestPlatform(target: Target, env: Record<string, string> = {}): Promise<TestPlatform> {
  const busPrefix = uniqueId('pt_bus')
  const base: Record<string, string> = {
    SIMULATOR: '0', DEMO_DATA: '0', LOG_LEVEL: 'silent', INGEST_BATCH_MAX_MS: '20',
    MQTT_CLIENT_ID: uniqueId('pt-ingest'), BUS_CHANNEL_PREFIX: busPrefix,
    FIREBASE_AUTH_EMULATOR_HOST: emulatorHost()
  }
  const undo: (() => Promise<void> | void)[] = []
  if (target === 'embedded') {
    const data = createTestDataDir()
    undo.push(data.remove)
    Object.assign(base, { DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0' })
  } else {
    const db = await createTestDatabase()
    undo.push(db.drop)
    undo.push(() => clearRedisPrefix(busPrefix))
    Object.assign(base, { DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, REDIS_URL: SERVICES.redisUrl })
  }
  const config = loadConfig({ ...base, ...env })
  if (target === 'services') undo.unshift(() => dropSession(SERVICES.mosquittoUrl, config.mqtt.clientId))
  const platform = await startPlatform(config, pino({ level: env.LOG_LEVEL ?? 'silent' }), MIGRATIONS)
  return {
    platform,
    mqttUrl: platform.mqttUrl,
    protocolVersion: target === 'embedded' ? 4 : 5,
    cleanup: async () => {
      await platform.stop()
      for (const u of undo.reverse()) await u()
    }
  }
}

/** Ends a persistent MQTT session the test created, so no queue is left behind on the broker. */
export async function dropSession(url: string, clientId: string): Promise<void> {
  const client = await connectClient(url, { clientId, clean: true, protocolVersion: 5 })
  await endClient(client)
}

/** Ends a shared-group member's session and removes its retained presence status from the broker. */
export async function dropGroupMember(url: string, group: string, clientId: string): Promise<void> {
  await dropSession(url, clientId)
  const client = await connectClient(url, { clientId: uniqueId('pt-clean'), protocolVersion: 5 })
  await clearRetained(client, [presenceTopic(group, clientId)])
  await endClient(client)
}

/** Creates a tenant and plant in the platform's database. */
export function createPlant(p: Platform, tenant: string, province: string, plant: string) {
  return ensurePlant(p.db.sql, { tenant, tenantName: tenant, province, plant, plantName: plant })
}
