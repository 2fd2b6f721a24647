import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAudit } from '../../server/audit/append'
import { httpNotary } from '../../server/audit/http-notary'
import { inclusionProof } from '../../server/audit/proof'
import { sealChain } from '../../server/audit/roots'
import { verifyChain } from '../../server/audit/verify'
import { verifyMerkleProof } from '../../server/audit/merkle'
import { openDatabase, type Database } from '../../server/db/client'
import { startAdminApi, type AdminApi, type ErrorBody, type Loose } from '../support/admin-api'
import { createTestDataDir, createTestDatabase } from '../support/services'

// The audit chain against the built server on a PostgreSQL database of its own (with the file
// notary), then the same append/verify/seal code in process on two connection pools (two app
// instances) and on the embedded PGlite.

const ROOT = resolve(import.meta.dirname, '../..')
const run = randomBytes(3).toString('hex')
const anchors = createTestDataDir()
const ANCHOR_FILE = join(anchors.dir, 'anchors.jsonl')

let api: AdminApi
let granixId: string

beforeAll(async () => {
  // Sealing only on request here: a timer would seal between the test's steps.
  api = await startAdminApi({ AUDIT_ANCHOR: 'file', AUDIT_ANCHOR_FILE: ANCHOR_FILE, AUDIT_SEAL_INTERVAL_S: '0' })
  granixId = (await api.sql<{ id: string }[]>`select id from tenants where slug = 'granix'`)[0]!.id
})

afterAll(async () => {
  await api?.stop()
  anchors.remove()
})

const entries = async (who: string, query: string) => (await api.expectStatus<{ items: Loose[] }>(200, who, 'GET', `/api/audit?${query}`)).items
const verify = (who = 'admin', query = '') => api.expectStatus<{ ok: boolean, checked: number, firstBroken?: { id: number, reason: string } }>(200, who, 'GET', `/api/audit/verify${query}`)

/** `npm run audit:verify` on the server's database: exit code and output. */
async function cli(): Promise<{ code: number, out: string }> {
  const env = { ...process.env, DATABASE_URL: api.databaseUrl, NODE_ENV: '' }
  try {
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/audit-verify.ts'], { cwd: ROOT, env })
    return { code: 0, out: stdout }
  } catch (err) {
    const e = err as { code: number, stdout: string }
    return { code: e.code, out: e.stdout }
  }
}

describe('admin changes through the API', () => {
  const site = `audit-${run}`

  it('are recorded with who, what, before and after, on the right chain', async () => {
    await api.expectStatus(201, 'admin', 'POST', '/api/plants', { province: 'ba', slug: site, name: 'Audited' })
    await api.expectStatus(200, 'admin', 'PATCH', `/api/plants/${site}`, { name: 'Audited twice' })
    await api.expectStatus(201, 'platform', 'POST', '/api/tenants', { tenant: `audit-t-${run}`, name: 'Audit tenant' })

    const [update, create] = await entries('admin', 'entity=plant&limit=2')
    expect(create).toMatchObject({ tenant: 'granix', action: 'plant.create', entity: 'plant', before: null, after: { site, name: 'Audited' } })
    expect(update).toMatchObject({ action: 'plant.update', entityId: create.entityId, before: { name: 'Audited' }, after: { name: 'Audited twice' } })
    expect(update.actor).toMatch(/^admin@demo\.local \(.+\)$/)
    expect(update.prevHash).toBe(create.hash)

    const [tenant] = await entries('platform', 'action=tenant.create&limit=1')
    expect(tenant).toMatchObject({ tenant: null, actor: expect.stringMatching(/^platform@demo\.local/), after: { tenant: `audit-t-${run}` } })
    expect(await verify('platform')).toMatchObject({ ok: true })
    expect(await verify('admin')).toEqual({ ok: true, checked: expect.any(Number) })
  })

  it('pages newest first and filters by time', async () => {
    const all = (await entries('admin', 'limit=500')).map(e => e.id)
    expect(all).toEqual([...all].sort((a, b) => b - a))
    const first = await api.expectStatus<Loose>(200, 'admin', 'GET', '/api/audit?limit=1')
    const second = await api.expectStatus<Loose>(200, 'admin', 'GET', `/api/audit?limit=1&cursor=${first.nextCursor}`)
    expect(second.items[0].id).toBe(all[1])
    expect(await entries('admin', `from=${Date.now() + 60_000}`)).toEqual([])
    expect((await api.expectStatus<ErrorBody>(422, 'admin', 'GET', '/api/audit?from=yesterday')).data.field).toBe('from')
  })

  it('from parallel requests keep one valid chain', async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      api.call('admin', 'POST', '/api/plants', { province: 'ba', slug: `par-${run}-${i}`, name: `Parallel ${i}` })))
    expect(replies.map(r => r.status)).toEqual(Array(12).fill(201))
    const rows = await api.sql<{ prev_hash: string | null, hash: string }[]>`select prev_hash, hash from audit_log where tenant_id = ${granixId} order by id`
    // Each entry follows the one before it: no two appends read the same last hash.
    rows.forEach((r, i) => expect(r.prev_hash).toBe(i ? rows[i - 1]!.hash : null))
    expect(await verify()).toEqual({ ok: true, checked: rows.length })
  })
})

