import type { MqttClient } from 'mqtt'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, endClient, publish } from '../support/mqtt'
import { startServer, type RunningServer } from '../support/server'
import { createTestDatabase, SERVICES, uniqueId, waitFor } from '../support/services'
import { bearer, emulatorServerEnv, newAccount } from '../support/auth'
import type { Role } from '../../server/auth/types'

// Who may read and change what (SPEC §9), through the built server: two tenants of this run that
// share a site slug and a PLC id, so a leak cannot hide behind different names.

const A = uniqueId('ten-a').replace(/_/g, '-')
const B = uniqueId('ten-b').replace(/_/g, '-')
const SITE = 'site-1'
const OTHER_SITE = 'site-2'

interface Caller { email: string, token: string }
const users: Record<'admin' | 'manager' | 'operator' | 'viewer' | 'adminB' | 'platform' | 'writer', Caller> = {} as never

let server: RunningServer
let drop: () => Promise<void>
let mqtt: MqttClient
const serverClientId = uniqueId('access-test')

async function call(who: Caller | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(who ? bearer(who.token) : {}) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  const json = res.headers.get('content-type')?.includes('json') && text
  return { status: res.status, body: json ? JSON.parse(text) : null, text, headers: res.headers }
}
const get = (who: Caller | null, path: string) => call(who, 'GET', path)

beforeAll(async () => {
  const db = await createTestDatabase()
  drop = db.drop
  server = await startServer({ ...emulatorServerEnv(), DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_CLIENT_ID: serverClientId, RATE_LIMIT_WRITES_PER_MIN: '40', RATE_LIMIT_AUTH_FAILURES_PER_MIN: '30' })

  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  const [ta] = await sql`insert into tenants (slug, name) values (${A}, 'A') returning id`
  const [tb] = await sql`insert into tenants (slug, name) values (${B}, 'B') returning id`
  const [a1] = await sql`insert into plants (tenant_id, province, slug, name) values (${ta!.id}, 'ba', ${SITE}, 'A1') returning id`
  await sql`insert into plants (tenant_id, province, slug, name) values (${ta!.id}, 'ba', ${OTHER_SITE}, 'A2'), (${tb!.id}, 'ba', ${SITE}, 'B1')`
  const add = async (key: keyof typeof users, tenantId: string | null, role: Role, plants: string[] = [], platformAdmin = false) => {
    const acc = await newAccount()
    await sql`insert into users (firebase_uid, email, tenant_id, role, plant_access, platform_admin) values (${acc.uid}, ${acc.email}, ${tenantId}, ${role}, ${plants}::uuid[], ${platformAdmin})`
    users[key] = acc
  }
  await add('admin', ta!.id, 'admin')
  await add('manager', ta!.id, 'manager')
  await add('operator', ta!.id, 'plant_operator', [a1!.id])
  await add('viewer', ta!.id, 'viewer')
  await add('adminB', tb!.id, 'admin')
  await add('platform', null, 'admin', [], true)
  await add('writer', ta!.id, 'admin')
  await sql.end()

  mqtt = await connectClient(SERVICES.mosquittoUrl, { clientId: uniqueId('access-pub') })
  const ts = Date.now() - 60_000
  await publish(mqtt, `factory/${A}/ba/${SITE}/plc-1/telemetry`, { schemaVersion: 1, timestamp: ts, seq: 1, values: { secret_a: 1 } })
  await publish(mqtt, `factory/${A}/ba/${OTHER_SITE}/plc-2/telemetry`, { schemaVersion: 1, timestamp: ts, seq: 1, values: { secret_a2: 2 } })
  await publish(mqtt, `factory/${B}/ba/${SITE}/plc-1/telemetry`, { schemaVersion: 1, timestamp: ts, seq: 1, values: { secret_b: 3 } })
  await waitFor(async () => (await get(users.platform, '/api/telemetry/latest')).body?.length === 3, 20_000, 'the three values')
})

afterAll(async () => {
  if (mqtt) await endClient(mqtt)
  await server?.stop()
  await connectClient(SERVICES.mosquittoUrl, { clientId: serverClientId, clean: true, protocolVersion: 5 }).then(endClient, () => {})
  await drop?.()
})

const READS = [
  '/api/sites', '/api/plcs', `/api/plcs/${SITE}`, `/api/plcs/${SITE}/plc-1`, `/api/plcs/${SITE}/plc-1/state`,
  `/api/telemetry/${SITE}/plc-1?from=2020-01-01`, '/api/telemetry/latest', '/api/admin/access', '/api/persist-rules'
]

