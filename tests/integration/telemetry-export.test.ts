import { parse } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../server/db/client'
import { can } from '../../server/auth/policy'
import { startServer, type RunningServer } from '../support/server'
import { createTestDatabase, createTestDataDir } from '../support/services'
import { bearer, emulatorServerEnv, newAccount } from '../support/auth'
import { MIGRATIONS } from '../support/platform'
import { createPlc, storePoints, type Point, type TestPlc, type Value } from '../support/telemetry-rows'

// The stats and CSV export routes against the built server, on PostgreSQL and on the embedded PGlite.
// The data is written before the server starts by the ingest's own writer (so raw rows, per-minute and
// hourly aggregates are what MQTT ingest keeps); every expectation is computed here from those points.

const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const BASE = Date.UTC(2025, 0, 8, 6, 0, 0)
const STEP = 10 * SEC
const HOURS = 4
const BIG_ROWS = 210_000

const TEXTS = ['plain', 'comma, inside', 'a "quoted" word', 'two\nlines', 'cr\r\nlf', ' padded ', '', 'lone\rcr']

/** Four hours of one sample every 10 s (at +123 ms) of each kind of metric and persistence mode. */
function series(): Point[] {
  const out: Point[] = []
  for (let i = 0; i < HOURS * HOUR / STEP; i++) {
    const ts = BASE + i * STEP + 123
    out.push(
      { metric: 'temp', ts, value: Math.round(600 + 250 * Math.sin(i / 37)) / 10, unit: 'celsius' },
      { metric: 'running', ts, value: i % 7 < 4 },
      { metric: 'note', ts, value: `${TEXTS[i % TEXTS.length]}#${i}` },
      { metric: 'level', ts, value: (i * 37) % 101, mode: 'raw' },
      { metric: 'energy', ts, value: i * 0.25, mode: 'hourly' }
    )
  }
  return out
}

const POINTS = series()
const isRaw = (p: Point) => p.mode !== 'hourly'
const num = (v: Value): number | null => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null)

interface Stats { metric: string, count: number, min: number | null, max: number | null, avg: number | null, first: number | null, last: number | null, firstTs: number | null, lastTs: number | null }

/** What the stats should be: raw-kept values in [from, to]; hourly-only ones in the whole hours inside it. */
function expectedStats(metric: string, from: number, to: number): Stats {
  const inRange = POINTS.filter(p => p.metric === metric && (isRaw(p)
    ? p.ts >= from && p.ts <= to
    : Math.floor(p.ts / HOUR) * HOUR >= from && Math.floor(p.ts / HOUR) * HOUR + HOUR <= to))
  const nums = inRange.map(p => num(p.value)).filter((n): n is number => n !== null)
  const first = inRange[0]
  const last = inRange[inRange.length - 1]
  return {
    metric, count: inRange.length,
    min: nums.length ? Math.min(...nums) : null,
    max: nums.length ? Math.max(...nums) : null,
    avg: nums.length ? nums.reduce((s, n) => s + n, 0) / nums.length : null,
    first: first ? num(first.value) : null, last: last ? num(last.value) : null,
    firstTs: first?.ts ?? null, lastTs: last?.ts ?? null
  }
}

function expectStats(actual: Stats[], metrics: string[], from: number, to: number) {
  expect(actual.map(s => s.metric)).toEqual(metrics)
  for (const s of actual) {
    const { avg, ...rest } = expectedStats(s.metric, from, to)
    expect(s, s.metric).toMatchObject(rest)
    if (avg === null) expect(s.avg).toBeNull()
    else expect(s.avg).toBeCloseTo(avg, 9)
  }
}

/** The CSV cell of a value as the export writes it. */
const cell = (v: Value | null) => (v === null ? '' : String(v))

/** Loads the big PLC's rows with PostgreSQL's generate_series: the export's size, not the ingest, is under test. */
async function loadBig(db: Database, plc: TestPlc): Promise<void> {
  for (const metric of ['a', 'b']) {
    await db.sql.query(
      `insert into telemetry_events (tenant_id, plc_id, metric, ts, value_num, quality, key)
       select $1, $2, $3, to_timestamp(($4::float8 + g * 1000) / 1000), g, 'GOOD', 'k' from generate_series(0, $5::int - 1) g`,
      [plc.tenantId, plc.id, metric, BASE, BIG_ROWS / 2])
    await db.sql.query(
      `insert into plc_state (tenant_id, plc_id, metric, value_num, ts) values ($1, $2, $3, 0, to_timestamp($4::float8 / 1000))`,
      [plc.tenantId, plc.id, metric, BASE])
  }
}

