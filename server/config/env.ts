import { z } from 'zod'
import type { DestinationPolicy } from '../notifications/destination'
import type { RetentionPolicy } from '../retention/prune'

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
  ALARM_BACKLOG_LIMIT: z.coerce.number().int().nonnegative().default(1000),
  ALARM_LEARN_INTERVAL_S: z.coerce.number().positive().default(3600),
  ALARM_QUALITY_MIN_DURATION_S: z.coerce.number().nonnegative().default(30),
  ALARM_RETENTION_DAYS: z.coerce.number().positive().default(365),
  NOTIFY_RETENTION_DAYS: z.coerce.number().positive().default(30),
  RETENTION_INTERVAL_S: z.coerce.number().positive().default(3600),
  WATCHDOG_INTERVAL_MS: z.coerce.number().int().positive().optional(),
  PERSIST_DEFAULT_MODE: z.enum(persistModes).default('both'),
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(20000).default(2000),
  INGEST_BATCH_MAX_MS: z.coerce.number().int().min(0).max(10000).default(50),
  INGEST_MAX_PAYLOAD_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  INGEST_MAX_FUTURE_SKEW_S: z.coerce.number().nonnegative().default(600),
  INGEST_MAX_INFLIGHT: z.coerce.number().int().positive().default(5000),
  INGEST_GATEWAY_RATE_PER_S: z.coerce.number().nonnegative().default(1000),
  INGEST_GATEWAY_BURST: z.coerce.number().int().positive().default(20_000),
  SIMULATOR: flag(true),
  SIMULATOR_GATEWAYS: z.coerce.number().int().min(1).default(2),
  SIMULATOR_MACHINES: z.coerce.number().int().min(1).default(3),
  SIMULATOR_METRICS: z.coerce.number().int().min(1).default(6),
  SIMULATOR_RATE: z.coerce.number().positive().default(1),
  SIMULATOR_CERTS_DIR: optionalText,
  DEMO_DATA: flag(true),
  NODE_ENV: z.string().optional(),
  FIREBASE_PROJECT_ID: optionalText,
  FIREBASE_API_KEY: optionalText,
  FIREBASE_AUTH_DOMAIN: optionalText,
  FIREBASE_AUTH_EMULATOR_HOST: optionalText,
  AUTH_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(9099),
  AUTH_VERIFY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  CORS_ORIGINS: z.string().default('').transform(s => s.split(',').map(o => o.trim()).filter(Boolean)),
  RATE_LIMIT_WRITES_PER_MIN: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_AUTH_FAILURES_PER_MIN: z.coerce.number().int().positive().default(30),
  ADMIN_EMAILS: z.string().default('').transform(s => s.split(',').map(e => e.trim().toLowerCase()).filter(Boolean)),
  AUDIT_ANCHOR: z.enum(['none', 'file', 'http']).default('none'),
  AUDIT_ANCHOR_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUDIT_ANCHOR_FILE: optionalText,
  AUDIT_ANCHOR_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  AUDIT_ANCHOR_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  AUDIT_SEAL_INTERVAL_S: z.coerce.number().nonnegative().default(3600),
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().positive().default(10_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
  NOTIFY_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.5),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  NOTIFY_POLL_MS: z.coerce.number().int().positive().default(5000),
  NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  WEBHOOK_ALLOWED_HOSTS: z.string().default('').transform(v => v.split(',').map(h => h.trim().toLowerCase()).filter(Boolean)),
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  ESCALATION_SWEEP_MS: z.coerce.number().int().positive().default(30_000),
  COLD_STORAGE: z.enum(['none', 'dir', 's3']).default('none'),
  COLD_STORAGE_DIR: optionalText,
  COLD_STORAGE_FORMATS: z.string().default('parquet,csv').transform(s => s.split(',').map(f => f.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['parquet', 'csv'])).min(1)),
  COLD_STORAGE_INTERVAL_S: z.coerce.number().nonnegative().default(3600),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: optionalText,
  S3_PREFIX: z.string().default(''),
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: flag(true),
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
})

