import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { parse as parseCsv } from 'csv-parse/sync'
import { parquetReadObjects } from 'hyparquet'
import pino from 'pino'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../server/db/client'
import { runColdStorage, type ColdJobDeps } from '../../server/cold/job'
import { utcDay } from '../../server/cold/partitions'
import { createColdStore } from '../../server/cold/store'
import { MIGRATIONS } from '../support/platform'
import { freePort, startServer, type RunningServer } from '../support/server'
import { createTestDatabase, createTestDataDir } from '../support/services'
import { bearer, emulatorServerEnv, newAccount } from '../support/auth'
import { createPlc, storePoints, type Point, type TestPlc } from '../support/telemetry-rows'

// Cold storage on the real database engines (PostgreSQL here, and the embedded PGlite): closed days
// exported per plant to Parquet and CSV, read back with independent readers (hyparquet, csv-parse) and
// compared with the points stored; raw partitions dropped past the retention only once verified.

const NOW = Date.now()
const DAYS_BACK = [5, 4, 3]
const startOfDay = (n: number) => Date.parse(`${utcDay(NOW, n)}T00:00:00Z`)
const TEXTS = ['plain', 'comma, inside', 'a "quoted" word', 'two\nlines', '']
const silent = pino({ level: 'silent' })

/** A value of each kind every 15 minutes of a day, at odd milliseconds. */
function dayPoints(n: number, salt: number): Point[] {
  const out: Point[] = []
  for (let i = 0; i < 96; i++) {
    const ts = startOfDay(n) + i * 900_000 + 123 + salt
    out.push(
      { metric: 'temp', ts, value: Math.round(1000 * Math.sin(i + salt)) / 10, unit: 'celsius', mode: 'raw' },
      { metric: 'running', ts, value: (i + salt) % 3 === 0, mode: 'raw' },
      { metric: 'note', ts, value: `${TEXTS[i % TEXTS.length]}#${i}`, quality: i % 10 === 0 ? 'BAD' : 'GOOD', mode: 'raw' }
    )
  }
  return out
}

interface Seeded { a: TestPlc, b: TestPlc, points: Map<string, Point[]> }

/** Two tenants' plants with three closed days each, in partitions made for those days. */
async function seed(db: Database): Promise<Seeded> {
  await db.migrate(MIGRATIONS)
  await db.sql.query('select ensure_telemetry_partitions(6, 1)')
  const a = await createPlc(db.sql, { tenant: 'cold-a', province: 'ba', plant: 'line-1', plcId: 'plc-01' })
  const b = await createPlc(db.sql, { tenant: 'cold-b', province: 'ba', plant: 'line-2', plcId: 'plc-07' })
  const points = new Map<string, Point[]>()
  for (const n of DAYS_BACK) {
    for (const [plc, salt] of [[a, 0], [b, 7]] as const) {
      const p = dayPoints(n, salt)
      await storePoints(db.sql, plc, p)
      points.set(`${plc.plantId}|${utcDay(NOW, n)}`, p)
    }
  }
  return { a, b, points }
}

const sortPoints = (p: Point[]) => [...p].sort((x, y) => (x.metric < y.metric ? -1 : x.metric > y.metric ? 1 : x.ts - y.ts))

/** What the Parquet file must hold for these points, as hyparquet reads it. */
function expectParquetHolds(records: Record<string, unknown>[], plcId: string, points: Point[]) {
  expect(records).toHaveLength(points.length)
  sortPoints(points).forEach((p, i) => {
    const r = records[i]!
    expect(r.plc).toBe(plcId)
    expect(r.metric).toBe(p.metric)
    expect((r.ts as Date).getTime()).toBe(p.ts)
    expect(r.value_num).toBe(typeof p.value === 'number' ? p.value : null)
    expect(r.value_bool).toBe(typeof p.value === 'boolean' ? p.value : null)
    expect(r.value_text).toBe(typeof p.value === 'string' ? p.value : null)
    expect(r.quality).toBe(p.quality ?? 'GOOD')
    expect(r.unit).toBe(p.unit ?? null)
  })
}