describe('who sees which chain', () => {
  it('refuses viewers and operators, and hides other tenants\' chains', async () => {
    for (const who of ['viewer', 'operator']) {
      await api.expectStatus(403, who, 'GET', '/api/audit')
      await api.expectStatus(403, who, 'GET', '/api/audit/verify')
    }
    await api.expectStatus(403, 'manager', 'POST', '/api/audit/roots')
    const [granixEntry] = await entries('admin', 'limit=1')
    expect((await entries('otherAdmin', 'limit=500')).every(e => e.tenant === 'other')).toBe(true)
    expect(await entries('otherAdmin', 'tenant=granix')).toEqual([])
    expect((await api.expectStatus<ErrorBody>(404, 'otherAdmin', 'GET', '/api/audit/verify?tenant=granix')).data.code).toBe('TENANT_NOT_FOUND')
    expect((await api.expectStatus<ErrorBody>(404, 'otherAdmin', 'GET', `/api/audit/${granixEntry.id}/proof`)).data.code).toBe('AUDIT_ENTRY_NOT_FOUND')
    expect((await entries('platform', 'tenant=granix&limit=1'))[0].id).toBe(granixEntry.id)
  })
})

describe('roots, proofs and the file notary', () => {
  it('seals the chain, proves an entry\'s inclusion and anchors the root in the file', async () => {
    const [latest] = await entries('admin', 'limit=1')
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'GET', `/api/audit/${latest.id}/proof`)).data.code).toBe('AUDIT_NOT_SEALED')
    const { roots } = await api.expectStatus<{ roots: Loose[] }>(200, 'admin', 'POST', '/api/audit/roots')
    expect(roots).toHaveLength(1)
    expect(roots[0]).toMatchObject({ tenantId: granixId, lastId: latest.id, anchor: { kind: 'file' }, anchorError: null })
    expect((await api.expectStatus<{ roots: Loose[] }>(200, 'admin', 'POST', '/api/audit/roots')).roots).toEqual([])

    const lines = readFileSync(ANCHOR_FILE, 'utf8').trim().split('\n').map(l => JSON.parse(l))
    expect(lines).toContainEqual(expect.objectContaining({ rootId: roots[0].id, root: roots[0].root, tenantId: granixId, entries: roots[0].entries }))

    const all = await entries('admin', 'limit=500')
    for (const e of [all[0], all[Math.floor(all.length / 2)], all[all.length - 1]]) {
      const proof = await api.expectStatus<Loose>(200, 'admin', 'GET', `/api/audit/${e.id}/proof`)
      expect(proof.root.root).toBe(roots[0].root)
      expect(verifyMerkleProof(e.hash, proof.path, roots[0].root)).toBe(true)
    }
  })
})

describe('tampering with the table', () => {
  // Ids as numbers (this connection reads bigint as text); rows as stored, to put back afterwards.
  const chain = async () => (await api.sql<Loose[]>`select * from audit_log where tenant_id = ${granixId} order by id`).map(r => ({ ...r, id: Number(r.id) }))
  const json = (v: unknown) => (v === null ? null : api.sql.json(v as never))
  const restore = (r: Loose) => api.sql`insert into audit_log (id, tenant_id, actor, action, entity, entity_id, before, after, at, prev_hash, hash)
    values (${r.id}, ${r.tenant_id}, ${r.actor}, ${r.action}, ${r.entity}, ${r.entity_id}, ${json(r.before)}, ${json(r.after)}, ${r.at}, ${r.prev_hash}, ${r.hash})`

  async function expectBroken(id: number, reason: string) {
    expect((await verify()).firstBroken).toEqual({ id, reason, ...(reason === 'root_mismatch' ? { rootId: expect.any(Number) } : {}) })
  }

  it('names the first changed, deleted or moved entry (API and CLI), and is whole again once undone', async () => {
    const rows = await chain()
    const victim = rows[2]!
    await api.sql`update audit_log set after = ${api.sql.json({ forged: true })} where id = ${victim.id}`
    await expectBroken(victim.id, 'hash_mismatch')
    const broken = await cli()
    expect(broken.code).toBe(1)
    expect(broken.out).toContain(`BROKEN  granix: entry ${victim.id}: hash_mismatch`)
    await api.sql`update audit_log set after = ${json(victim.after)} where id = ${victim.id}`
    expect(await verify()).toMatchObject({ ok: true })

    await api.sql`delete from audit_log where id = ${victim.id}`
    await expectBroken(rows[3]!.id, 'prev_hash_mismatch')
    await restore(victim)

    // Swap two neighbours' places in the chain.
    const [a, b] = [rows[4]!.id, rows[5]!.id]
    await api.sql`update audit_log set id = -1 where id = ${a}`
    await api.sql`update audit_log set id = ${a} where id = ${b}`
    await api.sql`update audit_log set id = ${b} where id = -1`
    await expectBroken(a, 'prev_hash_mismatch')
    await api.sql`update audit_log set id = -1 where id = ${a}`
    await api.sql`update audit_log set id = ${a} where id = ${b}`
    await api.sql`update audit_log set id = ${b} where id = -1`

    expect(await verify()).toMatchObject({ ok: true })
    const whole = await cli()
    expect(whole.code, whole.out).toBe(0)
    expect(whole.out).toMatch(/ok {6}granix: \d+ entries/)
  })

  it('catches entries cut off the end of a sealed run by its root', async () => {
    const rows = await chain()
    const last = rows[rows.length - 1]!
    await api.sql`delete from audit_log where id = ${last.id}`
    await expectBroken(rows[0]!.id, 'root_mismatch')
    await restore(last)
    expect(await verify()).toMatchObject({ ok: true })
  })
})

