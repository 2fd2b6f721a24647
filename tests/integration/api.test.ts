import { randomBytes } from 'node:crypto'
import type { MqttClient } from 'mqtt'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, endClient, publish } from '../support/mqtt'
import { startServer, type RunningServer } from '../support/server'
import { createTestDatabase, SERVICES, uniqueId, waitFor } from '../support/services'
import { bearer, emulatorServerEnv, signIn } from '../support/auth'

// The read-only REST API (SPEC §7) against the built server, PostgreSQL and this machine's Mosquitto,
// as the demo platform admin, who sees every tenant (access rules: access.test.ts). Exact assertions
// use a tenant of this run's own: the broker is shared, and other runs may publish to the demo tenant
// (granix) at the same time.

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

// Seed 001 §7.2 shape B and seed 000 shape A, verbatim (shared/fixtures/seed-messages.json).
const SEED_TS = 1736359200000
const SEED_B = { schemaVersion: 1, timestamp: SEED_TS, seq: 1, values: { pressure: 4.2, temp_head: 83.2, running: true, mode: 'auto' } }
const SEED_A = {
  schemaVersion: 1, timestamp: SEED_TS, type: 'telemetry', tenant: 'granix', province: 'ba', plant: 'planta-1', gatewayId: 'granix-ba-gw-01',
  plcId: 'plc-03', metricId: 'temp_head', value: 83.2, dataType: 'float', unit: 'celsius', quality: 'GOOD'
}

type Value = number | boolean | string | null
interface RawItem { ts: number, metric: string, value: Value, quality: string | null, unit: string | null }
interface BucketItem { ts: number, metric: string, avg: number | null, min: number | null, max: number | null, count: number }
interface History<T> { tenant: string, site: string, plcId: string, from: number, to: number, bucket: string, items: T[], nextCursor: string | null }
interface ErrorBody { statusCode: number, message: string, data: { code: string, field?: string, issues?: { field: string, message: string }[] } }

const tenant = `api-${randomBytes(3).toString('hex')}`
const N = 120
const now = Date.now()
// The series: one shape B batch every 15 s, the last about 10 min ago (all within the last hour).
const seriesStart = now - 40 * MIN
const series = Array.from({ length: N }, (_, i) => ({
  schemaVersion: 1,
  timestamp: seriesStart + i * 15_000,
  seq: 1000 + i,
  values: { pressure: 4 + (i % 10) / 10, temp_head: 80 + i / 10, running: i % 3 !== 0, mode: i < N / 2 ? 'auto' : 'manual' },
  quality: 'GOOD',
  units: { pressure: 'bar', temp_head: 'celsius' }
}))
const last = series[N - 1]!
const PRESS_02 = { schemaVersion: 1, timestamp: now - 5 * MIN, seq: 7, gatewayId: 'gw-t1', values: { speed: 1200, door_open: false } }

let server: RunningServer
let drop: () => Promise<void>
let client: MqttClient
let token: string
const serverClientId = uniqueId('api-test')

async function get<T>(path: string): Promise<{ status: number, body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept: 'application/json', ...bearer(token) } })
  return { status: res.status, body: await res.json() as T }
}

async function ok<T>(path: string): Promise<T> {
  const { status, body } = await get<T>(path)
  expect(status, `${path}: ${JSON.stringify(body)}`).toBe(200)
  return body
}

const history = (query: string) => `/api/telemetry/planta-1/press-01?tenant=${tenant}&${query}`
const iso = (ms: number) => new Date(ms).toISOString()

/** Follows nextCursor from the first page to the last, returning every page. */
async function walk<T>(path: string): Promise<History<T>[]> {
  const pages = [await ok<History<T>>(path)]
  while (pages[pages.length - 1]!.nextCursor) {
    pages.push(await ok<History<T>>(`${path}&cursor=${pages[pages.length - 1]!.nextCursor}`))
    if (pages.length > 1000) throw new Error('cursor does not end')
  }
  return pages
}

