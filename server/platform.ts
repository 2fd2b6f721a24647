import type { Logger } from 'pino'
import type { PlatformConfig } from './config/env'
import { openDatabase, type Database } from './db/client'
import { ensureTelemetryPartitions } from './db/partitions'
import { seedDemoData } from './db/demo-data'
import type { Bus } from './bus/bus'
import { createMemoryBus } from './bus/memory-bus'
import { createRedisBus } from './bus/redis-bus'
import { controlChannel, plantChannel, tenantPattern } from './bus/events'
import { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/embedded-broker'
import { redactUrl, startSubscriber, type Subscriber } from './mqtt/subscriber'
import { joinGroup, type GroupMember } from './mqtt/group-member'
import { Ingestor } from './ingest/ingestor'
import { RefResolver } from './ingest/refs'
import { PersistRuleCache } from './ingest/persist-rules'
import { IngestStats } from './ingest/stats'
import { SourceQuota } from './ingest/quota'
import { replayDeadLetters, type ReplayResult } from './ingest/replay'
import { markStaleGatewaysOffline } from './liveness/watchdog'
import { startSimulator, type Simulator } from './simulator/simulator'
import { startAuth, type AuthService } from './auth/service'
import { seedDemoUsers } from './auth/demo-users'
import { AlarmEngine } from './alarms/engine'
import { AlarmRuleCache } from './alarms/rules'
import { learnAll } from './alarms/learning'
import { createNotary } from './audit/notaries'
import type { Notary } from './audit/notary'
import { startSealTimer } from './audit/seal-timer'
import { Notifications } from './notifications/service'
import { createColdStore, type ColdStore } from './cold/store'
import { runColdStorage, startColdStorageJob, type ColdRunResult } from './cold/job'
import { pruneExpired, type RetentionPolicy } from './retention/prune'

export interface Platform {
  config: PlatformConfig
  logger: Logger
  db: Database
  bus: Bus
  auth: AuthService
  broker?: EmbeddedBroker
  /** The broker the ingest is connected to. */
  mqttUrl: string
  subscriber: Subscriber
  /** With MQTT_SHARED_GROUP on an external broker: this instance's presence, and the dead members' sessions it drains. */
  group?: GroupMember
  ingestor: Ingestor
  refs: RefResolver
  rules: PersistRuleCache
  alarms: AlarmEngine
  alarmRules: AlarmRuleCache
  /** Webhooks, escalation and user notifications of alarm transitions. */
  notifications: Notifications
  stats: IngestStats
  simulator?: Simulator
  /** Where sealed audit roots are anchored (AUDIT_ANCHOR); undefined: nowhere but the database. */
  notary?: Notary
  /** Where closed days are archived (COLD_STORAGE); undefined: nowhere, and nothing is dropped. */
  coldStore?: ColdStore
  /** One cold-storage run now (export closed days, drop verified ones past the retention). */
  runColdStorage(now?: number): Promise<ColdRunResult | undefined>
  startedAt: number
  /** Call after changing a tenant's persistence rules: every instance reloads them. */
  persistRulesChanged(tenantId: string): void
  /** Call after changing a tenant's alarm rules: every instance reloads them. */
  alarmRulesChanged(tenantId: string): void
  /** Call after creating, renaming or deleting tenants or plants: every instance re-resolves topics. */
  refsChanged(): void
  /** Call after changing a user's role, plants or tenant (no uid: several users): every instance reloads them. */
  usersChanged(uid?: string): void
  /** Feeds dead letters back through the ingest (after fixing what made them fail); `actor` is audited. */
  replayDeadLetters(ids: number[], actor: string): Promise<ReplayResult>
  /** Drains the batch in flight, then closes every connection. */
  stop(): Promise<void>
}

const PARTITION_CHECK_MS = 3600_000
// Stale-data alarms are raised within this long of the moment a series went quiet.
const STALE_SWEEP_MS = 5000

/**
 * Starts every part of the platform from its configuration: the database (migrated), the bus, the
 * broker connection and ingest, the liveness watchdog and, in the zero-config start, the embedded
 * broker, demo data and simulator. Framework-free: the Nitro plugin only calls this.
 */
export async function startPlatform(config: PlatformConfig, logger: Logger, migrationsFolder: string): Promise<Platform> {
  const startedAt = Date.now()
  const db = await openDatabase(config.database)
  const stops: (() => Promise<unknown> | unknown)[] = [() => db.close()]
  try {
    // The Auth emulator takes seconds to start: let it come up while the database migrates.
    const starting = startAuth(config.auth, db.sql, config.dataDir, logger)
    starting.catch(() => {})
    stops.unshift(() => starting.then(a => a.stop(), () => {}))
    await db.migrate(migrationsFolder)
    await ensureTelemetryPartitions(db.sql)
    logPart(logger, 'database', db.kind === 'postgres', db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite', db.location)
    const auth = await starting
    logPart(logger, 'auth', !auth.embedded, auth.mode === 'firebase' ? 'Firebase project' : 'Firebase Auth emulator', auth.emulatorUrl ?? auth.projectId, { project: auth.projectId })
    if (config.demoData) {
      await seedDemoData(db.sql)
      if (auth.mode === 'emulator') await seedDemoUsers(auth.firebase.auth, db.sql)
    }

    const bus = config.redis ? createRedisBus(config.redis.url, logger) : createMemoryBus()
    stops.unshift(() => bus.close())
    logPart(logger, 'bus', bus.kind === 'redis', bus.kind === 'redis' ? 'Redis' : 'in-process bus', bus.location)

    let broker: EmbeddedBroker | undefined
    if (!config.mqtt.external) {
      broker = await startEmbeddedBroker(config.mqtt.embedded.host, config.mqtt.embedded.port, logger)
      stops.unshift(() => broker!.close())
    }
    const mqttUrl = config.mqtt.external?.url ?? broker!.url
    logPart(logger, 'mqtt', !broker, 'MQTT broker', redactUrl(mqttUrl), { shared: config.mqtt.sharedGroup ?? null })

    const stats = new IngestStats()
    const refs = new RefResolver(db.sql, ({ kind, ref, name }) => logger.info(
      { tenant: ref.tenant, plant: ref.plant, [kind === 'plc' ? 'machine' : 'gateway']: name, status: 'pending' },
      `new ${kind === 'plc' ? 'machine' : 'gateway'} registered as pending`))
    const rules = new PersistRuleCache(db.sql)
    const alarmRules = new AlarmRuleCache(db.sql)
    const notifications = new Notifications({ sql: db.sql, logger, config: config.notifications })
    stops.unshift(() => notifications.stop())
    const alarms = new AlarmEngine({
      sql: db.sql, rules: alarmRules, logger, busPrefix: config.busPrefix, backlogLimit: config.alarms.backlogLimit, qualityMinDurationMs: config.alarms.qualityMinDurationMs,
      // Every transition this instance makes passes here (engine and API alike); its notifications were
      // queued in its own transaction, and this wakes the sender.
      publish: (channel, event) => {
        bus.publish(channel, event)
        if (event.type === 'alarm') notifications.transition(event)
      }
    })
    await alarms.start()
    const unheard = bus.subscribe(tenantPattern(config.busPrefix, '*'), (_channel, event) => {
      if (event.type === 'alarm') alarms.heard(event)
    })
    stops.unshift(unheard)
    const ingestor = new Ingestor({
      sql: db.sql, refs, rules, stats, logger,
      decode: { maxPayloadBytes: config.ingest.maxPayloadBytes, maxFutureSkewMs: config.ingest.maxFutureSkewMs },
      defaultMode: config.ingest.defaultMode,
      batchSize: config.ingest.batchSize,
      batchMaxMs: config.ingest.batchMaxMs,
      concurrency: db.writeConcurrency,
      busPrefix: config.busPrefix,
      publish: (channel, event) => bus.publish(channel, event),
      committed: batch => alarms.committed(batch),
      quota: config.ingest.gatewayQuota && new SourceQuota(config.ingest.gatewayQuota.ratePerS, config.ingest.gatewayQuota.burst)
    })
    const control = controlChannel(config.busPrefix)
    bus.subscribe(control, (_channel, event) => {
      if (event.type === 'persist_rules_changed') rules.invalidate(event.tenantId)
      if (event.type === 'alarm_rules_changed') alarmRules.invalidate(event.tenantId)
      if (event.type === 'users_changed') auth.users.invalidate(event.uid)
      if (event.type === 'refs_changed') refs.invalidate()
    })
    // Presence first: an instance coming back says so before its ingest session takes its broker
    // session back from whoever was draining it.
    const group = config.mqtt.sharedGroup && config.mqtt.external
      ? await joinGroup({ connection: config.mqtt.external, group: config.mqtt.sharedGroup, clientId: config.mqtt.clientId, maxInflight: config.mqtt.maxInflight, logger, onMessage: msg => ingestor.push(msg) })
      : undefined
    if (group) stops.unshift(() => group.leave())
    const subscriber = await startSubscriber({
      url: mqttUrl,
      clientId: config.mqtt.clientId,
      // The embedded broker (aedes) speaks MQTT 3.1.1 only.
      protocolVersion: broker ? 4 : 5,
      ...config.mqtt.external,
      sharedGroup: config.mqtt.sharedGroup,
      maxInflight: config.mqtt.maxInflight,
      logger,
      onMessage: msg => ingestor.push(msg)
    })
    stops.unshift(() => subscriber.close())

    // `stops` undoes a failed start; platform.stop() below stops everything in its own order.
    const watchdog = startWatchdog(db, bus, alarms, config, logger)
    const staleSweep = setInterval(() => {
      alarms.sweepStale().catch(err => logger.warn({ err: (err as Error).message }, 'stale-data sweep failed'))
    }, STALE_SWEEP_MS)
    staleSweep.unref()
    stops.unshift(() => clearInterval(staleSweep))
    const learning = setInterval(() => relearn(db, logger, tenantId => platform.alarmRulesChanged(tenantId)), config.alarms.learnIntervalMs)
    learning.unref()
    stops.unshift(() => clearInterval(learning))
    const retention = setInterval(() => prune(db, config.retention, logger), config.retention.intervalMs)
    retention.unref()
    stops.unshift(() => clearInterval(retention))
    const partitions = setInterval(() => ensureTelemetryPartitions(db.sql).catch(err => logger.warn({ err: err.message }, 'partition maintenance failed')), PARTITION_CHECK_MS)
    partitions.unref()
    const notary = createNotary(config.audit.anchor)
    const stopSealing = startSealTimer(db.sql, notary, config.audit.sealIntervalMs, logger)
    stops.unshift(() => clearInterval(watchdog), () => clearInterval(partitions), stopSealing)
    notifications.start()
    const coldStore = createColdStore(config.cold.store)
    const coldDeps = coldStore && { sql: db.sql, store: coldStore, formats: config.cold.formats, retentionDays: config.cold.retentionDays, logger }
    const stopCold = coldDeps ? startColdStorageJob(coldDeps, config.cold.intervalMs) : () => {}
    stops.unshift(stopCold, () => coldStore?.close())
    if (coldStore) logPart(logger, 'cold-storage', coldStore.kind === 's3', coldStore.kind === 's3' ? 'S3 bucket' : 'folder', coldStore.location, { retentionDays: config.cold.retentionDays })

    let simulator: Simulator | undefined
    if (config.simulator.enabled) {
      simulator = await startSimulator({ url: mqttUrl, protocolVersion: broker ? 4 : 5, tenant: 'granix', province: 'ba', plant: 'planta-1', ...config.simulator, restartChance: 0.005, logger })
      logger.info({ part: 'simulator', gateways: config.simulator.gateways, machines: config.simulator.machines, rate: config.simulator.rate }, 'simulator: feeding demo plant granix/ba/planta-1')
    }

    const platform: Platform = {
      config, logger, db, bus, auth, broker, mqttUrl, subscriber, group, ingestor, refs, rules, alarms, alarmRules, notifications, stats, simulator, notary, coldStore, startedAt,
      runColdStorage: async now => (coldDeps ? runColdStorage(coldDeps, now) : undefined),
      persistRulesChanged(tenantId) {
        rules.invalidate(tenantId)
        bus.publish(control, { type: 'persist_rules_changed', tenantId })
      },
      alarmRulesChanged(tenantId) {
        alarmRules.invalidate(tenantId)
        bus.publish(control, { type: 'alarm_rules_changed', tenantId })
      },
      refsChanged() {
        refs.invalidate()
        bus.publish(control, { type: 'refs_changed' })
      },
      usersChanged(uid) {
        auth.users.invalidate(uid)
        bus.publish(control, { type: 'users_changed', uid })
      },
      replayDeadLetters(ids, actor) {
        // A replay usually follows creating the tenant or plant the messages named.
        refs.invalidate()
        return replayDeadLetters(db.sql, ingestor, ids, actor)
      },
      async stop() {
        await simulator?.stop()
        clearInterval(watchdog)
        clearInterval(partitions)
        clearInterval(learning)
        clearInterval(retention)
        clearInterval(staleSweep)
        stopSealing()
        stopCold()
        // Let the batch in flight commit and be acknowledged before the MQTT connection closes;
        // whatever is still unacknowledged after that is redelivered by the broker.
        const pendingAtStop = ingestor.pending
        await Promise.race([ingestor.drain(), new Promise(resolve => setTimeout(resolve, 10_000))])
        logger.info({ drained: pendingAtStop, left: ingestor.pending }, 'ingest drained for shutdown')
        ingestor.close()
        alarms.stop()
        await Promise.race([alarms.idle(), new Promise(resolve => setTimeout(resolve, 5_000))])
        // Deliveries still pending stay queued in the database; the next start sends them.
        await notifications.stop()
        unheard()
        await subscriber.close()
        // After the ingest connection closed: a peer taking the session over now finds it idle.
        await group?.leave()
        await broker?.close()
        await bus.close()
        await auth.stop()
        coldStore?.close()
        await db.close()
      }
    }
    return platform
  } catch (err) {
    for (const stop of stops) await Promise.resolve(stop()).catch(() => {})
    throw err
  }
}

/** Re-learns the bounds of learnt alarm rules (on one instance at a time), then reloads them everywhere. */
async function relearn(db: Database, logger: Logger, changed: (tenantId: string) => void): Promise<void> {
  try {
    const tenants = await learnAll(db.sql)
    for (const tenantId of tenants ?? []) changed(tenantId)
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'learning alarm bounds failed')
  }
}

async function prune(db: Database, policy: RetentionPolicy, logger: Logger): Promise<void> {
  try {
    const pruned = await pruneExpired(db.sql, policy)
    if (pruned && pruned.alarms + pruned.deliveries + pruned.outbox) logger.info(pruned, 'pruned records past their retention')
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'retention pruning failed')
  }
}