export type Env = z.infer<typeof EnvSchema>

/** Every variable the platform reads (deployment files are checked against it). */
export const ENV_KEYS = Object.keys(EnvSchema.shape)

/**
 * Where ID tokens come from. `firebase`: a real project (signatures checked against Google's keys).
 * `emulator`: the Firebase Auth emulator, which checks no signature at all — an external one at
 * `host`, or one the platform starts itself on `port` (the zero-config default).
 */
export type AuthConfig = {
  projectId: string
  /** Public web config for the browser SDK. */
  apiKey: string
  authDomain?: string
  verifyTimeoutMs: number
  /** Verified emails that are platform admins (the first-admin bootstrap of a real deployment). */
  adminEmails: string[]
} & ({ mode: 'firebase' } | { mode: 'emulator', host?: string, port: number })

/** The emulator accepts any project id; `demo-` ids are the ones it never sends to Google. */
export const EMULATOR_PROJECT_ID = 'demo-plant-telemetry'

export interface PlatformConfig {
  /** Where embedded parts keep their state (PGlite, the Auth emulator's config). */
  dataDir: string
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
  alarms: { backlogLimit: number, learnIntervalMs: number, qualityMinDurationMs: number }
  /** What is kept how long, and how often the rest is pruned (server/retention). */
  retention: RetentionPolicy & { intervalMs: number }
  ingest: {
    defaultMode: PersistMode
    batchSize: number
    batchMaxMs: number
    maxPayloadBytes: number
    maxFutureSkewMs: number
    /** Token bucket per gateway (or machine); undefined: unlimited (INGEST_GATEWAY_RATE_PER_S=0). */
    gatewayQuota?: { ratePerS: number, burst: number }
  }
  /** `certsDir`: per-gateway client certificates (`<dir>/<thingName>/`) for a broker that requires them. */
  simulator: { enabled: boolean, gateways: number, machines: number, metrics: number, rate: number, certsDir?: string }
  demoData: boolean
  auth: AuthConfig
  http: {
    /** Origins allowed to call the API from a browser (none: same origin only). */
    corsOrigins: string[]
    /** Per user: POST/PUT/PATCH/DELETE requests a minute. */
    writesPerMinute: number
    /** Per client IP: failed token checks a minute before it is refused for a minute. */
    authFailuresPerMinute: number
  }
  audit: AuditConfig
  notifications: NotificationConfig
  cold: ColdStorageConfig
  logLevel: Env['LOG_LEVEL']
}

/**
 * Cold storage (server/cold): closed days exported per plant to Parquet/CSV in a folder or an
 * S3-compatible bucket. `retentionDays` > 0 drops raw partitions older than that, and only days whose
 * exports were verified; 0 keeps every partition. `intervalMs` 0: the job runs only when called.
 */
export interface S3StoreConfig {
  kind: 's3'
  bucket: string
  prefix: string
  region: string
  /** An S3-compatible server (MinIO, Ceph…); unset: AWS S3. */
  endpoint?: string
  forcePathStyle: boolean
  /** Unset: the SDK's default chain (instance role, AWS_* variables). */
  credentials?: { accessKeyId: string, secretAccessKey: string }
}

export interface ColdStorageConfig {
  store: { kind: 'none' } | { kind: 'dir', path: string } | S3StoreConfig
  formats: ('parquet' | 'csv')[]
  retentionDays: number
  intervalMs: number
}

/** Where sealed audit roots are anchored, and how often chains are sealed (0: only on request). */
export interface AuditConfig {
  anchor: { kind: 'none' } | { kind: 'file', path: string } | { kind: 'http', url: string, timeoutMs: number, attempts: number }
  sealIntervalMs: number
}

