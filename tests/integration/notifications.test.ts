import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectRoleMatrix, startAdminApi, walkPages, type AdminApi, type Loose } from '../support/admin-api'
import { emulatorServerEnv } from '../support/auth'
import { connectClient, endClient, publish } from '../support/mqtt'
import { createPlant, dropSession, MIGRATIONS, startTestPlatform } from '../support/platform'
import { startServer, type RunningServer } from '../support/server'
import { createTestDatabase, SERVICES, uniqueId, waitFor } from '../support/services'
import { signatureValid, WebhookReceiver } from '../support/webhook-receiver'
import { AlarmRuleBody } from '../../server/alarms/rule-schemas'
import { createAlarmRule } from '../../server/alarms/rule-admin'
import { createEndpoint } from '../../server/notifications/endpoints'
import { listDeliveries } from '../../server/notifications/delivery-log'
import { DeliveryWorker } from '../../server/notifications/worker'
import { OutboxNotifier } from '../../server/notifications/notifier'
import { openDatabase } from '../../server/db/client'
import { ensurePlant } from '../../server/db/demo-data'
import pino from 'pino'

// Alarm notifications against the built server, PostgreSQL and Mosquitto: alarms raised by the engine
// from real MQTT messages reach a local webhook receiver, signed; retries, the 4xx rule, escalation,
// user preferences, a delivery that outlives a restart, role checks, tenant isolation and bad input;
// two workers sharing one database send each delivery once.
// Short delays come from the NOTIFY_* settings below. Last, one delivery on the embedded defaults.

const run = randomBytes(3).toString('hex')
const METRIC = `nt_temp_${run}`
const M = (n: number) => `nt-m${n}-${run}`
const MQTT_CLIENT_ID = uniqueId('notify-api')
const ENV = {
  MQTT_CLIENT_ID, NOTIFY_RETRY_BASE_MS: '300', NOTIFY_RETRY_JITTER: '0.2', NOTIFY_MAX_ATTEMPTS: '3',
  NOTIFY_TIMEOUT_MS: '1500', NOTIFY_POLL_MS: '250', ESCALATION_SWEEP_MS: '200',
  // The receiver listens on loopback, which the default destination policy refuses.
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1'
}
const rx = new WebhookReceiver()
let api: AdminApi
let restarted: RunningServer | undefined
let clock = Date.now() - 600_000

const send = (machine: string, value: number, site = 'planta-1') =>
  api.publish(`factory/granix/ba/${site}/${machine}/telemetry`, { schemaVersion: 1, timestamp: (clock += 1000), seq: clock, values: { [METRIC]: value } })

/** Sends a value over the limit and returns the alarm the engine raised. */
async function raise(machine: string): Promise<Loose> {
  await send(machine, 40)
  await send(machine, 61)
  return waitFor(async () => {
    const page = await api.expectStatus(200, 'admin', 'GET', '/api/alarms?state=open&type=threshold&limit=500')
    return page.items.find((a: Loose) => a.plcId === machine && a.metric === METRIC)
  }, 15_000, `an alarm on ${machine}`)
}

const addEndpoint = (path: string, extra: object = {}) =>
  api.expectStatus(201, 'admin', 'POST', '/api/notification-endpoints', { name: `hook ${path}`, url: `${rx.url}${path}`, ...extra })

const deliveries = async (query: string): Promise<Loose[]> =>
  (await api.expectStatus(200, 'admin', 'GET', `/api/notification-deliveries?limit=500&${query}`)).items

const arrived = (path: string, alarmId: string, n: number) =>
  waitFor(() => (rx.of(path, alarmId).length >= n ? rx.of(path, alarmId) : undefined), 15_000, `${n} request(s) to ${path}`)

beforeAll(async () => {
  await rx.start()
  api = await startAdminApi(ENV)
  await api.expectStatus(201, 'admin', 'POST', '/api/alarm-rules', { name: 'Head too hot', metric: METRIC, max: 50, severity: 'high' })
})

afterAll(async () => {
  await restarted?.stop()
  await api?.stop()
  await dropSession(SERVICES.mosquittoUrl, MQTT_CLIENT_ID).catch(() => {})
  await rx.stop()
})