/** The start-up line of one part: embedded or external, and where. */
function logPart(logger: Logger, part: string, external: boolean, what: string, location: string, extra: Record<string, unknown> = {}): void {
  const mode = external ? 'external' : 'embedded'
  logger.info({ part, mode, location, ...extra }, `${part}: ${mode} ${what} at ${location}`)
}

function startWatchdog(db: Database, bus: Bus, alarms: AlarmEngine, config: PlatformConfig, logger: Logger): NodeJS.Timeout {
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      const offline = await markStaleGatewaysOffline(db.sql, Date.now(), config.gatewayOfflineAfterMs)
      alarms.gatewayChanged(offline.map(t => ({
        plant: { tenantId: t.tenantId, plantId: t.plantId, tenant: t.tenant, plant: t.site },
        gatewayRowId: t.gatewayRowId, gatewayId: t.gatewayId, at: t.at, status: 'offline' as const, reason: 'heartbeat_timeout'
      })))
      for (const t of offline) {
        logger.info({ tenant: t.tenant, plant: t.site, gateway: t.gatewayId, status: 'offline', reason: 'heartbeat_timeout' }, 'gateway status changed')
        bus.publish(plantChannel(config.busPrefix, t.tenant, t.site), { type: 'gateway_status', tenant: t.tenant, site: t.site, gatewayId: t.gatewayId, status: 'offline', reason: 'heartbeat_timeout', at: t.at })
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'liveness watchdog failed')
    } finally {
      running = false
    }
  }, config.watchdogIntervalMs)
  timer.unref()
  return timer
}
