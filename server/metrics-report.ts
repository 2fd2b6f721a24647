import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { Platform } from './platform'
import type { RealtimeStats } from './realtime/hub'

/** The JSON of seed 000's /metrics, plus what operators need to see the ingest at work. */
export async function metricsReport(p: Platform, live: RealtimeStats) {
  const now = Date.now()
  const s = p.stats
  const rates = s.rates(now)
  const lag = s.lagPercentiles()
  const offline = await p.db.sql.query<{ n: number }>(`select count(*)::int as n from gateways where status = 'offline'`)
    .then(r => r[0]?.n ?? null, () => null)
  return {
    mqttMessagesReceived: s.received,
    mqttMessagesProcessed: s.processed,
    mqttMessagesFailed: s.failed,
    wsConnections: live.connections,
    uptime: now - p.startedAt,
    lastMessage: s.lastMessageAt,
    mqttConnected: p.subscriber.isConnected(),
    // Shared groups: dead members' sessions being drained here, drained, and the messages they held.
    mqttSessions: { adopting: p.group?.adopting().length ?? 0, ...(p.group?.counters() ?? { drained: 0, messages: 0 }) },
    messagesPerSecond: Math.round(rates.total * 10) / 10,
    messagesPerSecondByTenant: Object.fromEntries(Object.entries(rates.perTenant).map(([t, r]) => [t, Math.round(r * 10) / 10])),
    valuesStored: s.valuesStored,
    ingestPending: p.ingestor.pending,
    ingestLagMs: lag,
    batches: s.batches,
    lastBatchSize: s.lastBatchSize,
    averageBatchSize: s.batchSizes.length ? Math.round(s.batchSizes.reduce((a, b) => a + b, 0) / s.batchSizes.length) : 0,
    batchRetries: s.retries,
    rateLimited: s.rateLimited,
    deadLetters: Object.fromEntries(s.deadLetters),
    gatewaysOffline: offline,
    liveStream: live,
    alarms: { ...p.alarms.counters, queued: p.alarms.backlog }
  }
}

export type MetricsReport = Awaited<ReturnType<typeof metricsReport>>

type Metric = { help: string, type: 'counter' | 'gauge', value: (m: MetricsReport) => number | null, labelled?: (m: MetricsReport) => Record<string, number>, label?: string }

const METRICS: Record<string, Metric> = {
  mqtt_messages_received_total: { help: 'MQTT messages received by the ingest', type: 'counter', value: m => m.mqttMessagesReceived },
  mqtt_messages_processed_total: { help: 'MQTT messages stored (committed)', type: 'counter', value: m => m.mqttMessagesProcessed },
  mqtt_messages_failed_total: { help: 'MQTT messages dead-lettered', type: 'counter', value: m => m.mqttMessagesFailed },
  mqtt_connected: { help: '1 when the ingest is connected to the broker', type: 'gauge', value: m => (m.mqttConnected ? 1 : 0) },
  mqtt_sessions_adopting: { help: 'Dead group members\' broker sessions this instance is draining', type: 'gauge', value: m => m.mqttSessions.adopting },
  mqtt_sessions_adopted_total: { help: 'Dead group members\' broker sessions drained and deleted', type: 'counter', value: m => m.mqttSessions.drained },
  mqtt_adopted_messages_total: { help: 'Messages ingested from adopted sessions', type: 'counter', value: m => m.mqttSessions.messages },
  ingest_messages_per_second: { help: 'Messages stored per second over the last 10 s', type: 'gauge', value: m => m.messagesPerSecond },
  ingest_values_stored_total: { help: 'Values written (all persistence modes)', type: 'counter', value: m => m.valuesStored },
  ingest_pending_messages: { help: 'Messages received and not yet durable', type: 'gauge', value: m => m.ingestPending },
  ingest_lag_p50_ms: { help: 'Median publish-to-commit delay of live messages', type: 'gauge', value: m => m.ingestLagMs.p50 },
  ingest_lag_p99_ms: { help: '99th percentile publish-to-commit delay of live messages', type: 'gauge', value: m => m.ingestLagMs.p99 },
  ingest_batches_total: { help: 'Database batches committed', type: 'counter', value: m => m.batches },
  ingest_batch_size_avg: { help: 'Average messages per batch over the last 1024 batches', type: 'gauge', value: m => m.averageBatchSize },
  ingest_batch_retries_total: { help: 'Batch writes retried after a transient failure', type: 'counter', value: m => m.batchRetries },
  ingest_rate_limited_total: { help: 'Messages dead-lettered because their gateway (or machine) was over its quota', type: 'counter', value: m => m.rateLimited },
  gateways_offline: { help: 'Gateways currently offline', type: 'gauge', value: m => m.gatewaysOffline },
  ws_connections: { help: 'Open live-stream connections (WebSocket and SSE)', type: 'gauge', value: m => m.wsConnections },
  alarm_evaluated_total: { help: 'Committed samples and gateway observations the alarm engine evaluated', type: 'counter', value: m => m.alarms.evaluated },
  alarm_raised_total: { help: 'Alarms the engine raised', type: 'counter', value: m => m.alarms.raised },
  alarm_cleared_total: { help: 'Alarms the engine cleared', type: 'counter', value: m => m.alarms.cleared },
  alarm_queue: { help: 'Committed batches waiting for alarm evaluation', type: 'gauge', value: m => m.alarms.queued },
  live_coalesced_values_total: { help: 'Telemetry values replaced by newer ones for congested live clients', type: 'counter', value: m => m.liveStream.coalesced },
  live_dropped_total: { help: 'Live values/events never delivered (client closed or disconnected)', type: 'counter', value: m => m.liveStream.dropped },
  live_disconnected_slow_total: { help: 'Live clients disconnected for reading too slowly', type: 'counter', value: m => m.liveStream.disconnectedSlow },
  ingest_tenant_messages_per_second: { help: 'Messages stored per second per tenant', type: 'gauge', value: () => null, labelled: m => m.messagesPerSecondByTenant, label: 'tenant' },
  dead_letters_total: { help: 'Messages dead-lettered, by reason', type: 'counter', value: () => null, labelled: m => m.deadLetters, label: 'reason' }
}

/**
 * A Prometheus registry whose metrics read the latest report when scraped, plus the default
 * process metrics (CPU, RSS, event-loop lag) of prom-client.
 */
export function createPrometheusRegistry(latest: () => MetricsReport | undefined): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const [name, def] of Object.entries(METRICS)) {
    const labelNames = def.label ? [def.label] : []
    const collect = function (this: Gauge | Counter) {
      const m = latest()
      if (!m) return
      this.reset()
      const add = (v: number, labels?: Record<string, string>) => {
        if (this instanceof Counter) {
          if (labels) this.inc(labels, v)
          else this.inc(v)
        } else if (labels) {
          this.set(labels, v)
        } else {
          this.set(v)
        }
      }
      if (def.labelled) for (const [k, v] of Object.entries(def.labelled(m))) add(v, { [def.label!]: k })
      else {
        const v = def.value(m)
        if (v !== null) add(v)
      }
    }
    if (def.type === 'counter') new Counter({ name, help: def.help, labelNames, registers: [registry], collect })
    else new Gauge({ name, help: def.help, labelNames, registers: [registry], collect })
  }
  return registry
}