/** What a bucket width should give, computed here from the raw rows. */
function aggregate(items: RawItem[], widthMs: number): BucketItem[] {
  const groups = new Map<string, { ts: number, metric: string, nums: number[], count: number }>()
  for (const it of items) {
    const ts = Math.floor(it.ts / widthMs) * widthMs
    const g = groups.get(`${ts}|${it.metric}`) ?? { ts, metric: it.metric, nums: [], count: 0 }
    g.count++
    if (typeof it.value === 'number') g.nums.push(it.value)
    if (typeof it.value === 'boolean') g.nums.push(it.value ? 1 : 0)
    groups.set(`${ts}|${it.metric}`, g)
  }
  return [...groups.values()]
    .sort((a, b) => a.ts - b.ts || (a.metric < b.metric ? -1 : 1))
    .map(g => ({
      ts: g.ts, metric: g.metric, count: g.count,
      avg: g.nums.length ? g.nums.reduce((s, n) => s + n, 0) / g.nums.length : null,
      min: g.nums.length ? Math.min(...g.nums) : null,
      max: g.nums.length ? Math.max(...g.nums) : null
    }))
}

function expectBuckets(actual: BucketItem[], expected: BucketItem[]) {
  expect(actual.map(b => [b.ts, b.metric, b.count, b.min, b.max])).toEqual(expected.map(b => [b.ts, b.metric, b.count, b.min, b.max]))
  actual.forEach((b, i) => {
    if (expected[i]!.avg === null) expect(b.avg).toBeNull()
    else expect(b.avg).toBeCloseTo(expected[i]!.avg!, 9)
  })
}

const totalCount = (items: BucketItem[]) => items.reduce((s, b) => s + b.count, 0)

beforeAll(async () => {
  const db = await createTestDatabase()
  drop = db.drop
  server = await startServer({ ...emulatorServerEnv(), DATABASE_URL: db.url, MQTT_URL: SERVICES.mosquittoUrl, MQTT_CLIENT_ID: serverClientId, DEMO_DATA: '1', SIMULATOR: '0' })
  token = await signIn('platform@demo.local')

  // A tenant of this run with the same site slug as the demo tenant, plus a site without PLCs.
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  const [t] = await sql`insert into tenants (slug, name) values (${tenant}, 'API test') returning id`
  await sql`insert into plants (tenant_id, province, slug, name) values (${t!.id}, 'ba', 'planta-1', 'Planta 1 (test)'), (${t!.id}, 'ba', 'empty-plant', 'Empty')`
  await sql.end()

  client = await connectClient(SERVICES.mosquittoUrl, { clientId: uniqueId('api-pub') })
  await publish(client, 'factory/granix/ba/planta-1/press-01/telemetry', SEED_B)
  await publish(client, 'factory/granix/ba/planta-1/gateway/granix-ba-gw-01/telemetry', SEED_A)
  for (const m of series) await publish(client, `factory/${tenant}/ba/planta-1/press-01/telemetry`, m)
  await publish(client, `factory/${tenant}/ba/planta-1/press-02/telemetry`, PRESS_02)
  // An old value arriving last (a gateway flushing its buffer): stored, but the state keeps the newer one.
  await publish(client, `factory/${tenant}/ba/planta-1/press-01/telemetry`, SEED_B)

  await waitFor(async () => (await get<History<RawItem>>(history('from=2025-01-01&limit=10000'))).body.items?.length === N * 4 + 4, 30_000, 'the series to be stored')
  await waitFor(async () => (await get(`/api/plcs/planta-1/press-02/state?tenant=${tenant}`)).status === 200, 10_000, 'press-02')
  await waitFor(async () => (await get('/api/plcs/planta-1/plc-03/state?tenant=granix')).status === 200, 10_000, 'the seed messages')
})

afterAll(async () => {
  if (client) await endClient(client)
  await server?.stop()
  // The ingest keeps a persistent MQTT session; end it so the broker stops queueing for this client id.
  await connectClient(SERVICES.mosquittoUrl, { clientId: serverClientId, clean: true, protocolVersion: 5 }).then(endClient, () => {})
  await drop?.()
})

