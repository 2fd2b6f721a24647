import { sql } from 'drizzle-orm'
import {
  bigint, bigserial, boolean, customType, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey,
  text, timestamp, unique, uniqueIndex, uuid
} from 'drizzle-orm/pg-core'

/** Raw MQTT payload bytes, kept exactly as received (they may not be UTF-8). */
const bytea = customType<{ data: Uint8Array, driverData: Uint8Array }>({ dataType: () => 'bytea' })

const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`)
const tenantId = () => uuid('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' })
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const at = (name: string) => timestamp(name, { withTimezone: true })

export const tenants = pgTable('tenants', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt()
})

/** A plant; its slug is the `site` of the REST API. */
export const plants = pgTable('plants', {
  id: id(),
  tenantId: tenantId(),
  province: text('province').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  createdAt: createdAt()
}, t => [unique('plants_tenant_slug').on(t.tenantId, t.slug)])

export const gateways = pgTable('gateways', {
  id: id(),
  tenantId: tenantId(),
  plantId: uuid('plant_id').notNull().references(() => plants.id, { onDelete: 'cascade' }),
  thingName: text('thing_name').notNull(),
  name: text('name'),
  /** pending until an admin approves (claims) it. */
  approval: text('approval', { enum: ['pending', 'active', 'rejected'] }).notNull().default('pending'),
  status: text('status', { enum: ['unknown', 'online', 'offline'] }).notNull().default('unknown'),
  statusReason: text('status_reason'),
  statusChangedAt: at('status_changed_at'),
  /** Receive time of the last message of any kind from this gateway. */
  lastSeenAt: at('last_seen_at'),
  /** Receive time of the last heartbeat: what the liveness watchdog looks at. */
  lastHeartbeatAt: at('last_heartbeat_at'),
  /** Payload timestamp of the newest status message, so an older Last Will cannot win over a newer heartbeat. */
  lastStatusTs: at('last_status_ts'),
  health: jsonb('health').$type<Record<string, unknown>>(),
  createdAt: createdAt()
}, t => [
  unique('gateways_tenant_thing').on(t.tenantId, t.thingName),
  index('gateways_plant').on(t.plantId),
  index('gateways_online_heartbeat').on(t.lastHeartbeatAt).where(sql`status = 'online'`)
])

export const gatewayStatusHistory = pgTable('gateway_status_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  gatewayId: uuid('gateway_id').notNull().references(() => gateways.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ['online', 'offline'] }).notNull(),
  reason: text('reason'),
  at: at('at').notNull().defaultNow()
}, t => [index('gateway_status_history_gateway_at').on(t.gatewayId, t.at)])

/** A PLC / machine. `plc_id` is the id the field uses (topic or payload). */
export const plcs = pgTable('plcs', {
  id: id(),
  tenantId: tenantId(),
  plantId: uuid('plant_id').notNull().references(() => plants.id, { onDelete: 'cascade' }),
  gatewayId: uuid('gateway_id').references(() => gateways.id, { onDelete: 'set null' }),
  plcId: text('plc_id').notNull(),
  name: text('name'),
  /** What kind of machine it is (e.g. `press`): alarm rules may apply to every machine of a type. */
  machineType: text('machine_type'),
  status: text('status', { enum: ['pending', 'active', 'rejected'] }).notNull().default('pending'),
  createdAt: createdAt()
}, t => [unique('plcs_plant_plc').on(t.plantId, t.plcId), index('plcs_tenant').on(t.tenantId)])

/**
 * One row per stored value. Range-partitioned by `ts` in the migration (drizzle-kit cannot declare
 * partitioning); the primary key is the idempotency key and also serves history queries.
 */
export const telemetryEvents = pgTable('telemetry_events', {
  tenantId: uuid('tenant_id').notNull(),
  /** The PLC, and through it the plant. */
  plcId: uuid('plc_id').notNull(),
  metric: text('metric').notNull(),
  ts: at('ts').notNull(),
  valueNum: doublePrecision('value_num'),
  valueBool: boolean('value_bool'),
  valueText: text('value_text'),
  quality: text('quality'),
  unit: text('unit'),
  seq: bigint('seq', { mode: 'number' }),
  /** What the idempotency key adds to (plc, metric, ts): `s{seq}` for shape B, `g:{gateway}` for A. */
  key: text('key').notNull(),
  receivedAt: at('received_at').notNull().defaultNow()
}, t => [primaryKey({ name: 'telemetry_events_pk', columns: [t.plcId, t.metric, t.ts, t.key] })])

/** Latest value per (PLC, metric), last-write-wins by timestamp. */
export const plcState = pgTable('plc_state', {
  tenantId: uuid('tenant_id').notNull(),
  plcId: uuid('plc_id').notNull().references(() => plcs.id, { onDelete: 'cascade' }),
  metric: text('metric').notNull(),
  valueNum: doublePrecision('value_num'),
  valueBool: boolean('value_bool'),
  valueText: text('value_text'),
  quality: text('quality'),
  unit: text('unit'),
  ts: at('ts').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow()
}, t => [primaryKey({ name: 'plc_state_pk', columns: [t.plcId, t.metric] })])

/** Hourly aggregates, maintained on ingest. Numeric and boolean (0/1) values feed sum/min/max. */
export const telemetryHourly = pgTable('telemetry_hourly', {
  tenantId: uuid('tenant_id').notNull(),
  plcId: uuid('plc_id').notNull(),
  metric: text('metric').notNull(),
  hour: at('hour').notNull(),
  count: bigint('count', { mode: 'number' }).notNull(),
  sum: doublePrecision('sum'),
  min: doublePrecision('min'),
  max: doublePrecision('max'),
  firstTs: at('first_ts').notNull(),
  first: doublePrecision('first'),
  lastTs: at('last_ts').notNull(),
  last: doublePrecision('last')
}, t => [primaryKey({ name: 'telemetry_hourly_pk', columns: [t.plcId, t.metric, t.hour] })])

/**
 * Per-minute aggregates of the values kept raw, maintained on ingest: chart buckets up to 15 minutes
 * read these instead of aggregating up to 86,400 raw rows per day and metric.
 */
export const telemetryMinutely = pgTable('telemetry_minutely', {
  tenantId: uuid('tenant_id').notNull(),
  plcId: uuid('plc_id').notNull(),
  metric: text('metric').notNull(),
  minute: at('minute').notNull(),
  count: bigint('count', { mode: 'number' }).notNull(),
  sum: doublePrecision('sum'),
  min: doublePrecision('min'),
  max: doublePrecision('max')
}, t => [primaryKey({ name: 'telemetry_minutely_pk', columns: [t.plcId, t.metric, t.minute] })])

/** Keys of values kept only as hourly aggregates, so a redelivery is not counted twice. */
export const hourlyKeys = pgTable('hourly_keys', {
  plcId: uuid('plc_id').notNull(),
  metric: text('metric').notNull(),
  ts: at('ts').notNull(),
  key: text('key').notNull()
}, t => [primaryKey({ name: 'hourly_keys_pk', columns: [t.plcId, t.metric, t.ts, t.key] })])

export const persistRules = pgTable('persist_rules', {
  id: id(),
  tenantId: tenantId(),
  plantId: uuid('plant_id').references(() => plants.id, { onDelete: 'cascade' }),
  plcId: uuid('plc_id').references(() => plcs.id, { onDelete: 'cascade' }),
  metric: text('metric'),
  mode: text('mode', { enum: ['raw', 'hourly', 'both', 'none'] }).notNull(),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow()
}, t => [unique('persist_rules_scope').on(t.tenantId, t.plantId, t.plcId, t.metric).nullsNotDistinct()])

export const alarmRules = pgTable('alarm_rules', {
  id: id(),
  tenantId: tenantId(),
  /** Null: every plant of the tenant. */
  plantId: uuid('plant_id').references(() => plants.id, { onDelete: 'cascade' }),
  /** Null: every PLC in scope. */
  plcId: uuid('plc_id').references(() => plcs.id, { onDelete: 'cascade' }),
  /** Set: only machines of this type (static limits per machine type). */
  machineType: text('machine_type'),
  metric: text('metric').notNull(),
  name: text('name').notNull(),
  /** `threshold`: min/max as given; `learnt`: percentile bounds learnt from each PLC's history (options). */
  kind: text('kind', { enum: ['threshold', 'learnt'] }).notNull().default('threshold'),
  min: doublePrecision('min'),
  max: doublePrecision('max'),
  /** How far back inside the limit a value must come before the alarm clears (hysteresis). */
  deadband: doublePrecision('deadband').notNull().default(0),
  /** A limit is crossed only beyond max(toleranceAbs, toleranceFrac × |limit|) (seed 003). */
  toleranceAbs: doublePrecision('tolerance_abs').notNull().default(0),
  toleranceFrac: doublePrecision('tolerance_frac').notNull().default(0),
  minDurationS: integer('min_duration_s').notNull().default(0),
  /** After an alarm clears, the same rule does not raise it again on that PLC for this long. */
  cooldownS: integer('cooldown_s').notNull().default(0),
  severity: text('severity', { enum: ['critical', 'high', 'medium', 'low', 'info'] }).notNull().default('medium'),
  enabled: boolean('enabled').notNull().default(true),
  options: jsonb('options').$type<Record<string, unknown>>(),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow()
}, t => [index('alarm_rules_tenant').on(t.tenantId)])

export const alarms = pgTable('alarms', {
  id: id(),
  tenantId: tenantId(),
  plantId: uuid('plant_id').references(() => plants.id, { onDelete: 'cascade' }),
  plcId: uuid('plc_id').references(() => plcs.id, { onDelete: 'cascade' }),
  gatewayId: uuid('gateway_id').references(() => gateways.id, { onDelete: 'cascade' }),
  ruleId: uuid('rule_id').references(() => alarmRules.id, { onDelete: 'set null' }),
  metric: text('metric'),
  type: text('type').notNull(),
  message: text('message').notNull(),
  severity: text('severity', { enum: ['critical', 'high', 'medium', 'low', 'info'] }).notNull(),
  state: text('state', { enum: ['active', 'acknowledged', 'cleared'] }).notNull().default('active'),
  acknowledged: boolean('acknowledged').notNull().default(false),
  value: doublePrecision('value'),
  ts: at('ts').notNull(),
  acknowledgedAt: at('acknowledged_at'),
  acknowledgedBy: text('acknowledged_by'),
  ackComment: text('ack_comment'),
  clearedAt: at('cleared_at'),
  clearValue: doublePrecision('clear_value'),
  /** Hidden from the active lists and notifications until then; still tracked. */
  shelvedUntil: at('shelved_until'),
  shelvedBy: text('shelved_by'),
  /** What the alarm is about (source, rule, PLC or gateway, metric): at most one open alarm per key. */
  conditionKey: text('condition_key').notNull(),
  createdAt: createdAt()
}, t => [
  index('alarms_tenant_state').on(t.tenantId, t.state, t.ts),
  index('alarms_plc_ts').on(t.plcId, t.ts),
  index('alarms_tenant_ts').on(t.tenantId, t.ts, t.id),
  uniqueIndex('alarms_open_condition').on(t.conditionKey).where(sql`state <> 'cleared'`),
  // Retention (server/retention) finds the cleared alarms past their time.
  index('alarms_cleared_at').on(t.clearedAt).where(sql`state = 'cleared'`)
])

/** Bounds a `learnt` rule computed from one PLC's history (seed 003 rule 1), with the data they came from. */
export const learntBounds = pgTable('learnt_bounds', {
  tenantId: tenantId(),
  ruleId: uuid('rule_id').notNull().references(() => alarmRules.id, { onDelete: 'cascade' }),
  plcId: uuid('plc_id').notNull().references(() => plcs.id, { onDelete: 'cascade' }),
  metric: text('metric').notNull(),
  /** The percentiles as computed, and the limits after padding. */
  pLow: doublePrecision('p_low').notNull(),
  pHigh: doublePrecision('p_high').notNull(),
  low: doublePrecision('low').notNull(),
  high: doublePrecision('high').notNull(),
  points: integer('points').notNull(),
  windowFrom: at('window_from').notNull(),
  windowTo: at('window_to').notNull(),
  computedAt: at('computed_at').notNull().defaultNow()
}, t => [primaryKey({ name: 'learnt_bounds_pk', columns: [t.ruleId, t.plcId, t.metric] })])

/** A machine's operating windows per weekday, learnt from a running metric (seed 003 rule 3). */
export const machineSchedules = pgTable('machine_schedules', {
  id: id(),
  tenantId: tenantId(),
  plcId: uuid('plc_id').notNull().references(() => plcs.id, { onDelete: 'cascade' }),
  metric: text('metric').notNull(),
  /** `suggested` until an admin accepts it; only accepted schedules raise alarms. */
  status: text('status', { enum: ['suggested', 'accepted', 'rejected'] }).notNull().default('suggested'),
  /** Weekday (0 = Sunday … 6) → windows `{start: 'HH:MM', end: 'HH:MM'}` in the plant's time zone. */
  windows: jsonb('windows').$type<Record<string, { start: string, end: string }[]>>().notNull(),
  timeZone: text('time_zone').notNull().default('UTC'),
  binMinutes: integer('bin_minutes').notNull(),
  threshold: doublePrecision('threshold').notNull(),
  learntFrom: at('learnt_from').notNull(),
  learntTo: at('learnt_to').notNull(),
  computedAt: at('computed_at').notNull().defaultNow(),
  decidedAt: at('decided_at'),
  decidedBy: text('decided_by')
}, t => [unique('machine_schedules_plc_metric').on(t.plcId, t.metric)])

/** Every transition of every alarm, in order: the alarm's history. */
export const alarmEvents = pgTable('alarm_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  alarmId: uuid('alarm_id').notNull().references(() => alarms.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['raised', 'acknowledged', 'cleared', 'shelved', 'unshelved'] }).notNull(),
  at: at('at').notNull(),
  /** The user's uid, or null for the engine. */
  actor: text('actor'),
  value: doublePrecision('value'),
  comment: text('comment')
}, t => [index('alarm_events_alarm').on(t.alarmId, t.id)])

export const dashboards = pgTable('dashboards', {
  id: id(),
  tenantId: tenantId(),
  plcId: uuid('plc_id').notNull().references(() => plcs.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  iconUrl: text('icon_url'),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow()
}, t => [unique('dashboards_plc').on(t.plcId)])

export const widgets = pgTable('widgets', {
  id: id(),
  tenantId: tenantId(),
  dashboardId: uuid('dashboard_id').notNull().references(() => dashboards.id, { onDelete: 'cascade' }),
  widgetKey: text('widget_key').notNull(),
  type: text('type').notNull(),
  label: text('label').notNull(),
  metricId: text('metric_id').notNull(),
  unit: text('unit'),
  dataType: text('data_type'),
  position: integer('position').notNull().default(0),
  options: jsonb('options').$type<Record<string, unknown>>(),
  createdAt: createdAt()
}, t => [unique('widgets_dashboard_key').on(t.dashboardId, t.widgetKey)])

export const users = pgTable('users', {
  id: id(),
  firebaseUid: text('firebase_uid').unique(),
  email: text('email').notNull().unique(),
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ['admin', 'manager', 'plant_operator', 'viewer'] }).notNull(),
  /** Plant ids this user may see; empty means every plant of the tenant. */
  plantAccess: uuid('plant_access').array().notNull().default(sql`'{}'::uuid[]`),
  /** Manages tenants and may act in every tenant; `tenant_id` may then be null. */
  platformAdmin: boolean('platform_admin').notNull().default(false),
  createdAt: createdAt()
}, t => [index('users_tenant').on(t.tenantId)])

export const deadLetters = pgTable('dead_letters', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Set when the topic named a known tenant; `tenant_slug` keeps whatever the topic said. */
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  tenantSlug: text('tenant_slug'),
  topic: text('topic').notNull(),
  payload: bytea('payload').notNull(),
  reason: text('reason').notNull(),
  detail: text('detail'),
  receivedAt: at('received_at').notNull(),
  replayedAt: at('replayed_at'),
  replayCount: integer('replay_count').notNull().default(0)
}, t => [index('dead_letters_received').on(t.receivedAt), index('dead_letters_tenant_received').on(t.tenantId, t.receivedAt)])

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  at: at('at').notNull().defaultNow(),
  prevHash: text('prev_hash'),
  hash: text('hash').notNull()
}, t => [
  index('audit_log_tenant_id').on(t.tenantId, t.id),
  // A chain never forks: one successor per entry (and one genesis, prev_hash null, per tenant).
  unique('audit_log_chain_successor').on(t.tenantId, t.prevHash).nullsNotDistinct()
])

/**
 * Merkle roots sealing a run of one chain's entries (`first_id`..`last_id`, in chain order), see
 * server/audit/merkle.ts; `anchor` is the notary's receipt once the root was sent out.
 */
export const auditRoots = pgTable('audit_roots', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  firstId: bigint('first_id', { mode: 'number' }).notNull(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
  entries: integer('entries').notNull(),
  root: text('root').notNull(),
  sealedAt: at('sealed_at').notNull().defaultNow(),
  anchor: jsonb('anchor'),
  anchorError: text('anchor_error')
}, t => [index('audit_roots_tenant_last').on(t.tenantId, t.lastId)])

const SEVERITY_VALUES = ['critical', 'high', 'medium', 'low', 'info'] as const

/**
 * A tenant's webhook: alarm transitions that pass its filters are POSTed to `url`, signed with
 * `secret` (server/notifications/signature.ts).
 */
export const notificationEndpoints = pgTable('notification_endpoints', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  /** Severities that notify. */
  severities: text('severities', { enum: SEVERITY_VALUES }).array().notNull(),
  /** Plants that notify; empty: every plant of the tenant. */
  plantIds: uuid('plant_ids').array().notNull().default(sql`'{}'::uuid[]`),
  /** Transitions sent: `raised`, and `acknowledged` / `cleared` when asked for. */
  events: text('events', { enum: ['raised', 'acknowledged', 'cleared'] }).array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: at('updated_at').notNull().defaultNow()
}, t => [index('notification_endpoints_tenant_name').on(t.tenantId, t.name, t.id)])

/** One escalation level: after `afterMinutes` unacknowledged, these endpoints and users are told. */
export interface EscalationLevel {
  afterMinutes: number
  endpointIds: string[]
  userIds: string[]
}

/** A tenant's escalation of unacknowledged alarms (server/notifications/escalation.ts). */
export const escalationPolicies = pgTable('escalation_policies', {
  tenantId: uuid('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(true),
  /** Alarms of these severities escalate. */
  severities: text('severities', { enum: SEVERITY_VALUES }).array().notNull(),
  /** In order of `afterMinutes`, ascending. */
  levels: jsonb('levels').$type<EscalationLevel[]>().notNull(),
  updatedAt: at('updated_at').notNull().defaultNow()
})

/** The levels each alarm escalated to: marks a level done once, whichever instance swept it. */
export const alarmEscalations = pgTable('alarm_escalations', {
  alarmId: uuid('alarm_id').notNull().references(() => alarms.id, { onDelete: 'cascade' }),
  level: integer('level').notNull(),
  tenantId: tenantId(),
  at: at('at').notNull().defaultNow()
}, t => [primaryKey({ name: 'alarm_escalations_pk', columns: [t.alarmId, t.level] })])

/** What a user wants to be told about; no row: nothing. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(false),
  severities: text('severities', { enum: SEVERITY_VALUES }).array().notNull(),
  /** Empty: every plant the user may see. */
  plantIds: uuid('plant_ids').array().notNull().default(sql`'{}'::uuid[]`),
  events: text('events', { enum: ['raised', 'acknowledged', 'cleared'] }).array().notNull(),
  updatedAt: at('updated_at').notNull().defaultNow()
})

/**
 * One notification of one alarm transition (or escalation level) to one target — an endpoint or a
 * user — kept until delivered, failed or cancelled. Pending rows are the durable queue: any instance
 * claims due ones (FOR UPDATE SKIP LOCKED) and pushes `next_attempt_at` ahead as its lease.
 */
export const notificationDeliveries = pgTable('notification_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  endpointId: uuid('endpoint_id').references(() => notificationEndpoints.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
  alarmId: uuid('alarm_id').notNull().references(() => alarms.id, { onDelete: 'cascade' }),
  event: text('event', { enum: ['raised', 'acknowledged', 'cleared', 'escalated'] }).notNull(),
  /** The escalation level (1-based); 0 for transitions. */
  level: integer('level').notNull().default(0),
  /** The JSON body exactly as sent (and signed) on every attempt. */
  body: text('body').notNull(),
  status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  deliveredAt: at('delivered_at')
}, t => [
  // A transition is queued once per target, however many instances or sweeps see it.
  unique('notification_deliveries_once').on(t.endpointId, t.userId, t.alarmId, t.event, t.level).nullsNotDistinct(),
  index('notification_deliveries_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  index('notification_deliveries_tenant_id').on(t.tenantId, t.id),
  index('notification_deliveries_alarm').on(t.alarmId),
  // Retention (server/retention) finds finished deliveries by age.
  index('notification_deliveries_finished').on(t.createdAt).where(sql`status <> 'pending'`)
])

/** Every attempt of every delivery: the delivery log. */
export const notificationAttempts = pgTable('notification_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  deliveryId: bigint('delivery_id', { mode: 'number' }).notNull().references(() => notificationDeliveries.id, { onDelete: 'cascade' }),
  attempt: integer('attempt').notNull(),
  at: at('at').notNull().defaultNow(),
  statusCode: integer('status_code'),
  error: text('error'),
  durationMs: integer('duration_ms').notNull(),
  /** When the next attempt is due; null when this one ended the delivery. */
  nextRetryAt: at('next_retry_at')
}, t => [index('notification_attempts_delivery').on(t.deliveryId, t.attempt)])

/**
 * The email-like outbox of user notifications (OutboxNotifier): what a mail relay would send. Nothing
 * here sends mail; a real deployment drains this table or plugs in another notifier.
 */
export const notificationOutbox = pgTable('notification_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: tenantId(),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  deliveryId: bigint('delivery_id', { mode: 'number' }).references(() => notificationDeliveries.id, { onDelete: 'set null' }),
  recipient: text('recipient').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: createdAt()
}, t => [
  index('notification_outbox_tenant_id').on(t.tenantId, t.id),
  index('notification_outbox_created').on(t.createdAt),
  // A delivery deleted by retention unlinks its outbox row.
  index('notification_outbox_delivery').on(t.deliveryId)
])
/**
 * The cold-storage catalogue: one archived file per plant, UTC day and format (server/cold). A day's
 * raw partition is dropped only once every file of that day is `verified` against the database.
 */
export const coldExports = pgTable('cold_exports', {
  id: id(),
  tenantId: tenantId(),
  plantId: uuid('plant_id').notNull().references(() => plants.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  format: text('format', { enum: ['parquet', 'csv'] }).notNull(),
  /** Where the object is: `dir` (a folder) or `s3` (a bucket), and its key there. */
  store: text('store', { enum: ['dir', 's3'] }).notNull(),
  objectKey: text('object_key').notNull(),
  rows: bigint('rows', { mode: 'number' }).notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  /** SHA-256 of the file as written. */
  sha256: text('sha256').notNull(),
  /** SHA-256 over the exported rows in order (server/cold/digest.ts), as read from the database. */
  rowsDigest: text('rows_digest').notNull(),
  status: text('status', { enum: ['written', 'verified', 'failed'] }).notNull().default('written'),
  error: text('error'),
  exportedAt: at('exported_at').notNull().defaultNow(),
  verifiedAt: at('verified_at')
}, t => [
  unique('cold_exports_plant_day_format').on(t.plantId, t.day, t.format),
  index('cold_exports_tenant_day').on(t.tenantId, t.day)
])
