import { z } from 'zod'

/** Persistence modes of SPEC §5: what is kept of a value besides the live state. */
export const persistModes = ['raw', 'hourly', 'both', 'none'] as const
export type PersistMode = typeof persistModes[number]

const optionalText = z.string().trim().min(1).optional()
const flag = (fallback: boolean) => z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .optional()
  .transform(v => v === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(v))

/** Every setting the platform reads, with its default. Unset external URLs mean "use the embedded part". */
const EnvSchema = z.object({
  DATABASE_URL: optionalText,
  DATA_DIR: z.string().default('.data'),
  MQTT_URL: optionalText,
  MQTT_CLIENT_ID: z.string().default('plant-telemetry-ingest'),
  MQTT_USERNAME: optionalText,
  MQTT_PASSWORD: optionalText,
  MQTT_CA_PATH: optionalText,
  MQTT_CERT_PATH: optionalText,
  MQTT_KEY_PATH: optionalText,
  MQTT_SHARED_GROUP: optionalText,
  MQTT_EMBEDDED_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  MQTT_EMBEDDED_HOST: z.string().default('127.0.0.1'),
  REDIS_URL: optionalText,
  BUS_CHANNEL_PREFIX: z.string().default('pt'),
  GATEWAY_OFFLINE_AFTER_S: z.coerce.number().positive().default(30),
  WATCHDOG_INTERVAL_MS: z.coerce.number().int().positive().optional(),
  PERSIST_DEFAULT_MODE: z.enum(persistModes).default('both'),
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(20000).default(2000),
  INGEST_BATCH_MAX_MS: z.coerce.number().int().min(0).max(10000).default(50),
  INGEST_MAX_PAYLOAD_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  INGEST_MAX_FUTURE_SKEW_S: z.coerce.number().nonnegative().default(600),
  INGEST_MAX_INFLIGHT: z.coerce.number().int().positive().default(5000),
  SIMULATOR: flag(true),
  SIMULATOR_GATEWAYS: z.coerce.number().int().min(1).default(2),
  SIMULATOR_MACHINES: z.coerce.number().int().min(1).default(3),
  SIMULATOR_METRICS: z.coerce.number().int().min(1).default(6),
  SIMULATOR_RATE: z.coerce.number().positive().default(1),
  DEMO_DATA: flag(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
})

export type Env = z.infer<typeof EnvSchema>

export interface PlatformConfig {
  database: { kind: 'postgres', url: string } | { kind: 'pglite', dataDir: string }
  mqtt: {
    external?: { url: string, ca?: string, cert?: string, key?: string, username?: string, password?: string }
    embedded: { host: string, port: number }
    clientId: string
    sharedGroup?: string
    maxInflight: number
  }
  redis?: { url: string }
  busPrefix: string
  gatewayOfflineAfterMs: number
  watchdogIntervalMs: number
  ingest: {
    defaultMode: PersistMode
    batchSize: number
    batchMaxMs: number
    maxPayloadBytes: number
    maxFutureSkewMs: number
  }
  simulator: { enabled: boolean, gateways: number, machines: number, metrics: number, rate: number }
  demoData: boolean
  logLevel: Env['LOG_LEVEL']
}

/** Reads the platform's configuration from environment variables; throws naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): PlatformConfig {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const fields = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${fields}`)
  }
  const e = parsed.data
  const offlineMs = e.GATEWAY_OFFLINE_AFTER_S * 1000
  return {
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: `${e.DATA_DIR}/pglite` },
    mqtt: {
      external: e.MQTT_URL
        ? { url: e.MQTT_URL, ca: e.MQTT_CA_PATH, cert: e.MQTT_CERT_PATH, key: e.MQTT_KEY_PATH, username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD }
        : undefined,
      embedded: { host: e.MQTT_EMBEDDED_HOST, port: e.MQTT_EMBEDDED_PORT },
      clientId: e.MQTT_CLIENT_ID,
      sharedGroup: e.MQTT_SHARED_GROUP,
      maxInflight: e.INGEST_MAX_INFLIGHT
    },
    redis: e.REDIS_URL ? { url: e.REDIS_URL } : undefined,
    busPrefix: e.BUS_CHANNEL_PREFIX,
    gatewayOfflineAfterMs: offlineMs,
    // Check often enough that "offline" shows within a second of the deadline.
    watchdogIntervalMs: e.WATCHDOG_INTERVAL_MS ?? Math.min(1000, Math.max(100, offlineMs / 10)),
    ingest: {
      defaultMode: e.PERSIST_DEFAULT_MODE,
      batchSize: e.INGEST_BATCH_SIZE,
      batchMaxMs: e.INGEST_BATCH_MAX_MS,
      maxPayloadBytes: e.INGEST_MAX_PAYLOAD_BYTES,
      maxFutureSkewMs: e.INGEST_MAX_FUTURE_SKEW_S * 1000
    },
    simulator: {
      // On by default only for the zero-config start; against a real broker it must be asked for.
      enabled: env.SIMULATOR !== undefined ? e.SIMULATOR : !e.MQTT_URL,
      gateways: e.SIMULATOR_GATEWAYS,
      machines: e.SIMULATOR_MACHINES,
      metrics: e.SIMULATOR_METRICS,
      rate: e.SIMULATOR_RATE
    },
    demoData: e.DEMO_DATA,
    logLevel: e.LOG_LEVEL
  }
}