describe('GET /api/sites', () => {
  it('lists plants with their tenant', async () => {
    const sites = await ok<unknown[]>('/api/sites')
    expect(sites).toEqual(expect.arrayContaining([
      { site: 'planta-1', name: 'Planta 1', province: 'ba', tenant: 'granix' },
      { site: 'planta-norte', name: 'Planta Norte', province: 'cba', tenant: 'other' },
      { site: 'planta-1', name: 'Planta 1 (test)', province: 'ba', tenant }
    ]))
  })

  it('filters by tenant', async () => {
    expect(await ok('/api/sites?tenant=other')).toEqual([{ site: 'planta-norte', name: 'Planta Norte', province: 'cba', tenant: 'other' }])
    expect(await ok(`/api/sites?tenant=${tenant}`)).toEqual([
      { site: 'empty-plant', name: 'Empty', province: 'ba', tenant },
      { site: 'planta-1', name: 'Planta 1 (test)', province: 'ba', tenant }
    ])
    expect(await ok('/api/sites?tenant=no-such-tenant')).toEqual([])
  })
})

describe('GET /api/plcs', () => {
  const press01 = { plcId: 'press-01', name: null, status: 'pending', site: 'planta-1', tenant, gatewayId: null, createdAt: expect.any(Number) }
  const press02 = { ...press01, plcId: 'press-02', gatewayId: 'gw-t1' }

  it('lists PLCs, auto-created as pending, with their gateway', async () => {
    const plcs = await ok<{ createdAt: number }[]>(`/api/plcs?tenant=${tenant}`)
    expect(plcs).toEqual([press01, press02])
    for (const p of plcs) expect(Math.abs(p.createdAt - now)).toBeLessThan(5 * MIN)
    expect(await ok('/api/plcs')).toEqual(expect.arrayContaining([
      press01, press02,
      expect.objectContaining({ plcId: 'press-01', site: 'planta-1', tenant: 'granix' }),
      expect.objectContaining({ plcId: 'plc-03', site: 'planta-1', tenant: 'granix', gatewayId: 'granix-ba-gw-01' })
    ]))
  })

  it('lists the PLCs of a site', async () => {
    expect(await ok(`/api/plcs/planta-1?tenant=${tenant}`)).toEqual([press01, press02])
    expect(await ok(`/api/plcs/empty-plant?tenant=${tenant}`)).toEqual([])
    const both = await ok<{ tenant: string }[]>('/api/plcs/planta-1')
    expect(new Set(both.map(p => p.tenant))).toEqual(new Set(['granix', tenant]))
  })

  it('answers 404 for an unknown site', async () => {
    for (const path of ['/api/plcs/no-such-site', '/api/plcs/planta-1?tenant=other']) {
      const { status, body } = await get<ErrorBody>(path)
      expect(status).toBe(404)
      expect(body).toMatchObject({ statusCode: 404, message: expect.stringContaining('not found'), data: { code: 'SITE_NOT_FOUND' } })
    }
  })

  it('returns one PLC', async () => {
    expect(await ok(`/api/plcs/planta-1/press-02?tenant=${tenant}`)).toEqual(press02)
    // Only granix has a plc-03, so no tenant is needed.
    expect(await ok('/api/plcs/planta-1/plc-03')).toMatchObject({ plcId: 'plc-03', tenant: 'granix', gatewayId: 'granix-ba-gw-01' })
  })

  it('answers 404 for an unknown PLC or site', async () => {
    for (const path of [`/api/plcs/planta-1/nope?tenant=${tenant}`, '/api/plcs/no-such-site/press-01', '/api/plcs/planta-1/press-01?tenant=other']) {
      const { status, body } = await get<ErrorBody>(path)
      expect(status, path).toBe(404)
      expect(body).toMatchObject({ statusCode: 404, message: expect.any(String), data: { code: 'PLC_NOT_FOUND' } })
    }
  })

  it('answers 409 when the site exists in several tenants and none was given', async () => {
    const { status, body } = await get<ErrorBody>('/api/plcs/planta-1/press-01')
    expect(status).toBe(409)
    expect(body.data.code).toBe('SITE_AMBIGUOUS')
  })

  it('answers 422 naming the parameter for a bad one', async () => {
    const { status, body } = await get<ErrorBody>(`/api/plcs/planta-1/${'x'.repeat(200)}`)
    expect(status).toBe(422)
    expect(body.data).toMatchObject({ code: 'INVALID_PARAMS', field: 'plcId' })
  })
})