interface Users { admin: string, viewer: string, otherAdmin: string }

/** Accounts in the Auth emulator, known to the platform with a tenant and a role. */
async function createUsers(db: Database, tenants: { a: string, b: string }): Promise<Users> {
  const make = async (tenantId: string, role: string) => {
    const account = await newAccount()
    await db.sql.query(`insert into users (firebase_uid, email, tenant_id, role, plant_access) values ($1, $2, $3, $4, '{}'::uuid[])`,
      [account.uid, account.email, tenantId, role])
    return account.token
  }
  return { admin: await make(tenants.a, 'admin'), viewer: await make(tenants.a, 'viewer'), otherAdmin: await make(tenants.b, 'admin') }
}

/** The data every target gets: tenant A's PLC with the series and a big PLC; tenant B with the same slugs. */
async function seed(db: Database): Promise<Users> {
  await db.migrate(MIGRATIONS)
  const plc = await createPlc(db.sql, { tenant: 'exp-a', province: 'ba', plant: 'line-1', plcId: 'plc-01' })
  await storePoints(db.sql, plc, POINTS)
  await loadBig(db, await createPlc(db.sql, { tenant: 'exp-a', province: 'ba', plant: 'line-1', plcId: 'plc-big' }))
  const other = await createPlc(db.sql, { tenant: 'exp-b', province: 'ba', plant: 'line-2', plcId: 'plc-01' })
  return createUsers(db, { a: plc.tenantId, b: other.tenantId })
}

interface Target { server: RunningServer, users: Users, cleanup: () => Promise<void> }