const readParquet = (bytes: Buffer) => parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }) as Promise<Record<string, unknown>[]>
const parquetKey = (tenant: string, plant: string, day: string) => `telemetry/tenant=${tenant}/plant=${plant}/day=${day}/telemetry.parquet`
const partitionOf = (n: number) => `telemetry_events_${utcDay(NOW, n).replaceAll('-', '')}`
const exists = async (db: Database, table: string) => (await db.sql.query<{ t: string | null }>('select to_regclass($1)::text as t', [table]))[0]!.t !== null
const rowsOfDay = async (db: Database, n: number) => (await db.sql.query<{ n: number }>(
  `select count(*)::int as n from telemetry_events where ts >= $1::date and ts < $1::date + 1`, [utcDay(NOW, n)]))[0]!.n

describe.each(['postgres', 'pglite'] as const)('cold storage to a folder (%s)', (kind) => {
  const work = createTestDataDir()
  const folder = join(work.dir, 'cold')
  let db: Database
  let seeded: Seeded
  let drop: () => Promise<void> = async () => {}
  const deps = (retentionDays: number): ColdJobDeps => ({ sql: db.sql, store: createColdStore({ kind: 'dir', path: folder })!, formats: ['parquet', 'csv'], retentionDays, logger: silent })

  beforeAll(async () => {
    if (kind === 'postgres') {
      const pg = await createTestDatabase()
      drop = pg.drop
      db = await openDatabase({ kind: 'postgres', url: pg.url })
    } else {
      db = await openDatabase({ kind: 'pglite', dataDir: join(work.dir, 'pglite') })
    }
    seeded = await seed(db)
  })
  afterAll(async () => {
    await db?.close()
    await drop()
    work.remove()
  })

  it('exports every closed day per plant; the Parquet and CSV files read back equal what was stored', async () => {
    const result = await runColdStorage(deps(0), NOW)
    expect(result.exported.map(e => e.day)).toEqual(DAYS_BACK.map(n => utcDay(NOW, n)))
    expect(result.exported.every(e => e.plants === 2 && e.rows === 2 * 288)).toBe(true)
    expect(result.dropped).toEqual([])
    for (const n of DAYS_BACK) {
      const day = utcDay(NOW, n)
      for (const [plc, tenant, plant, plcId] of [[seeded.a, 'cold-a', 'line-1', 'plc-01'], [seeded.b, 'cold-b', 'line-2', 'plc-07']] as const) {
        const points = seeded.points.get(`${plc.plantId}|${day}`)!
        expectParquetHolds(await readParquet(readFileSync(join(folder, parquetKey(tenant, plant, day)))), plcId, points)
        const csv = parseCsv(readFileSync(join(folder, parquetKey(tenant, plant, day).replace('.parquet', '.csv'))), { columns: true }) as Record<string, string>[]
        expect(csv.map(r => [r.metric, Date.parse(r.ts!), r.value_text])).toEqual(
          sortPoints(points).map(p => [p.metric, p.ts, typeof p.value === 'string' ? p.value : '']))
      }
      expect(await exists(db, partitionOf(n))).toBe(true)
    }
    const catalogue = await db.sql.query<{ format: string, rows: number, status: string }>('select format, rows::int as rows, status from cold_exports order by day, plant_id, format')
    expect(catalogue).toHaveLength(DAYS_BACK.length * 2 * 2)
    expect(catalogue.every(e => e.rows === 288 && e.status === 'written')).toBe(true)
    // A second run finds nothing new to export.
    expect((await runColdStorage(deps(0), NOW)).exported).toEqual([])
  })

  it('keeps a partition whose rows changed after the export (late rows), then exports it again and drops it', async () => {
    const late: Point = { metric: 'temp', ts: startOfDay(5) + 3_600_000 + 5, value: 42.5, mode: 'raw' }
    await storePoints(db.sql, seeded.a, [late])
    const first = await runColdStorage(deps(4), NOW)
    // The empty partition made for six days ago has nothing to lose: it goes without an export.
    expect(first.dropped).toEqual([utcDay(NOW, 6)])
    expect(first.kept.map(k => k.day)).toEqual([utcDay(NOW, 5)])
    expect(first.kept[0]!.problems.join()).toMatch(/export again/)
    expect(await exists(db, partitionOf(5))).toBe(true)
    expect(await rowsOfDay(db, 5)).toBe(2 * 288 + 1)

    const second = await runColdStorage(deps(4), NOW)
    expect(second.exported.map(e => e.day)).toEqual([utcDay(NOW, 5)])
    expect(second.dropped).toEqual([utcDay(NOW, 5)])
    expect(await exists(db, partitionOf(5))).toBe(false)
    expect(await rowsOfDay(db, 5)).toBe(0)
    const archived = await readParquet(readFileSync(join(folder, parquetKey('cold-a', 'line-1', utcDay(NOW, 5)))))
    expectParquetHolds(archived, 'plc-01', [...seeded.points.get(`${seeded.a.plantId}|${utcDay(NOW, 5)}`)!, late])
    // Younger days stay in PostgreSQL.
    expect(await exists(db, partitionOf(4))).toBe(true)
  })

  it('keeps a partition whose archived file is damaged, and drops it only after a good export', async () => {
    const file = join(folder, parquetKey('cold-b', 'line-2', utcDay(NOW, 4)))
    const bytes = readFileSync(file)
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff
    writeFileSync(file, bytes)
    const first = await runColdStorage(deps(3), NOW)
    expect(first.dropped).toEqual([])
    expect(first.kept).toEqual([{ day: utcDay(NOW, 4), problems: [expect.stringContaining('checksum differs')] }])
    expect(await exists(db, partitionOf(4))).toBe(true)
    const [entry] = await db.sql.query<{ status: string, error: string }>(
      `select status, error from cold_exports where plant_id = $1 and day = $2::date and format = 'parquet'`, [seeded.b.plantId, utcDay(NOW, 4)])
    expect(entry).toEqual({ status: 'failed', error: 'checksum differs from the file written' })

    const second = await runColdStorage(deps(3), NOW)
    expect(second.dropped).toEqual([utcDay(NOW, 4)])
    expect(await rowsOfDay(db, 4)).toBe(0)
    expect(await rowsOfDay(db, 3)).toBe(2 * 288)
    const statuses = await db.sql.query<{ status: string }>(`select distinct status from cold_exports where day = $1::date`, [utcDay(NOW, 4)])
    expect(statuses).toEqual([{ status: 'verified' }])
  })
})