describe('GET /api/plcs/:site/:plcId/state', () => {
  it('returns the latest value of each metric, last-write-wins by timestamp', async () => {
    const state = await ok(`/api/plcs/planta-1/press-01/state?tenant=${tenant}`)
    expect(state).toEqual({
      tenant, site: 'planta-1', plcId: 'press-01', ts: last.timestamp,
      values: last.values,
      metrics: {
        pressure: { value: last.values.pressure, ts: last.timestamp, quality: 'GOOD', unit: 'bar' },
        temp_head: { value: last.values.temp_head, ts: last.timestamp, quality: 'GOOD', unit: 'celsius' },
        running: { value: last.values.running, ts: last.timestamp, quality: 'GOOD', unit: null },
        mode: { value: last.values.mode, ts: last.timestamp, quality: 'GOOD', unit: null }
      }
    })
  })

  it('returns shape A values with their unit and quality', async () => {
    const state = await ok<{ metrics: Record<string, unknown> }>('/api/plcs/planta-1/plc-03/state?tenant=granix')
    expect(state.metrics.temp_head).toMatchObject({ ts: SEED_TS, quality: 'GOOD', unit: 'celsius' })
  })

  it('answers 404 for an unknown PLC', async () => {
    const { status, body } = await get<ErrorBody>(`/api/plcs/planta-1/nope/state?tenant=${tenant}`)
    expect(status).toBe(404)
    expect(body.data.code).toBe('PLC_NOT_FOUND')
  })
})

describe('GET /api/telemetry/latest', () => {
  const latest = (plcId: string, metric: string, value: Value, ts: number, unit: string | null = null, quality: string | null = 'GOOD') =>
    ({ tenant, site: 'planta-1', plcId, metric, value, ts, quality, unit })

  it('returns the newest values across PLCs, newest first', async () => {
    expect(await ok(`/api/telemetry/latest?tenant=${tenant}&limit=5`)).toEqual([
      latest('press-02', 'door_open', false, PRESS_02.timestamp, null, null),
      latest('press-02', 'speed', 1200, PRESS_02.timestamp, null, null),
      latest('press-01', 'mode', last.values.mode, last.timestamp),
      latest('press-01', 'pressure', last.values.pressure, last.timestamp, 'bar'),
      latest('press-01', 'running', last.values.running, last.timestamp)
    ])
    expect(await ok<unknown[]>(`/api/telemetry/latest?tenant=${tenant}`)).toHaveLength(6)
  })

  it('defaults to 100 rows across tenants, ordered by ts desc', async () => {
    const rows = await ok<{ ts: number }[]>('/api/telemetry/latest')
    expect(rows.length).toBeGreaterThanOrEqual(7)
    expect(rows.length).toBeLessThanOrEqual(100)
    expect(rows.map(r => r.ts)).toEqual(rows.map(r => r.ts).sort((a, b) => b - a))
  })

  it('refuses a limit out of range, naming it', async () => {
    for (const limit of ['0', '1001', 'many']) {
      const { status, body } = await get<ErrorBody>(`/api/telemetry/latest?limit=${limit}`)
      expect(status).toBe(422)
      expect(body.data).toMatchObject({ code: 'INVALID_QUERY', field: 'limit' })
      expect(body.message).toContain('limit')
    }
  })
})