describe('signed webhooks and filters', () => {
  let alarm: Loose
  let main: Loose
  const others: Loose[] = []

  it('an alarm raised from MQTT reaches the endpoint signed with its secret; filters hold back the others', async () => {
    main = await addEndpoint('/main', { severities: ['high'], sites: ['planta-1'], events: ['raised', 'acknowledged', 'cleared'] })
    expect(main).toMatchObject({ tenant: 'granix', severities: ['high'], sites: ['planta-1'], events: ['raised', 'acknowledged', 'cleared'], enabled: true })
    expect(main.secret).toMatch(/^whsec_/)
    expect(main.secretHint).toBe(main.secret.slice(-4))
    others.push(await addEndpoint('/critical-only', { severities: ['critical'] }))
    others.push(await addEndpoint('/planta-2-only', { sites: ['planta-2'] }))
    others.push(await addEndpoint('/raised-only', { secret: 'a-secret-of-the-integrator' }))
    expect(others[2].events).toEqual(['raised'])

    alarm = await raise(M(1))
    const [hit] = await arrived('/main', alarm.id, 1)
    expect(hit!.headers['x-telemetry-event']).toBe('alarm.raised')
    expect(signatureValid(hit!, main.secret)).toBe(true)
    expect(signatureValid(hit!, others[2].secret)).toBe(false)
    expect(signatureValid({ ...hit!, raw: hit!.raw.replace('"high"', '"low"') }, main.secret)).toBe(false)
    expect(hit!.body).toMatchObject({ type: 'alarm.raised', tenant: 'granix', site: 'planta-1', plcId: M(1), alarm: { id: alarm.id, severity: 'high', state: 'active', value: 61 } })
    const [raisedOnly] = await arrived('/raised-only', alarm.id, 1)
    expect(signatureValid(raisedOnly!, 'a-secret-of-the-integrator')).toBe(true)
  })

  it('acknowledged and cleared go to the endpoint that asked for them only', async () => {
    await api.expectStatus(200, 'operator', 'POST', `/api/alarms/${alarm.id}/acknowledge`, { comment: 'on it' })
    const acked = await arrived('/main', alarm.id, 2)
    expect(acked[1]!.body).toMatchObject({ type: 'alarm.acknowledged', alarm: { acknowledgedBy: 'operator@demo.local', ackComment: 'on it' } })
    await send(M(1), 30)
    const cleared = await arrived('/main', alarm.id, 3)
    expect(cleared[2]!.body).toMatchObject({ type: 'alarm.cleared', alarm: { state: 'cleared' } })
    expect(cleared.every(r => signatureValid(r, main.secret))).toBe(true)
    expect(rx.of('/raised-only', alarm.id)).toHaveLength(1)
    expect(rx.of('/critical-only', alarm.id)).toHaveLength(0)
    expect(rx.of('/planta-2-only', alarm.id)).toHaveLength(0)
    expect(await deliveries(`endpoint=${others[0].id}`)).toEqual([])
    expect(await deliveries(`endpoint=${others[1].id}`)).toEqual([])
  })

  it('the delivery log lists each delivery with its attempt', async () => {
    const log = await waitFor(async () => {
      const items = await deliveries(`endpoint=${main.id}&alarm=${alarm.id}`)
      return items.length === 3 && items.every((d: Loose) => d.status === 'delivered') ? items : undefined
    }, 10_000, 'three delivered')
    expect(log.map((d: Loose) => d.event)).toEqual(['cleared', 'acknowledged', 'raised'])
    for (const d of log) {
      expect(d).toMatchObject({ endpointId: main.id, alarmId: alarm.id, level: 0, attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null })
      expect(d.log).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null, nextRetryAt: null })])
      expect(d.log[0].durationMs).toBeGreaterThanOrEqual(0)
    }
    const paged = await walkPages(api, 'admin', `/api/notification-deliveries?alarm=${alarm.id}&limit=1`)
    expect(paged.flat().length).toBeGreaterThanOrEqual(4)
  })

  it('users get what their preferences ask for, through the outbox', async () => {
    const mine = await api.expectStatus(200, 'operator', 'GET', '/api/me/notifications')
    expect(mine).toMatchObject({ enabled: false, channel: 'outbox', updatedAt: null })
    await api.expectStatus(200, 'operator', 'PUT', '/api/me/notifications', { enabled: true, severities: ['high'], sites: ['planta-1'] })
    await api.expectStatus(200, 'viewer', 'PUT', '/api/me/notifications', { enabled: true, severities: ['critical'] })
    const stored = await api.expectStatus(200, 'operator', 'GET', '/api/me/notifications')
    expect(stored).toMatchObject({ enabled: true, severities: ['high'], sites: ['planta-1'], events: ['raised'] })
    // The operator sees planta-1 only: another plant is not theirs to ask for.
    const refused = await api.expectStatus(422, 'operator', 'PUT', '/api/me/notifications', { enabled: true, sites: ['planta-2'] })
    expect(refused.data).toMatchObject({ code: 'INVALID_BODY', field: 'sites' })
    expect((await api.expectStatus(422, 'viewer', 'PUT', '/api/me/notifications', { enabled: 'yes' })).data.field).toBe('enabled')
    await api.expectStatus(409, 'platform', 'GET', '/api/me/notifications')

    const second = await raise(M(7))
    const mail = await waitFor(async () => {
      const rows = await api.sql`select recipient, subject, body from notification_outbox where body like ${`%${second.id}%`}`
      return rows.length > 0 ? rows : undefined
    }, 10_000, 'the operator\'s message')
    expect(mail.map(r => r.recipient)).toEqual(['operator@demo.local'])
    expect(mail[0]!.subject).toContain('[high]')
    const users = await deliveries(`alarm=${second.id}&status=delivered`)
    expect(users.filter((d: Loose) => d.userId).map((d: Loose) => d.recipient)).toEqual(['operator@demo.local'])
    await api.expectStatus(200, 'operator', 'PUT', '/api/me/notifications', { enabled: false })
  })

  it('an endpoint can be changed and deleted; it is gone afterwards', async () => {
    const changed = await api.expectStatus(200, 'admin', 'PATCH', `/api/notification-endpoints/${main.id}`, { enabled: false, sites: [] })
    expect(changed).toMatchObject({ enabled: false, sites: [] })
    expect(await api.expectStatus(200, 'admin', 'GET', `/api/notification-endpoints/${main.id}`)).toEqual(changed)
    for (const e of [main, ...others]) await api.expectStatus(204, 'admin', 'DELETE', `/api/notification-endpoints/${e.id}`)
    await api.expectStatus(404, 'admin', 'GET', `/api/notification-endpoints/${main.id}`)
    const audit = await api.sql`select action from audit_log where entity = 'notification_endpoint' and entity_id = ${main.id} order by id`
    expect(audit.map(a => a.action)).toEqual(['notification_endpoint.create', 'notification_endpoint.update', 'notification_endpoint.delete'])
  })
})