describe('cold storage to an S3-compatible bucket (s3rver)', () => {
  const work = createTestDataDir()
  let s3: S3rver
  let db: Database
  let drop: () => Promise<void>
  let seeded: Seeded
  let endpoint: string
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

  beforeAll(async () => {
    const port = await freePort()
    s3 = new S3rver({ port, address: '127.0.0.1', silent: true, directory: join(work.dir, 's3'), configureBuckets: [{ name: 'telemetry-archive', configs: [] }] })
    await s3.run()
    endpoint = `http://127.0.0.1:${port}`
    const pg = await createTestDatabase()
    drop = pg.drop
    db = await openDatabase({ kind: 'postgres', url: pg.url })
    seeded = await seed(db)
  })
  afterAll(async () => {
    await db?.close()
    await drop?.()
    await s3?.close()
    work.remove()
  })

  it('writes Parquet objects under the prefix, verifies them by reading them back, and drops the old partitions', async () => {
    const store = createColdStore({ kind: 's3', bucket: 'telemetry-archive', prefix: 'plant-telemetry', region: 'us-east-1', endpoint, forcePathStyle: true, credentials })!
    try {
      const result = await runColdStorage({ sql: db.sql, store, formats: ['parquet'], retentionDays: 4, logger: silent }, NOW)
      expect(result.exported.map(e => e.day)).toEqual(DAYS_BACK.map(n => utcDay(NOW, n)))
      expect(result.dropped).toEqual([utcDay(NOW, 6), utcDay(NOW, 5)])
      expect(await exists(db, partitionOf(5))).toBe(false)
      expect(await exists(db, partitionOf(4))).toBe(true)
    } finally {
      store.close()
    }
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials })
    try {
      const day = utcDay(NOW, 5)
      const object = await client.send(new GetObjectCommand({ Bucket: 'telemetry-archive', Key: `plant-telemetry/${parquetKey('cold-b', 'line-2', day)}` }))
      const bytes = Buffer.from(await object.Body!.transformToByteArray())
      expectParquetHolds(await readParquet(bytes), 'plc-07', seeded.points.get(`${seeded.b.plantId}|${day}`)!)
      const [entry] = await db.sql.query<{ sha256: string, store: string, status: string }>(
        `select sha256, store, status from cold_exports where plant_id = $1 and day = $2::date`, [seeded.b.plantId, day])
      expect(entry).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), store: 's3', status: 'verified' })
    } finally {
      client.destroy()
    }
  })
})