describe('GET /api/telemetry/:site/:plcId (raw)', () => {
  it('defaults to the last 24 h, ordered by ts', async () => {
    const page = await ok<History<RawItem>>(history(''))
    expect(page).toMatchObject({ tenant, site: 'planta-1', plcId: 'press-01', bucket: 'raw', nextCursor: null })
    expect(page.to - page.from).toBe(DAY)
    expect(Math.abs(page.to - Date.now())).toBeLessThan(MIN)
    expect(page.items).toHaveLength(N * 4)
    expect(page.items.map(i => i.ts)).toEqual(page.items.map(i => i.ts).sort((a, b) => a - b))
    expect(page.items.slice(0, 4)).toEqual([
      { ts: seriesStart, metric: 'mode', value: 'auto', quality: 'GOOD', unit: null },
      { ts: seriesStart, metric: 'pressure', value: 4, quality: 'GOOD', unit: 'bar' },
      { ts: seriesStart, metric: 'running', value: false, quality: 'GOOD', unit: null },
      { ts: seriesStart, metric: 'temp_head', value: 80, quality: 'GOOD', unit: 'celsius' }
    ])
  })

  it('keeps old values (buffer flushes) and filters by range and metric', async () => {
    const seed = await ok<History<RawItem>>(history(`from=${iso(SEED_TS)}&to=${iso(SEED_TS)}`))
    expect(Object.fromEntries(seed.items.map(i => [i.metric, i.value]))).toEqual(SEED_B.values)
    expect((await ok<History<RawItem>>(history('from=2025-01-01&limit=10000'))).items).toHaveLength(N * 4 + 4)
    const pressure = await ok<History<RawItem>>(history('metric=pressure'))
    expect(pressure.items).toHaveLength(N)
    expect(pressure.items.every(i => i.metric === 'pressure' && typeof i.value === 'number')).toBe(true)
    expect((await ok<History<RawItem>>(history('metric=pressure&metric=mode'))).items).toHaveLength(2 * N)
    // The shared demo tenant's copy of the seed message.
    const granix = await ok<History<RawItem>>(`/api/telemetry/planta-1/press-01?tenant=granix&from=${iso(SEED_TS)}&to=${iso(SEED_TS)}`)
    expect(Object.fromEntries(granix.items.map(i => [i.metric, i.value]))).toEqual(SEED_B.values)
  })

  it('walks every row exactly once with the cursor', async () => {
    const all = (await ok<History<RawItem>>(history('limit=10000'))).items
    for (const limit of [100, 120, 7]) {
      const pages = await walk<RawItem>(history(`limit=${limit}`))
      expect(pages).toHaveLength(Math.ceil(all.length / limit))
      expect(pages.slice(0, -1).every(p => p.items.length === limit && p.nextCursor)).toBe(true)
      expect(pages.flatMap(p => p.items)).toEqual(all)
    }
  })

  it('answers 404 for an unknown PLC', async () => {
    const { status, body } = await get<ErrorBody>(`/api/telemetry/planta-1/nope?tenant=${tenant}`)
    expect(status).toBe(404)
    expect(body).toMatchObject({ statusCode: 404, data: { code: 'PLC_NOT_FOUND' } })
  })
})