describe('retries', () => {
  it('a receiver failing twice gets three attempts, further apart each time', async () => {
    rx.script('/flaky', [503, 503])
    const flaky = await addEndpoint('/flaky')
    const alarm = await raise(M(2))
    const hits = await arrived('/flaky', alarm.id, 3)
    const [first, second] = [hits[1]!.at - hits[0]!.at, hits[2]!.at - hits[1]!.at]
    // Base 300 ms, jitter 20 %: the first wait is 240–300 ms, the second 480–600 ms.
    expect(first).toBeGreaterThanOrEqual(220)
    expect(second).toBeGreaterThan(first)
    expect(second).toBeGreaterThanOrEqual(450)
    expect(new Set(hits.map(h => h.headers['x-telemetry-delivery'])).size).toBe(1)
    expect(hits.every(h => signatureValid(h, flaky.secret))).toBe(true)
    const [d] = await waitFor(async () => {
      const items = await deliveries(`endpoint=${flaky.id}`)
      return items[0]?.status === 'delivered' ? items : undefined
    }, 10_000, 'delivered')
    expect(d).toMatchObject({ attempts: 3, lastStatusCode: 200 })
    expect(d.log.map((a: Loose) => a.statusCode)).toEqual([503, 503, 200])
    expect(d.log[0].error).toBe('HTTP 503')
    expect(d.log[0].nextRetryAt).toBeGreaterThan(d.log[0].at)
    expect(d.log[2].nextRetryAt).toBeNull()
    await api.expectStatus(204, 'admin', 'DELETE', `/api/notification-endpoints/${flaky.id}`)
  })

  it('a 4xx is not retried; 429 is', async () => {
    rx.script('/gone', [], 410)
    rx.script('/busy', [429])
    const gone = await addEndpoint('/gone')
    const busy = await addEndpoint('/busy')
    const alarm = await raise(M(3))
    await arrived('/busy', alarm.id, 2)
    const [failed] = await waitFor(async () => {
      const items = await deliveries(`endpoint=${gone.id}&status=failed`)
      return items.length === 1 ? items : undefined
    }, 10_000, 'the 410 delivery failed')
    expect(failed).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410', nextAttemptAt: null })
    expect(failed.log).toEqual([expect.objectContaining({ attempt: 1, statusCode: 410, nextRetryAt: null })])
    // The receiver has the second request before the server records its answer.
    const [ok] = await waitFor(async () => {
      const items = await deliveries(`endpoint=${busy.id}&status=delivered`)
      return items.length === 1 ? items : undefined
    }, 10_000, 'the 429 delivery delivered on its retry')
    expect(ok).toMatchObject({ status: 'delivered', attempts: 2 })
    expect(ok.log.map((a: Loose) => a.statusCode)).toEqual([429, 200])
    expect(rx.of('/gone', alarm.id)).toHaveLength(1)
    for (const e of [gone, busy]) await api.expectStatus(204, 'admin', 'DELETE', `/api/notification-endpoints/${e.id}`)
  })
})