/** Webhook and user notifications of alarms (README "Notifications"). */
export interface NotificationConfig {
  retry: RetryPolicy
  /** Per attempt: connect, send and response headers. */
  timeoutMs: number
  /** How often each instance looks for due deliveries queued by others (its own it wakes for). */
  pollMs: number
  /** Deliveries one instance sends at once. */
  concurrency: number
  /** How often each instance sweeps unacknowledged alarms for escalation. */
  escalationSweepMs: number
  /** Where webhooks may go (SSRF guard). */
  destination: DestinationPolicy
}

/** Exponential backoff: attempt n waits min(maxMs, baseMs × 2^(n-1)), less up to `jitter` of it at random. */
export interface RetryPolicy {
  baseMs: number
  maxMs: number
  /** 0..1: the random share taken off each delay, so failed receivers are not hit in lockstep. */
  jitter: number
  maxAttempts: number
}

/** Reads the platform's configuration from environment variables; throws naming every bad variable. */
export function loadConfig(raw: Record<string, string | undefined> = process.env): PlatformConfig {
  // An empty variable means unset: compose files and .env templates pass `VAR=` for options left out.
  const env = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''))
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const fields = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${fields}`)
  }
  const e = parsed.data
  const offlineMs = e.GATEWAY_OFFLINE_AFTER_S * 1000
  return {
    dataDir: e.DATA_DIR,
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
    alarms: { backlogLimit: e.ALARM_BACKLOG_LIMIT, learnIntervalMs: e.ALARM_LEARN_INTERVAL_S * 1000, qualityMinDurationMs: e.ALARM_QUALITY_MIN_DURATION_S * 1000 },
    retention: { alarmDays: e.ALARM_RETENTION_DAYS, notificationDays: e.NOTIFY_RETENTION_DAYS, intervalMs: e.RETENTION_INTERVAL_S * 1000 },
    ingest: {
      defaultMode: e.PERSIST_DEFAULT_MODE,
      batchSize: e.INGEST_BATCH_SIZE,
      batchMaxMs: e.INGEST_BATCH_MAX_MS,
      maxPayloadBytes: e.INGEST_MAX_PAYLOAD_BYTES,
      maxFutureSkewMs: e.INGEST_MAX_FUTURE_SKEW_S * 1000,
      gatewayQuota: e.INGEST_GATEWAY_RATE_PER_S > 0 ? { ratePerS: e.INGEST_GATEWAY_RATE_PER_S, burst: e.INGEST_GATEWAY_BURST } : undefined
    },
    simulator: {
      // On by default only for the zero-config start; against a real broker it must be asked for.
      enabled: env.SIMULATOR !== undefined ? e.SIMULATOR : !e.MQTT_URL,
      gateways: e.SIMULATOR_GATEWAYS,
      machines: e.SIMULATOR_MACHINES,
      metrics: e.SIMULATOR_METRICS,
      rate: e.SIMULATOR_RATE,
      certsDir: e.SIMULATOR_CERTS_DIR
    },
    demoData: e.DEMO_DATA,
    auth: authConfig(e),
    http: { corsOrigins: e.CORS_ORIGINS, writesPerMinute: e.RATE_LIMIT_WRITES_PER_MIN, authFailuresPerMinute: e.RATE_LIMIT_AUTH_FAILURES_PER_MIN },
    audit: auditConfig(e),
    notifications: {
      retry: { baseMs: e.NOTIFY_RETRY_BASE_MS, maxMs: e.NOTIFY_RETRY_MAX_MS, jitter: e.NOTIFY_RETRY_JITTER, maxAttempts: e.NOTIFY_MAX_ATTEMPTS },
      timeoutMs: e.NOTIFY_TIMEOUT_MS,
      pollMs: e.NOTIFY_POLL_MS,
      concurrency: e.NOTIFY_CONCURRENCY,
      escalationSweepMs: e.ESCALATION_SWEEP_MS,
      destination: { allowedHosts: e.WEBHOOK_ALLOWED_HOSTS, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE }
    },
    cold: coldConfig(e),
    logLevel: e.LOG_LEVEL
  }
}

function coldConfig(e: Env): ColdStorageConfig {
  const common = { formats: e.COLD_STORAGE_FORMATS, retentionDays: e.TELEMETRY_RETENTION_DAYS, intervalMs: e.COLD_STORAGE_INTERVAL_S * 1000 }
  if (e.COLD_STORAGE === 'dir') return { ...common, store: { kind: 'dir', path: e.COLD_STORAGE_DIR ?? `${e.DATA_DIR}/cold` } }
  if (e.COLD_STORAGE === 's3') {
    if (!e.S3_BUCKET) throw new Error('Invalid configuration: S3_BUCKET is required with COLD_STORAGE=s3')
    if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
      throw new Error('Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (neither: the SDK\'s default credential chain)')
    }
    const credentials = e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! } : undefined
    return { ...common, store: { kind: 's3', bucket: e.S3_BUCKET, prefix: e.S3_PREFIX, region: e.S3_REGION, endpoint: e.S3_ENDPOINT, forcePathStyle: e.S3_FORCE_PATH_STYLE, credentials } }
  }
  if (e.TELEMETRY_RETENTION_DAYS > 0) {
    // Dropping raw days with nowhere to archive them would lose them: refuse rather than guess.
    throw new Error('Invalid configuration: TELEMETRY_RETENTION_DAYS needs COLD_STORAGE=dir or s3 (days are dropped only after a verified export)')
  }
  return { ...common, store: { kind: 'none' } }
}

function auditConfig(e: Env): AuditConfig {
  const sealIntervalMs = e.AUDIT_SEAL_INTERVAL_S * 1000
  if (e.AUDIT_ANCHOR === 'file') return { anchor: { kind: 'file', path: e.AUDIT_ANCHOR_FILE ?? `${e.DATA_DIR}/audit-anchors.jsonl` }, sealIntervalMs }
  if (e.AUDIT_ANCHOR === 'http') {
    if (!e.AUDIT_ANCHOR_URL) throw new Error('Invalid configuration: AUDIT_ANCHOR_URL is required with AUDIT_ANCHOR=http')
    return { anchor: { kind: 'http', url: e.AUDIT_ANCHOR_URL, timeoutMs: e.AUDIT_ANCHOR_TIMEOUT_MS, attempts: e.AUDIT_ANCHOR_ATTEMPTS }, sealIntervalMs }
  }
  return { anchor: { kind: 'none' }, sealIntervalMs }
}

// The emulator accepts forged tokens (STACK-NOTES 15), so production must name a real project and
// must not have the emulator variable set, which firebase-admin would obey silently.
function authConfig(e: Env): AuthConfig {
  const common = { apiKey: e.FIREBASE_API_KEY ?? 'demo-api-key', authDomain: e.FIREBASE_AUTH_DOMAIN, verifyTimeoutMs: e.AUTH_VERIFY_TIMEOUT_MS, adminEmails: e.ADMIN_EMAILS }
  if (e.NODE_ENV === 'production') {
    if (e.FIREBASE_AUTH_EMULATOR_HOST) {
      throw new Error('Invalid configuration: FIREBASE_AUTH_EMULATOR_HOST is set with NODE_ENV=production; the Auth emulator accepts unsigned tokens and is refused in production')
    }
    if (!e.FIREBASE_PROJECT_ID) {
      throw new Error('Invalid configuration: FIREBASE_PROJECT_ID is required with NODE_ENV=production (the Auth emulator is refused in production)')
    }
  }
  if (e.FIREBASE_AUTH_EMULATOR_HOST) {
    return { ...common, mode: 'emulator', projectId: e.FIREBASE_PROJECT_ID ?? EMULATOR_PROJECT_ID, host: e.FIREBASE_AUTH_EMULATOR_HOST, port: e.AUTH_EMULATOR_PORT }
  }
  if (e.FIREBASE_PROJECT_ID) return { ...common, mode: 'firebase', projectId: e.FIREBASE_PROJECT_ID }
  return { ...common, mode: 'emulator', projectId: EMULATOR_PROJECT_ID, port: e.AUTH_EMULATOR_PORT }
}