describe('GET /api/telemetry/:site/:plcId (buckets)', () => {
  const range = `from=${iso(now - HOUR)}&to=${iso(now)}`
  let raw: RawItem[]

  beforeAll(async () => {
    raw = (await ok<History<RawItem>>(history(`${range}&limit=10000`))).items
    expect(raw).toHaveLength(N * 4)
  })

  it('aggregates raw events per minute and per 5 minutes', async () => {
    for (const [bucket, width] of [['1m', MIN], ['5m', 5 * MIN]] as const) {
      const page = await ok<History<BucketItem>>(history(`${range}&bucket=${bucket}`))
      expect(page.bucket).toBe(bucket)
      expectBuckets(page.items, aggregate(raw, width))
      expect(totalCount(page.items)).toBe(raw.length)
    }
  })

  it('filters buckets by metric', async () => {
    const page = await ok<History<BucketItem>>(history(`${range}&bucket=5m&metric=pressure&metric=running`))
    expectBuckets(page.items, aggregate(raw.filter(i => i.metric === 'pressure' || i.metric === 'running'), 5 * MIN))
    const hourly = await ok<History<BucketItem>>(history(`${range}&bucket=1h&metric=temp_head`))
    expectBuckets(hourly.items, aggregate(raw.filter(i => i.metric === 'temp_head'), HOUR))
  })

  it('reads hours from telemetry_hourly', async () => {
    const page = await ok<History<BucketItem>>(history(`${range}&bucket=1h`))
    expect(page.bucket).toBe('1h')
    expectBuckets(page.items, aggregate(raw, HOUR))
  })

  it('adds up to the raw count at every width', async () => {
    // Explicit widths from raw events are capped at 100 000 buckets, so they look at the last day.
    for (const bucket of ['1m', '5m', '15m']) {
      const page = await ok<History<BucketItem>>(history(`limit=10000&bucket=${bucket}`))
      expect(totalCount(page.items), bucket).toBe(N * 4)
    }
    for (const bucket of ['1h', '6h', '1d']) {
      const page = await ok<History<BucketItem>>(history(`from=2025-01-01&limit=10000&bucket=${bucket}`))
      expect(totalCount(page.items), bucket).toBe(N * 4 + 4)
    }
  })

  it('picks a width with auto', async () => {
    const cases: [number, string][] = [[HOUR, 'raw'], [DAY, '5m'], [3 * DAY, '5m'], [6 * DAY, '15m'], [30 * DAY, '1h'], [200 * DAY, '6h'], [1000 * DAY, '1d']]
    for (const [span, bucket] of cases) {
      const from = now - span
      const page = await ok<History<BucketItem>>(history(`from=${iso(from)}&to=${iso(now)}&bucket=auto&limit=10000`))
      expect(page.bucket, `${span / DAY} days`).toBe(bucket)
      // The old seed value is in the range only when the range reaches back to it.
      const expected = N * 4 + (from <= SEED_TS ? 4 : 0)
      expect(bucket === 'raw' ? page.items.length : totalCount(page.items), `${span / DAY} days`).toBe(expected)
    }
  })

  it('pages buckets with the cursor', async () => {
    const all = (await ok<History<BucketItem>>(history(`${range}&bucket=1m`))).items
    const pages = await walk<BucketItem>(history(`${range}&bucket=1m&limit=7`))
    expect(pages).toHaveLength(Math.ceil(all.length / 7))
    expect(pages.flatMap(p => p.items)).toEqual(all)
  })
})

describe('GET /api/telemetry/:site/:plcId (validation)', () => {
  it('answers 422 naming the field', async () => {
    const rawCursor = (await ok<History<RawItem>>(history('limit=1'))).nextCursor
    const cases: [string, string][] = [
      ['from=not-a-date', 'from'],
      ['to=yesterday', 'to'],
      ['from=2025-01-08T18:00:00', 'from'],
      ['limit=-1', 'limit'],
      ['limit=10001', 'limit'],
      ['limit=ten', 'limit'],
      ['bucket=2m', 'bucket'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${rawCursor}&bucket=1m`, 'cursor'],
      [`from=${iso(now)}&to=${iso(now - HOUR)}`, 'from'],
      ['from=2000-01-01&bucket=1m', 'bucket'],
      ['tenant=', 'tenant']
    ]
    for (const [query, field] of cases) {
      const { status, body } = await get<ErrorBody>(`/api/telemetry/planta-1/press-01?${query}`)
      expect(status, query).toBe(422)
      expect(body.statusCode).toBe(422)
      expect(body.data, query).toMatchObject({ code: 'INVALID_QUERY', field })
      expect(body.message, query).toContain(field)
    }
  })
})