describe('escalation', () => {
  it('an unacknowledged alarm escalates level by level; acknowledging stops it', async () => {
    // Info only: these endpoints get no transitions of the (high) alarms here, just escalations.
    const level1 = await addEndpoint('/level-1', { severities: ['info'] })
    const level2 = await addEndpoint('/level-2', { severities: ['info'] })
    const users = await walkPages<Loose>(api, 'admin', '/api/users')
    const manager = users.flat().find(u => u.email === 'manager@demo.local')
    const policy = await api.expectStatus(200, 'admin', 'PUT', '/api/escalation-policy', {
      severities: ['high'],
      levels: [{ afterMinutes: 0.02, endpoints: [level1.id], users: [manager.id] }, { afterMinutes: 0.06, endpoints: [level2.id] }]
    })
    expect(policy).toMatchObject({ tenant: 'granix', enabled: true, levels: [{ level: 1, afterMinutes: 0.02, endpoints: [level1.id], users: [manager.id] }, { level: 2, endpoints: [level2.id], users: [] }] })
    expect(await api.expectStatus(200, 'admin', 'GET', '/api/escalation-policy')).toEqual(policy)

    const ignored = await raise(M(5))
    const acked = await raise(M(6))
    const [first] = await arrived('/level-1', acked.id, 1)
    expect(first!.body).toMatchObject({ type: 'alarm.escalated', escalation: { level: 1, afterMinutes: 0.02 }, alarm: { id: acked.id } })
    expect(first!.at - acked.createdAt).toBeGreaterThanOrEqual(1200)
    expect(signatureValid(first!, level1.secret)).toBe(true)
    await api.expectStatus(200, 'operator', 'POST', `/api/alarms/${acked.id}/acknowledge`, {})

    const [late] = await arrived('/level-2', ignored.id, 1)
    expect(late!.body.escalation).toEqual({ level: 2, afterMinutes: 0.06 })
    expect(late!.at - ignored.createdAt).toBeGreaterThanOrEqual(3600)
    expect(rx.of('/level-1', ignored.id)).toHaveLength(1)
    // By now the acknowledged alarm is past level 2's delay too.
    await waitFor(() => Date.now() - acked.createdAt > 3600 + 1000, 10_000, 'level 2 time of the acknowledged alarm')
    expect(rx.of('/level-2', acked.id)).toHaveLength(0)
    const levels = await api.sql`select level from alarm_escalations where alarm_id = ${acked.id}`
    expect(levels.map(l => l.level)).toEqual([1])
    const mail = await waitFor(async () => {
      const rows = await api.sql`select recipient, subject from notification_outbox where body like ${`%${acked.id}%`}`
      return rows.length > 0 ? rows : undefined
    }, 10_000, 'the manager\'s escalation message')
    expect(mail).toEqual([expect.objectContaining({ recipient: 'manager@demo.local', subject: expect.stringContaining('escalated (level 1') })])
    await api.expectStatus(200, 'admin', 'PUT', '/api/escalation-policy', { levels: [] })
    for (const e of [level1, level2]) await api.expectStatus(204, 'admin', 'DELETE', `/api/notification-endpoints/${e.id}`)
  })
})