describe('authentication', () => {
  it('answers 401 without a token or with a malformed one, on every route', async () => {
    for (const path of READS) {
      expect((await get(null, path)).status, path).toBe(401)
      const forged = await get({ email: '', token: 'eyJhbGciOiJub25lIn0.e30.' }, path)
      expect(forged.status, path).toBe(401)
      expect(forged.body.data.code).toBe('INVALID_TOKEN')
    }
  })

  it('answers 403 to a valid account the platform does not know', async () => {
    const stranger = await newAccount()
    const res = await get(stranger, '/api/sites')
    expect(res.status).toBe(403)
    expect(res.body.data.code).toBe('NO_ACCESS')
  })

  it('serves the OpenAPI document and its docs page without a token', async () => {
    const doc = await get(null, '/api/openapi.json')
    expect(doc.status).toBe(200)
    expect(doc.body.openapi).toBe('3.1.0')
    expect(Object.keys(doc.body.paths)).toContain('/api/telemetry/{site}/{plcId}')
    const page = await get(null, '/api/docs')
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.text).toContain('/api/openapi.json')
    expect((await fetch(`${server.url}/_swagger/swagger-ui-bundle.js`)).status).toBe(200)
  })

  it('serves the sign-in configuration without a token', async () => {
    const res = await get(null, '/api/auth/config')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ mode: 'emulator', projectId: 'demo-plant-telemetry' })
  })
})