/** appendAudit in a transaction of its own, as the alarm engine will call it. */
const append = (db: Database, tenantId: string | null, i: number) => db.sql.transaction(tx =>
  appendAudit(tx, { tenantId, actor: 'alarm-engine', action: 'alarm.raised', entity: 'alarm', entityId: `a${i}`, after: { severity: 'critical', i } }))

async function exerciseChain(dbs: Database[], tenantId: string | null) {
  await Promise.all(Array.from({ length: 30 }, (_, i) => append(dbs[i % dbs.length]!, tenantId, i)))
  expect(await verifyChain(dbs[0]!.sql, tenantId)).toEqual({ ok: true, checked: 30 })
  const root = (await sealChain(dbs[0]!.sql, tenantId))!
  expect(root).toMatchObject({ entries: 30 })
  const [entry] = await dbs[0]!.sql.query<{ id: number, hash: string }>('select id, hash from audit_log where entity_id = $1 and tenant_id is not distinct from $2', ['a7', tenantId])
  const proof = await inclusionProof(dbs[0]!.sql, { ...entry!, tenantId })
  expect(proof !== 'not_sealed' && verifyMerkleProof(entry!.hash, proof.path, root.root)).toBe(true)
  await dbs[0]!.sql.query(`update audit_log set actor = 'someone else' where id = $1`, [entry!.id])
  expect((await verifyChain(dbs[0]!.sql, tenantId)).firstBroken).toEqual({ id: entry!.id, reason: 'hash_mismatch' })
}

describe('appendAudit from two app instances on PostgreSQL', () => {
  it('serialises appends across connection pools into one chain', async () => {
    const testDb = await createTestDatabase()
    const dbs = [await openDatabase({ kind: 'postgres', url: testDb.url }), await openDatabase({ kind: 'postgres', url: testDb.url })]
    try {
      await dbs[0]!.migrate(join(ROOT, 'drizzle'))
      await exerciseChain(dbs, null)
    } finally {
      await Promise.all(dbs.map(d => d.close()))
      await testDb.drop()
    }
  })
})

describe('appendAudit on the embedded PGlite', () => {
  it('keeps, seals and verifies a tenant\'s chain', async () => {
    const dir = createTestDataDir()
    const db = await openDatabase({ kind: 'pglite', dataDir: join(dir.dir, 'pglite') })
    try {
      await db.migrate(join(ROOT, 'drizzle'))
      const [tenant] = await db.sql.query<{ id: string }>(`insert into tenants (slug, name) values ('t', 'T') returning id`)
      await exerciseChain([db], tenant!.id)
    } finally {
      await db.close()
      dir.remove()
    }
  })
})

describe('HTTP notary', () => {
  it('POSTs the root, retrying after a failure, and gives up after its attempts', async () => {
    const received: unknown[] = []
    let failures = 1
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        if (failures-- > 0) return res.writeHead(503).end('busy')
        received.push(JSON.parse(body))
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ receipt: 'r-1' }))
      })
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchor`
    try {
      const payload = { rootId: 1, tenantId: null, firstId: 1, lastId: 2, entries: 2, root: 'ab'.repeat(32), sealedAt: 0 }
      const notary = httpNotary({ url, timeoutMs: 2000, attempts: 2, backoffMs: 10 })
      expect(await notary.anchor(payload)).toEqual({ kind: 'http', url, status: 'accepted', response: { receipt: 'r-1' } })
      expect(received).toEqual([payload])
      failures = 5
      await expect(httpNotary({ url, timeoutMs: 2000, attempts: 2, backoffMs: 10 }).anchor(payload)).rejects.toThrow(/503/)
    } finally {
      server.close()
    }
  })
})