describe('access and validation', () => {
  it('only admins manage notifications', async () => {
    await expectRoleMatrix(api, [
      ['POST', '/api/notification-endpoints', { name: 1 }],
      ['GET', '/api/notification-endpoints?limit=0', undefined],
      ['PUT', '/api/escalation-policy', { levels: 1 }],
      ['GET', '/api/notification-deliveries?limit=0', undefined],
      ['PATCH', `/api/notification-endpoints/${randomUUID()}`, {}]
    ], ['admin', 'otherAdmin', 'platform'])
  })

  it('another tenant\'s endpoints are a 404 and never listed or usable', async () => {
    const ours = await addEndpoint('/ours')
    await api.expectStatus(404, 'otherAdmin', 'GET', `/api/notification-endpoints/${ours.id}`)
    await api.expectStatus(404, 'otherAdmin', 'PATCH', `/api/notification-endpoints/${ours.id}`, { enabled: false })
    await api.expectStatus(404, 'otherAdmin', 'DELETE', `/api/notification-endpoints/${ours.id}`)
    const theirs = await walkPages<Loose>(api, 'otherAdmin', '/api/notification-endpoints')
    expect(theirs.flat().map(e => e.id)).not.toContain(ours.id)
    expect(await api.expectStatus(200, 'otherAdmin', 'GET', `/api/notification-deliveries?endpoint=${ours.id}`)).toEqual({ items: [], nextCursor: null })
    const borrowed = await api.expectStatus(422, 'otherAdmin', 'PUT', '/api/escalation-policy', { levels: [{ afterMinutes: 5, endpoints: [ours.id] }] })
    expect(borrowed.data).toMatchObject({ field: 'levels.0.endpoints.0' })
    expect((await api.expectStatus(200, 'platform', 'GET', `/api/notification-endpoints/${ours.id}?tenant=granix`)).id).toBe(ours.id)
    await api.expectStatus(404, 'platform', 'GET', `/api/notification-endpoints/${ours.id}?tenant=other`)
    await api.expectStatus(204, 'admin', 'DELETE', `/api/notification-endpoints/${ours.id}`)
  })

  it('bad input is a 422 naming the field', async () => {
    const url = `${rx.url}/x`
    const cases: [string, string, object, string][] = [
      ['POST', '/api/notification-endpoints', { url }, 'name'],
      ['POST', '/api/notification-endpoints', { name: 'x', url: 'ftp://example.com/hook' }, 'url'],
      // Not in WEBHOOK_ALLOWED_HOSTS (the cloud metadata service, a private address).
      ['POST', '/api/notification-endpoints', { name: 'x', url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
      ['PATCH', `/api/notification-endpoints/${randomUUID()}`, { url: 'http://10.1.2.3/hook' }, 'url'],
      ['POST', '/api/notification-endpoints', { name: 'x', url, secret: 'short' }, 'secret'],
      ['POST', '/api/notification-endpoints', { name: 'x', url, severities: ['urgent'] }, 'severities.0'],
      ['POST', '/api/notification-endpoints', { name: 'x', url, severities: [] }, 'severities'],
      ['POST', '/api/notification-endpoints', { name: 'x', url, events: ['shelved'] }, 'events.0'],
      ['POST', '/api/notification-endpoints', { name: 'x', url, sites: ['no-such-site'] }, 'sites'],
      ['PATCH', `/api/notification-endpoints/${randomUUID()}`, {}, 'name'],
      ['PATCH', '/api/notification-endpoints/not-a-uuid', { enabled: true }, 'id'],
      ['PUT', '/api/escalation-policy', { levels: [{ afterMinutes: 10, endpoints: [randomUUID()] }] }, 'levels.0.endpoints.0'],
      ['PUT', '/api/escalation-policy', { levels: [{ afterMinutes: 10 }] }, 'levels.0.endpoints'],
      ['PUT', '/api/escalation-policy', { levels: [{ afterMinutes: -1, users: [randomUUID()] }] }, 'levels.0.afterMinutes'],
      ['PUT', '/api/escalation-policy', { levels: [{ afterMinutes: 10, users: [randomUUID()] }, { afterMinutes: 5, users: [randomUUID()] }] }, 'levels.1.afterMinutes'],
      ['PUT', '/api/me/notifications', { enabled: true, severities: ['high', 'high'] }, 'severities']
    ]
    for (const [method, path, body, field] of cases) {
      const res = await api.expectStatus(422, 'admin', method, path, body)
      expect(res.data.field, `${method} ${path} ${JSON.stringify(body)}`).toBe(field)
    }
    for (const [query, field] of [['status=lost', 'status'], ['alarm=nope', 'alarm'], ['cursor=zzz', 'cursor']]) {
      expect((await api.expectStatus(422, 'admin', 'GET', `/api/notification-deliveries?${query}`)).data.field).toBe(field)
    }
  })
})

describe('restart', () => {
  it('a delivery pending when the server stops is sent by the next start', async () => {
    rx.script('/restart', ['hang'])
    const endpoint = await addEndpoint('/restart')
    const alarm = await raise(M(4))
    await arrived('/restart', alarm.id, 1)
    await api.server.stop()
    const [left] = await api.sql`select status, attempts from notification_deliveries where endpoint_id = ${endpoint.id}`
    expect(left).toEqual({ status: 'pending', attempts: 1 })
    restarted = await startServer({ ...emulatorServerEnv(), DATABASE_URL: api.databaseUrl, MQTT_URL: SERVICES.mosquittoUrl, DEMO_DATA: '1', ...ENV })
    const hits = await arrived('/restart', alarm.id, 2)
    expect(signatureValid(hits[1]!, endpoint.secret)).toBe(true)
    const done = await waitFor(async () => {
      const [row] = await api.sql`select status, attempts from notification_deliveries where endpoint_id = ${endpoint.id}`
      return row?.status === 'delivered' ? row : undefined
    }, 15_000, 'delivered after the restart')
    expect(done.attempts).toBe(2)
    const log = await api.sql`select status_code, error from notification_attempts a join notification_deliveries d on d.id = a.delivery_id where d.endpoint_id = ${endpoint.id} order by attempt`
    expect(log.map(l => l.status_code)).toEqual([null, 200])
    expect(log[0]!.error).toMatch(/timed out/)
  })
})

describe('on the embedded defaults (PGlite, in-process broker)', () => {
  it('an alarm raised over MQTT is delivered, signed, and logged', async () => {
    const t = await startTestPlatform('embedded', { NOTIFY_POLL_MS: '200', WEBHOOK_ALLOW_PRIVATE: '1' })
    try {
      const { tenantId } = await createPlant(t.platform, 'emb', 'ba', 'p1')
      const who = { uid: 'test', email: 'test@local' }
      await createAlarmRule(t.platform.db.sql, who, { tenantId, plantId: null, plcId: null }, AlarmRuleBody.parse({ name: 'hot', metric: 'temp', max: 10, severity: 'critical' }))
      t.platform.alarmRulesChanged(tenantId)
      const endpoint = await createEndpoint(t.platform.db.sql, 'test', tenantId, { name: 'e', url: `${rx.url}/embedded`, severities: ['critical'], sites: [], events: ['raised'], enabled: true }, [])
      const client = await connectClient(t.mqttUrl, { protocolVersion: t.protocolVersion })
      await publish(client, 'factory/emb/ba/p1/m1/telemetry', { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { temp: 20 } }, { qos: 1 })
      await endClient(client)
      const hit = await waitFor(() => rx.received.find(r => r.path === '/embedded'), 15_000, 'the embedded webhook')
      expect(hit.body).toMatchObject({ type: 'alarm.raised', tenant: 'emb', site: 'p1', plcId: 'm1', alarm: { severity: 'critical' } })
      expect(signatureValid(hit, endpoint.secret)).toBe(true)
      const page = await waitFor(async () => {
        const p = await listDeliveries(t.platform.db.sql, tenantId, {}, { limit: 10 })
        return p.items[0]?.status === 'delivered' ? p : undefined
      }, 10_000, 'logged as delivered')
      expect(page.items[0]!.log).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200 })])
    } finally {
      await t.cleanup()
    }
  })
})