describe('tenant isolation', () => {
  it('shows tenant B nothing of tenant A on any read route, with A\'s slugs and ?tenant=A', async () => {
    for (const path of READS) {
      for (const p of [path, `${path}${path.includes('?') ? '&' : '?'}tenant=${A}`]) {
        const res = await get(users.adminB, p)
        expect(res.text, p).not.toContain('secret_a')
        expect(res.text, p).not.toContain(`"${A}"`)
        expect(res.text, p).not.toContain(OTHER_SITE)
      }
    }
    expect((await get(users.adminB, '/api/telemetry/latest')).body.map((r: { metric: string }) => r.metric)).toEqual(['secret_b'])
  })

  it('answers another tenant\'s objects with the same 404 as missing ones', async () => {
    const theirs = await get(users.adminB, `/api/plcs/${OTHER_SITE}/plc-2`)
    const missing = await get(users.adminB, `/api/plcs/${OTHER_SITE}/no-such-plc`)
    expect(theirs.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(theirs.body.data).toEqual(missing.body.data)
    expect((await get(users.adminB, `/api/plcs/${OTHER_SITE}`)).status).toBe(404)
    expect((await get(users.adminB, `/api/persist-rules?tenant=${A}`)).status).toBe(404)
  })

  it('lets a platform admin read every tenant, narrowed by ?tenant=', async () => {
    expect((await get(users.platform, '/api/sites')).body.length).toBeGreaterThanOrEqual(3)
    const b = await get(users.platform, `/api/plcs/${SITE}/plc-1/state?tenant=${B}`)
    expect(b.body.values).toEqual({ secret_b: 3 })
    expect((await get(users.platform, `/api/plcs/${SITE}/plc-1`)).status).toBe(409)
  })
})

describe('plant access', () => {
  it('shows a plant operator only their plants', async () => {
    expect((await get(users.operator, '/api/sites')).body.map((s: { site: string }) => s.site)).toEqual([SITE])
    expect((await get(users.operator, `/api/plcs/${OTHER_SITE}/plc-2/state`)).status).toBe(404)
    expect((await get(users.operator, '/api/telemetry/latest')).text).not.toContain('secret_a2')
    expect((await get(users.viewer, '/api/telemetry/latest')).text).toContain('secret_a2')
  })

  it('tells each caller their access in /api/admin/access', async () => {
    const op = (await get(users.operator, '/api/admin/access')).body
    expect(op).toMatchObject({ tenant: A, role: 'plant_operator', platformAdmin: false, allPlants: false })
    expect(op.sites.map((s: { site: string }) => s.site)).toEqual([SITE])
    expect(op.permissions).toContain('alarm:acknowledge')
    expect(op.permissions).not.toContain('persist_rule:write')
    expect((await get(users.platform, '/api/admin/access')).body).toMatchObject({ platformAdmin: true, tenant: null })
  })
})

describe('persistence rules', () => {
  it('lets only admins write them and admins and managers read them', async () => {
    const expected: Record<string, { read: number, write: number }> = {
      admin: { read: 200, write: 200 }, manager: { read: 200, write: 403 }, operator: { read: 403, write: 403 }, viewer: { read: 403, write: 403 }
    }
    for (const [who, want] of Object.entries(expected)) {
      const caller = users[who as keyof typeof users]
      expect((await get(caller, '/api/persist-rules')).status, who).toBe(want.read)
      expect((await call(caller, 'PUT', '/api/persist-rules', { site: SITE, mode: 'raw' })).status, who).toBe(want.write)
      expect((await call(caller, 'POST', '/api/persist-rules', { site: OTHER_SITE, metric: 'm', mode: 'raw' })).status, who).toBe(want.write === 200 ? 201 : 403)
      expect((await call(caller, 'DELETE', `/api/persist-rules?site=${OTHER_SITE}&metric=m`)).status, who).toBe(want.write === 200 ? 204 : 403)
    }
  })

  it('creates, changes and deletes rules, and the ingest follows them', async () => {
    const created = await call(users.admin, 'POST', '/api/persist-rules', { site: SITE, plcId: 'plc-1', metric: 'skip_me', mode: 'none' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ tenant: A, site: SITE, plcId: 'plc-1', metric: 'skip_me', mode: 'none' })
    expect((await call(users.admin, 'POST', '/api/persist-rules', { site: SITE, plcId: 'plc-1', metric: 'skip_me', mode: 'raw' })).status).toBe(409)

    const ts = Date.now() - 30_000
    await publish(mqtt, `factory/${A}/ba/${SITE}/plc-1/telemetry`, { schemaVersion: 1, timestamp: ts, seq: 2, values: { skip_me: 1, keep_me: 2 } })
    const state = await waitFor(async () => {
      const s = (await get(users.admin, `/api/plcs/${SITE}/plc-1/state`)).body
      return s.values.skip_me !== undefined && s.values.keep_me !== undefined ? s : undefined
    }, 10_000, 'live state of both metrics')
    expect(state.values).toMatchObject({ skip_me: 1, keep_me: 2 })
    const history = (await get(users.admin, `/api/telemetry/${SITE}/plc-1?from=${ts - 1}&to=${ts + 1}`)).body
    expect(history.items.map((i: { metric: string }) => i.metric)).toEqual(['keep_me'])

    const changed = await call(users.admin, 'PUT', `/api/persist-rules/${created.body.id}`, { mode: 'both' })
    expect(changed.body.mode).toBe('both')
    expect((await call(users.admin, 'DELETE', `/api/persist-rules/${created.body.id}`)).status).toBe(204)
    expect((await call(users.admin, 'DELETE', `/api/persist-rules/${created.body.id}`)).status).toBe(404)
  })

  it('answers bad bodies with 422 naming the field, and other tenants\' rules with 404', async () => {
    const bad = [
      [{ mode: 'sometimes' }, 'mode'],
      [{ plcId: 'plc-1', mode: 'raw' }, 'site'],
      [{ site: '', mode: 'raw' }, 'site']
    ] as const
    for (const [body, field] of bad) {
      const res = await call(users.admin, 'POST', '/api/persist-rules', body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      expect(res.body.data).toMatchObject({ code: 'INVALID_BODY', field })
    }
    // A site or PLC that is not the caller's does not exist for them: 404, naming the field.
    const nowhere = await call(users.admin, 'POST', '/api/persist-rules', { site: 'nowhere', mode: 'raw' })
    expect(nowhere.status).toBe(404)
    expect(nowhere.body.data).toMatchObject({ code: 'SITE_NOT_FOUND', field: 'site' })
    const noPlc = await call(users.admin, 'POST', '/api/persist-rules', { site: SITE, plcId: 'no-such-plc', mode: 'raw' })
    expect(noPlc.body.data).toMatchObject({ code: 'PLC_NOT_FOUND', field: 'plcId' })
    const mine = await call(users.admin, 'PUT', '/api/persist-rules', { metric: 'x', mode: 'hourly' })
    expect((await call(users.adminB, 'PUT', `/api/persist-rules/${mine.body.id}`, { mode: 'none' })).status).toBe(404)
    expect((await call(users.adminB, 'DELETE', `/api/persist-rules/${mine.body.id}`)).status).toBe(404)
    expect((await call(users.platform, 'PUT', '/api/persist-rules', { metric: 'x', mode: 'raw' })).body.data.field).toBe('tenant')
    expect((await call(users.platform, 'PUT', '/api/persist-rules', { tenant: A, metric: 'x', mode: 'raw' })).body).toMatchObject({ id: mine.body.id, mode: 'raw' })
  })
})

describe('rate limits and headers', () => {
  it('limits writes per user, with Retry-After', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 45; i++) {
      const res = await call(users.writer, 'PUT', '/api/persist-rules', { metric: 'burst', mode: 'raw' })
      statuses.push(res.status)
      retryAfter ??= res.headers.get('retry-after')
    }
    expect(statuses.slice(0, 40).every(s => s === 200)).toBe(true)
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    // Another user is not affected.
    expect((await call(users.admin, 'PUT', '/api/persist-rules', { metric: 'burst', mode: 'raw' })).status).toBe(200)
  })

  it('turns repeated failed token checks into 429 without locking out valid tokens', async () => {
    let limitedAt = -1
    for (let i = 0; i < 40 && limitedAt < 0; i++) {
      if ((await get({ email: '', token: 'garbage' }, '/api/sites')).status === 429) limitedAt = i
    }
    expect(limitedAt).toBeGreaterThan(0)
    expect((await get(users.viewer, '/api/sites')).status).toBe(200)
  })

  it('sends security headers', async () => {
    const res = await fetch(`${server.url}/login`)
    expect(res.headers.get('content-security-policy')).toContain('default-src \'self\'')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-powered-by')).toBeNull()
  })
})