async function startPostgres(): Promise<Target> {
  const pg = await createTestDatabase()
  const data = createTestDataDir()
  const db = await openDatabase({ kind: 'postgres', url: pg.url })
  const users = await seed(db).finally(() => db.close())
  const server = await startServer({ ...emulatorServerEnv(), DATABASE_URL: pg.url, DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0' })
  return { server, users, cleanup: async () => {
    await server.stop()
    await pg.drop()
    data.remove()
  } }
}

async function startEmbedded(): Promise<Target> {
  const data = createTestDataDir()
  // PGlite has one process: seed its data directory first, then hand it to the server.
  const db = await openDatabase({ kind: 'pglite', dataDir: `${data.dir}/pglite` })
  const users = await seed(db).finally(() => db.close())
  const server = await startServer({ ...emulatorServerEnv(), DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0' })
  return { server, users, cleanup: async () => {
    await server.stop()
    data.remove()
  } }
}

describe.each([['PostgreSQL', startPostgres], ['embedded PGlite', startEmbedded]] as const)('stats and CSV export on %s', (_name, start) => {
  let t: Target
  beforeAll(async () => {
    t = await start()
  })
  afterAll(async () => {
    await t?.cleanup()
  })

  const url = (path: string) => `${t.server.url}/api/telemetry/line-1/${path}`
  const get = (path: string, token: string | null = t.users.admin) => fetch(url(path), { headers: token ? bearer(token) : {} })

  async function stats(query: string, token?: string): Promise<Stats[]> {
    const res = await get(`plc-01/stats?${query}`, token)
    const body = await res.json() as { items: Stats[] }
    expect(res.status, JSON.stringify(body)).toBe(200)
    return body.items
  }

  async function csv(query: string): Promise<{ res: Response, text: string, rows: string[][] }> {
    const res = await get(`plc-01/export.csv?${query}`)
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(200)
    return { res, text, rows: parseSync(text) as string[][] }
  }

  describe('stats', () => {
    const metrics = ['energy', 'level', 'note', 'running', 'temp']

    it('is exact over a range cut mid-minute at both ends, spanning whole and partial hours', async () => {
      const from = BASE + 25 * MIN + 4321
      const to = BASE + 3 * HOUR + 35 * MIN + 999
      expectStats(await stats(`from=${new Date(from).toISOString()}&to=${to}`), metrics, from, to)
    })

    it('is exact on hour boundaries, inside one hour, and for a single metric list', async () => {
      for (const [from, to] of [[BASE, BASE + 2 * HOUR], [BASE + HOUR + 5 * MIN + 1, BASE + HOUR + 47 * MIN + 30 * SEC], [BASE + 59 * MIN, BASE + HOUR + MIN]]) {
        expectStats(await stats(`from=${from}&to=${to}`), metrics, from!, to!)
      }
      const from = BASE + 10 * MIN + 17
      const to = BASE + 2 * HOUR + 50 * MIN
      expectStats(await stats(`from=${from}&to=${to}&metric=temp,energy`), ['energy', 'temp'], from, to)
      expectStats(await stats(`from=${from}&to=${to}&metric=temp&metric=running`), ['running', 'temp'], from, to)
    })

    it('counts a metric kept only hourly over the whole hours inside the range', async () => {
      const from = BASE + 30 * MIN
      const to = BASE + 3 * HOUR + 30 * MIN
      const [energy] = await stats(`from=${from}&to=${to}&metric=energy`)
      expect(energy).toMatchObject({ count: 2 * HOUR / STEP, firstTs: BASE + HOUR + 123, lastTs: BASE + 3 * HOUR - STEP + 123 })
    })

    it('answers zero counts outside the data', async () => {
      const [temp] = await stats(`from=${BASE - 2 * HOUR}&to=${BASE - HOUR}&metric=temp`)
      expect(temp).toEqual({ metric: 'temp', count: 0, min: null, max: null, avg: null, first: null, last: null, firstTs: null, lastTs: null })
    })
  })

  describe('CSV export', () => {
    it('has every raw row once, in order, with headers, RFC 4180 quoting and ISO timestamps', async () => {
      const from = BASE + 25 * MIN + 4321
      const to = BASE + 2 * HOUR
      const { res, text, rows } = await csv(`from=${from}&to=${to}`)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="line-1_plc-01_raw_20250108T062504Z_20250108T080000Z.csv"')
      const expected = POINTS.filter(p => isRaw(p) && p.ts >= from && p.ts <= to)
        .sort((a, b) => a.ts - b.ts || (a.metric < b.metric ? -1 : 1))
        .map(p => [new Date(p.ts).toISOString(), p.metric, cell(p.value), 'GOOD', p.unit ?? ''])
      expect(rows[0]).toEqual(['ts', 'metric', 'value', 'quality', 'unit'])
      expect(rows.slice(1)).toEqual(expected)
      // Records end in CRLF; only fields that need it are quoted, and quotes are doubled.
      expect(text.startsWith('ts,metric,value,quality,unit\r\n')).toBe(true)
      expect(text).toContain(',note,"a ""quoted"" word#')
      expect(text).toContain(',note,"comma, inside#')
      expect(text).toContain(',note,"two\nlines#')
      expect(text).toContain(',note,"cr\r\nlf#')
      expect(text).toContain(',note,"lone\rcr#')
      expect(text).toContain(',note,plain#')
    })

    it('takes metric=a,b, and bucket widths matching the raw rows', async () => {
      const from = BASE + 7 * MIN + 30 * SEC
      const to = BASE + 3 * HOUR + 2 * MIN
      const { rows } = await csv(`from=${from}&to=${to}&metric=temp,running,level&bucket=5m`)
      expect(rows[0]).toEqual(['ts', 'metric', 'count', 'avg', 'min', 'max'])
      const groups = new Map<string, number[]>()
      for (const p of POINTS.filter(p => ['temp', 'running', 'level'].includes(p.metric) && p.ts >= from && p.ts <= to)) {
        const k = `${new Date(Math.floor(p.ts / (5 * MIN)) * 5 * MIN).toISOString()}|${p.metric}`
        groups.set(k, [...groups.get(k) ?? [], num(p.value)!])
      }
      const expected = [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, nums]) => ({
        head: [...k.split('|'), nums.length, Math.min(...nums), Math.max(...nums)], avg: nums.reduce((s, n) => s + n, 0) / nums.length
      }))
      expect(rows.slice(1).map(r => [r[0], r[1], Number(r[2]), Number(r[4]), Number(r[5])])).toEqual(expected.map(e => e.head))
      rows.slice(1).forEach((r, i) => expect(Number(r[3])).toBeCloseTo(expected[i]!.avg, 9))
      const raw = await csv(`from=${from}&to=${to}&metric=temp&bucket=auto`)
      expect(raw.rows[0]).toEqual(['ts', 'metric', 'count', 'avg', 'min', 'max'])
    })

    it(`streams a large export (${BIG_ROWS.toLocaleString('en')} rows) completely, in order`, async () => {
      const res = await get(`plc-big/export.csv?from=${BASE}&to=${BASE + BIG_ROWS * SEC}`)
      expect(res.status).toBe(200)
      let count = 0
      let previous = ''
      const parser = parse({ from_line: 2 })
      const reading = (async () => {
        for await (const r of parser as AsyncIterable<string[]>) {
          const key = `${r[0]}|${r[1]}`
          if (key <= previous) throw new Error(`out of order: ${previous} then ${key}`)
          if (Number(r[2]) !== (Date.parse(r[0]!) - BASE) / SEC) throw new Error(`wrong value in ${r.join(',')}`)
          previous = key
          count++
        }
      })()
      for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) parser.write(chunk)
      parser.end()
      await reading
      expect(count).toBe(BIG_ROWS)
      expect(previous).toBe(`${new Date(BASE + (BIG_ROWS / 2 - 1) * SEC).toISOString()}|b`)
    })

    it('survives a client that goes away mid-download', async () => {
      const controller = new AbortController()
      const res = await fetch(url(`plc-big/export.csv?from=${BASE}&to=${BASE + BIG_ROWS * SEC}`), { headers: bearer(t.users.admin), signal: controller.signal })
      const reader = res.body!.getReader()
      await reader.read()
      controller.abort()
      await reader.closed.catch(() => {})
      // The server carries on, and its cursor is gone: a full export still works.
      const again = await csv(`from=${BASE}&to=${BASE + HOUR}&metric=temp`)
      expect(again.rows.length).toBe(1 + HOUR / STEP)
    })
  })

  describe('access', () => {
    const routes = ['plc-01/stats?metric=temp', 'plc-01/export.csv?metric=temp']

    it('needs a token: 401 without one', async () => {
      for (const r of routes) {
        const res = await get(r, null)
        expect(res.status, r).toBe(401)
      }
    })

    it('takes ?token= on the export only (a download link), not on other routes', async () => {
      const res = await get(`plc-01/export.csv?metric=temp&from=${BASE}&to=${BASE + MIN}&token=${t.users.admin}`, null)
      expect(res.status).toBe(200)
      expect(parseSync(await res.text())).toHaveLength(1 + MIN / STEP)
      expect((await get(`plc-01/stats?metric=temp&token=${t.users.admin}`, null)).status).toBe(401)
    })

    it('lets a viewer read stats and export as the policy says', async () => {
      const viewer = { role: 'viewer', tenantId: null, plantAccess: 'all', platformAdmin: false } as unknown as Parameters<typeof can>[0]
      expect((await get(routes[0]!, t.users.viewer)).status).toBe(can(viewer, 'telemetry:read') ? 200 : 403)
      expect((await get(routes[1]!, t.users.viewer)).status).toBe(can(viewer, 'export:run') ? 200 : 403)
    })

    it('answers another tenant\'s site with the same 404 as the history route', async () => {
      const history = await get('plc-01?metric=temp', t.users.otherAdmin)
      expect(history.status).toBe(404)
      const { url: _u, ...historyBody } = await history.json() as { url: string }
      for (const r of routes) {
        const res = await get(r, t.users.otherAdmin)
        expect(res.status, r).toBe(404)
        const { url: _url, ...body } = await res.json() as { url: string }
        expect(body).toEqual(historyBody)
      }
    })
  })

  describe('bad input', () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=2025-13-45', 'to'],
      ['from=2025-01-08T10:00:00Z&to=2025-01-08T09:00:00Z', 'from'],
      ['metric=', 'metric']
    ]

    it('is a 422 naming the field', async () => {
      for (const route of ['stats', 'export.csv']) {
        for (const [query, field] of cases) {
          const res = await get(`plc-01/${route}?${query}`)
          const body = await res.json() as { data: { code: string, field: string } }
          expect([res.status, body.data], `${route}?${query}`).toEqual([422, expect.objectContaining({ code: 'INVALID_QUERY', field })])
        }
      }
      for (const query of ['bucket=2m', 'bucket=1m&from=2020-01-01&to=2025-01-01']) {
        const res = await get(`plc-01/export.csv?${query}`)
        expect([res.status, (await res.json() as { data: { field: string } }).data.field], query).toEqual([422, 'bucket'])
      }
    })
  })
})