describe('two instances on one database', () => {
  it('each queued delivery is sent by one of them only', async () => {
    const dbInfo = await createTestDatabase()
    const [a, b] = [await openDatabase({ kind: 'postgres', url: dbInfo.url }), await openDatabase({ kind: 'postgres', url: dbInfo.url })]
    const config = { retry: { baseMs: 100, maxMs: 1000, jitter: 0, maxAttempts: 3 }, timeoutMs: 2000, pollMs: 50, concurrency: 4, escalationSweepMs: 1000, destination: { allowedHosts: [], allowPrivate: true } }
    const logger = pino({ level: 'silent' })
    const workers = [a, b].map(db => new DeliveryWorker({ sql: db.sql, logger, config, notifier: new OutboxNotifier(db.sql) }))
    try {
      await a.migrate(MIGRATIONS)
      const { tenantId, plantId } = await ensurePlant(a.sql, { tenant: 'two', tenantName: 'two', province: 'x', plant: 'p', plantName: 'p' })
      const endpoint = await createEndpoint(a.sql, 'test', tenantId, { name: 'e', url: `${rx.url}/two`, severities: ['high'], sites: [], events: ['raised'], enabled: true }, [])
      const [alarm] = await a.sql.query<{ id: string }>(
        `insert into alarms (tenant_id, plant_id, type, message, severity, ts, condition_key) values ($1, $2, 'threshold', 'm', 'high', now(), $3) returning id`,
        [tenantId, plantId, uniqueId('key')])
      // 40 deliveries of one alarm (distinct levels keep them apart under the once-per-target key).
      await a.sql.query(
        `insert into notification_deliveries (tenant_id, endpoint_id, alarm_id, event, level, body)
         select $1, $2, $3::uuid, 'escalated', n, json_build_object('alarm', json_build_object('id', $3::text), 'n', n)::text from generate_series(1, 40) n`,
        [tenantId, endpoint.id, alarm!.id])
      // Not acknowledged, so the escalations are sent. Both connections are open before both workers
      // start claiming at once, so each gets a share.
      await b.sql.query('select 1')
      for (const w of workers) w.kick()
      await waitFor(() => rx.received.filter(r => r.path === '/two').length >= 40, 15_000, '40 deliveries')
      await new Promise(resolve => setTimeout(resolve, 300))
      const ids = rx.received.filter(r => r.path === '/two').map(r => r.headers['x-telemetry-delivery'])
      expect(ids).toHaveLength(40)
      expect(new Set(ids).size).toBe(40)
      expect(workers.every(w => w.counters.delivered > 0)).toBe(true)
      const [count] = await a.sql.query<{ n: number }>(`select count(*)::int as n from notification_deliveries where status = 'delivered' and attempts = 1`)
      expect(count!.n).toBe(40)
    } finally {
      for (const w of workers) await w.stop()
      await a.close()
      await b.close()
      await dbInfo.drop()
    }
  })
})