describe('GET /api/exports and /api/exports/:id/download (built server)', () => {
  const work = createTestDataDir()
  const folder = join(work.dir, 'cold')
  let server: RunningServer
  let drop: () => Promise<void>
  const tokens: Record<'admin' | 'viewer' | 'otherAdmin', string> = { admin: '', viewer: '', otherAdmin: '' }

  beforeAll(async () => {
    const pg = await createTestDatabase()
    drop = pg.drop
    const db = await openDatabase({ kind: 'postgres', url: pg.url })
    try {
      const seeded = await seed(db)
      await runColdStorage({ sql: db.sql, store: createColdStore({ kind: 'dir', path: folder })!, formats: ['parquet', 'csv'], retentionDays: 0, logger: silent }, NOW)
      for (const [name, tenantId, role] of [['admin', seeded.a.tenantId, 'admin'], ['viewer', seeded.a.tenantId, 'viewer'], ['otherAdmin', seeded.b.tenantId, 'admin']] as const) {
        const account = await newAccount()
        await db.sql.query(`insert into users (firebase_uid, email, tenant_id, role) values ($1, $2, $3, $4)`, [account.uid, account.email, tenantId, role])
        tokens[name] = account.token
      }
    } finally {
      await db.close()
    }
    server = await startServer({ ...emulatorServerEnv(), DATABASE_URL: pg.url, DATA_DIR: work.dir, MQTT_EMBEDDED_PORT: '0', COLD_STORAGE: 'dir', COLD_STORAGE_DIR: folder, COLD_STORAGE_INTERVAL_S: '0' })
  })
  afterAll(async () => {
    await server?.stop()
    await drop?.()
    work.remove()
  })

  const get = (path: string, token?: string) => fetch(`${server.url}${path}`, { headers: token ? bearer(token) : {} })

  it('lists the tenant\'s archived files, newest day first, a page at a time', async () => {
    const first = await (await get('/api/exports?limit=4', tokens.admin)).json()
    expect(first.items).toHaveLength(4)
    expect(first.items.every((e: { tenant: string }) => e.tenant === 'cold-a')).toBe(true)
    expect(first.items.map((e: { day: string, format: string }) => `${e.day}/${e.format}`)).toEqual(
      [`${utcDay(NOW, 3)}/csv`, `${utcDay(NOW, 3)}/parquet`, `${utcDay(NOW, 4)}/csv`, `${utcDay(NOW, 4)}/parquet`])
    const second = await (await get(`/api/exports?limit=4&cursor=${first.nextCursor}`, tokens.admin)).json()
    expect(second.items.map((e: { day: string }) => e.day)).toEqual([utcDay(NOW, 5), utcDay(NOW, 5)])
    expect(second.nextCursor).toBeNull()
    const parquetOnly = await (await get(`/api/exports?format=parquet&from=${utcDay(NOW, 4)}`, tokens.admin)).json()
    expect(parquetOnly.items.map((e: { day: string }) => e.day)).toEqual([utcDay(NOW, 3), utcDay(NOW, 4)])
  })

  it('downloads a file byte for byte, with its checksum; ?token= works for plain links', async () => {
    const { items } = await (await get('/api/exports?format=parquet', tokens.admin)).json()
    const entry = items[0]
    const res = await get(`/api/exports/${entry.id}/download`, tokens.admin)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain(`cold-a_line-1_${entry.day}.parquet`)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.equals(readFileSync(join(folder, entry.objectKey)))).toBe(true)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256)
    expect(res.headers.get('x-checksum-sha256')).toBe(entry.sha256)
    expect((await readParquet(bytes)).length).toBe(entry.rows)
    expect((await get(`/api/exports/${entry.id}/download?token=${tokens.admin}`)).status).toBe(200)
  })

  it('is for admins of the tenant only, and names a bad id', async () => {
    const { items } = await (await get('/api/exports', tokens.admin)).json()
    expect((await get('/api/exports', tokens.viewer)).status).toBe(403)
    expect((await get(`/api/exports/${items[0].id}/download`, tokens.viewer)).status).toBe(403)
    expect((await get(`/api/exports/${items[0].id}/download`, tokens.otherAdmin)).status).toBe(404)
    const other = await (await get('/api/exports', tokens.otherAdmin)).json()
    expect(other.items.every((e: { tenant: string }) => e.tenant === 'cold-b')).toBe(true)
    const bad = await get('/api/exports/not-a-uuid/download', tokens.admin)
    expect(bad.status).toBe(422)
    expect((await bad.json()).data.field).toBe('id')
    expect((await get('/api/exports?from=yesterday', tokens.admin)).status).toBe(422)
  })
})
