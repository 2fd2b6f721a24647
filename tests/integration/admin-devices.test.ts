import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CALLERS, errorOf, expectRoleMatrix, walkPages, shapeA, startAdminApi, type AdminApi, type Caller, type ErrorBody, type Reply } from '../support/admin-api'
import { signIn } from '../support/auth'
import { waitFor } from '../support/services'

// Gateways, machines (approve / claim) and dead letters against the built server, PostgreSQL and
// Mosquitto: everything here was created by the ingest from real MQTT messages. Gateway and PLC ids
// carry this run's suffix: other runs may publish to the demo tenant on the same broker.

const run = randomBytes(3).toString('hex')
const GW_1 = `dev-gw1-${run}`
const GW_2 = `dev-gw2-${run}`
const GW_NORTE = `dev-gwn-${run}`
const PLC_1 = `dev-p1-${run}`
const PLC_2 = `dev-p2-${run}`
const PLC_3 = `dev-p3-${run}`
const PLC_NORTE = `dev-pn-${run}`
const UNKNOWN_TENANT = `nope-${run}`
const NEW_SITE = `dl-site-${run}`
const PASSWORD = 'secret-pass-1'

interface DeadLetter { id: number, topic: string, reason: string, tenant: string | null, knownTenant: boolean, replayCount: number }

let api: AdminApi
const letters: Record<'json' | 'encoding' | 'plant' | 'tenant' | 'other', number> = { json: 0, encoding: 0, plant: 0, tenant: 0, other: 0 }

const status = (topic: string, state: 'online' | 'offline', timestamp: number) => api.publish(topic, state === 'online'
  ? { schemaVersion: 1, timestamp, state, gateway: { version: '1.2.3', uptimeSec: 10 }, health: { internet: 'ok', mqtt: 'ok', plcLink: 'ok', buffer: { mode: 'memory', queuedMessages: 0 } } }
  : { schemaVersion: 1, timestamp, state, reason: 'unexpected_disconnect' })

async function deadLetterId(topic: string, reason: string): Promise<number> {
  const row = await waitFor(async () => (await api.sql`select id from dead_letters where topic = ${topic} and reason = ${reason} order by id limit 1`)[0], 10_000, `a ${reason} dead letter`)
  return Number(row.id)
}

beforeAll(async () => {
  api = await startAdminApi()
  for (const [site, gw, plc] of [['planta-1', GW_1, PLC_1], ['planta-2', GW_2, PLC_2]] as const) {
    const m = shapeA(site, gw, plc)
    await api.publish(m.topic, m.payload)
  }
  const norte = shapeA('planta-norte', GW_NORTE, PLC_NORTE)
  await api.publish(`factory/other/cba/planta-norte/gateway/${GW_NORTE}/telemetry`, { ...norte.payload, tenant: 'other', province: 'cba' })
  // GW_1: online, offline (Last Will), online again.
  const statusTopic = `ops/granix/ba/planta-1/gateway/${GW_1}/status`
  const t0 = Date.now()
  const transitions = async () => (await api.sql`select count(*)::int as n from gateway_status_history h join gateways g on g.id = h.gateway_id where g.thing_name = ${GW_1}`)[0]!.n
  for (const [i, state] of (['online', 'offline', 'online'] as const).entries()) {
    await status(statusTopic, state, t0 + i * 1000)
    await waitFor(async () => await transitions() === i + 1, 10_000, `${GW_1} ${state}`)
  }

  const planta1 = `factory/granix/ba/planta-1/gateway/${GW_1}/telemetry`
  await api.publish(planta1, 'not json {')
  await api.publish(planta1, Buffer.from([0xff, 0xfe, 0x00, 0x41]))
  await api.publish(`factory/granix/ba/${NEW_SITE}/m1/telemetry`, { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { speed: 12 } })
  await api.publish(`factory/${UNKNOWN_TENANT}/ba/x/m1/telemetry`, { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { speed: 1 } })
  await api.publish(`factory/other/cba/planta-norte/gateway/${GW_NORTE}/telemetry`, 'other tenant: not json')
  letters.json = await deadLetterId(planta1, 'invalid_json')
  letters.encoding = await deadLetterId(planta1, 'invalid_encoding')
  letters.plant = await deadLetterId(`factory/granix/ba/${NEW_SITE}/m1/telemetry`, 'unknown_plant')
  letters.tenant = await deadLetterId(`factory/${UNKNOWN_TENANT}/ba/x/m1/telemetry`, 'unknown_tenant')
  letters.other = await deadLetterId(`factory/other/cba/planta-norte/gateway/${GW_NORTE}/telemetry`, 'invalid_json')
  await waitFor(async () => (await api.sql`select 1 from plcs where plc_id = any(${[PLC_1, PLC_2, PLC_NORTE]})`).length === 3, 10_000, 'the PLCs')
})

afterAll(async () => {
  await api?.stop()
})

async function expectFields(who: Caller, cases: [string, string, unknown, string][]) {
  for (const [method, path, body, field] of cases) {
    const error = await api.expectStatus<ErrorBody>(422, who, method, path, body)
    expect(error.data.field, `${method} ${path} ${JSON.stringify(body)}`).toBe(field)
  }
}

function expectLikeMissing(real: Reply, fake: Reply, realName: string, fakeName: string) {
  expect(real.status).toBe(404)
  expect(errorOf(real.body)).toEqual(JSON.parse(JSON.stringify(errorOf(fake.body)).replaceAll(fakeName, realName)))
}

describe('gateways', () => {
  it('lists gateways with status, last seen time and health, filtered and page by page', async () => {
    const all = (await walkPages<{ gatewayId: string, site: string, tenant: string }>(api, 'admin', '/api/gateways?limit=1')).flat()
    expect(all.map(g => `${g.site}/${g.gatewayId}`)).toEqual([...new Set(all.map(g => `${g.site}/${g.gatewayId}`))].sort())
    const gw1 = all.find(g => g.gatewayId === GW_1)
    expect(gw1).toMatchObject({
      name: null, site: 'planta-1', tenant: 'granix', approval: 'pending', status: 'online', statusReason: null, machines: 1,
      health: { internet: 'ok', mqtt: 'ok', plcLink: 'ok', bufferMode: 'memory', queuedMessages: 0, version: '1.2.3', uptimeSec: 10 }
    })
    expect(gw1).toHaveProperty('lastSeenAt', expect.any(Number))
    expect(gw1).toHaveProperty('lastHeartbeatAt', expect.any(Number))
    expect(all.map(g => g.gatewayId)).toContain(GW_2)
    expect(all.every(g => g.tenant === 'granix')).toBe(true)

    const online = await api.expectStatus(200, 'viewer', 'GET', '/api/gateways?status=online&site=planta-1')
    expect(online.items.map((g: { gatewayId: string }) => g.gatewayId)).toContain(GW_1)
    expect(online.items.every((g: { status: string, site: string }) => g.status === 'online' && g.site === 'planta-1')).toBe(true)
    // The demo operator sees planta-1 only.
    const seen = (await walkPages<{ site: string }>(api, 'operator', '/api/gateways')).flat()
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every(g => g.site === 'planta-1')).toBe(true)
  })

  it('shows one gateway with its PLCs and its status history, newest first, page by page', async () => {
    const gw = await api.expectStatus(200, 'operator', 'GET', `/api/gateways/${GW_1}`)
    expect(gw).toMatchObject({ gatewayId: GW_1, status: 'online', plcs: [{ plcId: PLC_1, site: 'planta-1', name: null, status: 'pending' }] })
    const pages = await walkPages<{ status: string, reason: string | null, at: number }>(api, 'viewer', `/api/gateways/${GW_1}/status-history?limit=1`)
    const history = pages.flat()
    expect(pages.length).toBe(3)
    expect(history.map(h => h.status)).toEqual(['online', 'offline', 'online'])
    expect(history[1]!.reason).toBe('unexpected_disconnect')
    expect(history[0]!.at).toBeGreaterThanOrEqual(history[2]!.at)
    // A range keeps the transitions inside it; `to` with limit=1 is the status in force at that time.
    const [first, second, third] = [...history].reverse()
    const inRange = await api.expectStatus(200, 'viewer', 'GET', `/api/gateways/${GW_1}/status-history?from=${second!.at}&to=${third!.at}`)
    expect(inRange.items.map((h: { status: string }) => h.status)).toEqual(['online', 'offline'])
    const before = await api.expectStatus(200, 'viewer', 'GET', `/api/gateways/${GW_1}/status-history?to=${second!.at - 1}&limit=1`)
    expect(before.items).toEqual([expect.objectContaining({ status: 'online', at: first!.at })])
    const iso = await api.expectStatus(200, 'viewer', 'GET', `/api/gateways/${GW_1}/status-history?from=${new Date(third!.at + 1).toISOString()}`)
    expect(iso.items).toEqual([])
    expect((await api.expectStatus<ErrorBody>(404, 'operator', 'GET', `/api/gateways/${GW_2}`)).data.code).toBe('GATEWAY_NOT_FOUND')
    await api.expectStatus(404, 'operator', 'GET', `/api/gateways/${GW_2}/status-history`)
  })

  it('renames, approves and rejects a gateway', async () => {
    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/gateways/${GW_2}`, { name: 'Line 2 gateway', approval: 'active' })).toMatchObject({ gatewayId: GW_2, name: 'Line 2 gateway', approval: 'active' })
    expect(await api.expectStatus(200, 'platform', 'PATCH', `/api/gateways/${GW_2}?tenant=granix`, { name: null })).toMatchObject({ name: null, approval: 'active' })
    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/gateways/${GW_2}`, { approval: 'rejected' })).toMatchObject({ approval: 'rejected' })
    expect((await api.expectStatus<ErrorBody>(404, 'admin', 'PATCH', '/api/gateways/no-such-gateway', { name: 'x' })).data.code).toBe('GATEWAY_NOT_FOUND')
  })

  it('refuses bad input with 422 naming the field', async () => {
    await expectFields('admin', [
      ['PATCH', `/api/gateways/${GW_1}`, {}, 'name'],
      ['PATCH', `/api/gateways/${GW_1}`, { approval: 'maybe' }, 'approval'],
      ['PATCH', `/api/gateways/${GW_1}`, { name: '' }, 'name'],
      ['GET', '/api/gateways?status=sleeping', undefined, 'status'],
      ['GET', `/api/gateways/${GW_1}/status-history?limit=many`, undefined, 'limit'],
      ['GET', `/api/gateways/${GW_1}/status-history?from=yesterday`, undefined, 'from'],
      ['GET', `/api/gateways/${GW_1}/status-history?from=2000&to=1000`, undefined, 'from'],
      // A cursor of another list (gateways are walked by three keys, history by one).
      ['GET', `/api/gateways/${GW_1}/status-history?cursor=${Buffer.from('["a","b","c"]').toString('base64url')}`, undefined, 'cursor']
    ])
  })

  it('lets admins write gateways and every role read them (role × route)', async () => {
    await expectRoleMatrix(api, [['PATCH', `/api/gateways/${GW_1}`, {}]], ['admin', 'otherAdmin', 'platform'])
    for (const who of CALLERS) await api.expectStatus(200, who, 'GET', '/api/gateways')
  })

  it('hides granix\'s gateways from the other tenant\'s admin', async () => {
    for (const [method, suffix, body] of [['GET', '', undefined], ['GET', '/status-history', undefined], ['PATCH', '', { name: 'mine' }]] as const) {
      expectLikeMissing(await api.call('otherAdmin', method, `/api/gateways/${GW_1}${suffix}`, body), await api.call('otherAdmin', method, `/api/gateways/nowhere${suffix}`, body), GW_1, 'nowhere')
    }
    const listed = (await walkPages(api, 'otherAdmin', '/api/gateways')).flat()
    expect(JSON.stringify(listed)).not.toMatch(/granix|planta-1|planta-2/)
    expect(JSON.stringify(listed)).toContain(GW_NORTE)
    const [gw] = await api.sql`select name from gateways where thing_name = ${GW_1}`
    expect(gw!.name).toBeNull()
  })
})

describe('machines', () => {
  it('lists pending machines, approves, rejects and renames them', async () => {
    const pending = (await walkPages<{ plcId: string, status: string }>(api, 'manager', '/api/machines?status=pending&limit=1')).flat()
    expect(pending.every(m => m.status === 'pending')).toBe(true)
    expect(pending.find(m => m.plcId === PLC_1)).toMatchObject({ site: 'planta-1', tenant: 'granix', gatewayId: GW_1, name: null, lastValueAt: expect.any(Number) })

    expect(await api.expectStatus(200, 'manager', 'POST', `/api/machines/planta-1/${PLC_1}/approve`, { name: 'Press 1' })).toMatchObject({ plcId: PLC_1, status: 'active', name: 'Press 1' })
    // Approving again changes nothing; without a body the name stays.
    expect(await api.expectStatus(200, 'admin', 'POST', `/api/machines/planta-1/${PLC_1}/approve`)).toMatchObject({ status: 'active', name: 'Press 1' })
    expect(await api.expectStatus(200, 'admin', 'POST', `/api/machines/planta-2/${PLC_2}/reject`)).toMatchObject({ status: 'rejected' })
    const rejected = await api.expectStatus(200, 'viewer', 'GET', '/api/machines?status=rejected&site=planta-2')
    expect(rejected.items.map((m: { plcId: string }) => m.plcId)).toContain(PLC_2)
    expect(await api.expectStatus(200, 'platform', 'POST', `/api/machines/planta-2/${PLC_2}/approve?tenant=granix`)).toMatchObject({ status: 'active' })
    expect(await api.expectStatus(200, 'manager', 'PATCH', `/api/machines/planta-1/${PLC_1}`, { name: 'Press one' })).toMatchObject({ name: 'Press one' })
    expect(await api.expectStatus(200, 'manager', 'PATCH', `/api/machines/planta-1/${PLC_1}`, { name: null })).toMatchObject({ name: null })
    const operatorView = (await walkPages<{ site: string }>(api, 'operator', '/api/machines')).flat()
    expect(operatorView.every(m => m.site === 'planta-1')).toBe(true)
  })

  it('claims a pending machine by the code its gateway shows, once', async () => {
    const m = shapeA('planta-1', GW_1, PLC_3)
    await api.publish(m.topic, m.payload)
    await waitFor(async () => (await api.sql`select 1 from plcs where plc_id = ${PLC_3}`).length, 10_000, PLC_3)
    const wrongGateway = await api.expectStatus<ErrorBody>(404, 'manager', 'POST', '/api/machines/claim', { claimCode: `${GW_2}/${PLC_3}`, site: 'planta-1' })
    expect(wrongGateway.data.code).toBe('CLAIM_CODE_NOT_FOUND')
    await api.expectStatus(404, 'manager', 'POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_3}`, site: 'planta-2' })
    const claimed = await api.expectStatus(200, 'manager', 'POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_3}`, site: 'planta-1', name: 'Claimed press' })
    expect(claimed).toMatchObject({ plcId: PLC_3, status: 'active', name: 'Claimed press', gatewayId: GW_1 })
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_3}`, site: 'planta-1' })).data.code).toBe('MACHINE_NOT_PENDING')
  })

  it('keeps a manager to the plants they may see', async () => {
    const email = `mgr-${run}@test.local`
    await api.expectStatus(201, 'admin', 'POST', '/api/users', { email, role: 'manager', plants: ['planta-1'], password: PASSWORD })
    const token = await signIn(email, PASSWORD)
    expect((await api.expectStatus<ErrorBody>(404, token, 'POST', `/api/machines/planta-2/${PLC_2}/reject`)).data.code).toBe('PLC_NOT_FOUND')
    expect(await api.expectStatus(200, token, 'PATCH', `/api/machines/planta-1/${PLC_1}`, { name: 'Mine' })).toMatchObject({ name: 'Mine' })
    const [plc] = await api.sql`select status from plcs where plc_id = ${PLC_2}`
    expect(plc!.status).toBe('active')
  })

  it('refuses bad input with 422 naming the field', async () => {
    await expectFields('manager', [
      ['POST', '/api/machines/claim', { site: 'planta-1' }, 'claimCode'],
      ['POST', '/api/machines/claim', { claimCode: 'no-slash', site: 'planta-1' }, 'claimCode'],
      ['POST', '/api/machines/claim', { claimCode: `${GW_1}/`, site: 'planta-1' }, 'claimCode'],
      ['POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_1}` }, 'site'],
      ['POST', `/api/machines/planta-1/${PLC_1}/approve`, { name: '' }, 'name'],
      ['POST', `/api/machines/planta-1/${'x'.repeat(200)}/reject`, undefined, 'plcId'],
      ['PATCH', `/api/machines/planta-1/${PLC_1}`, {}, 'name'],
      ['GET', '/api/machines?status=lost', undefined, 'status']
    ])
  })

  it('lets admins and managers manage machines, and nobody else (role × route)', async () => {
    await expectRoleMatrix(api, [
      ['POST', `/api/machines/planta-1/${PLC_1}/approve`, { name: 5 }],
      ['POST', `/api/machines/planta-1/${'x'.repeat(200)}/reject`, undefined],
      ['POST', '/api/machines/claim', {}],
      ['PATCH', `/api/machines/planta-1/${PLC_1}`, {}]
    ], ['admin', 'manager', 'otherAdmin', 'platform'])
  })

  it('hides granix\'s machines from the other tenant\'s admin', async () => {
    const [before] = await api.sql`select status, name from plcs where plc_id = ${PLC_1}`
    for (const [method, action, body] of [['POST', '/approve', { name: 'mine' }], ['POST', '/reject', undefined], ['PATCH', '', { name: 'mine' }]] as const) {
      expectLikeMissing(
        await api.call('otherAdmin', method, `/api/machines/planta-1/${PLC_1}${action}`, body),
        await api.call('otherAdmin', method, `/api/machines/nowhere/${PLC_1}${action}`, body), 'planta-1', 'nowhere')
    }
    expectLikeMissing(
      await api.call('otherAdmin', 'POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_1}`, site: 'planta-1' }),
      await api.call('otherAdmin', 'POST', '/api/machines/claim', { claimCode: `${GW_1}/${PLC_1}`, site: 'nowhere' }), 'planta-1', 'nowhere')
    const listed = (await walkPages(api, 'otherAdmin', '/api/machines')).flat()
    expect(JSON.stringify(listed)).not.toMatch(/granix|planta-1|planta-2/)
    expect(JSON.stringify(listed)).toContain(PLC_NORTE)
    const [after] = await api.sql`select status, name from plcs where plc_id = ${PLC_1}`
    expect(after).toEqual(before)
  })
})

describe('dead letters', () => {
  it('lists a tenant\'s dead letters newest first, page by page, filtered by reason', async () => {
    const all = (await walkPages<DeadLetter>(api, 'admin', '/api/dead-letters?limit=1')).flat()
    const ids = all.map(d => d.id)
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => b - a))
    expect(ids).toEqual(expect.arrayContaining([letters.json, letters.encoding, letters.plant]))
    expect(ids).not.toContain(letters.tenant)
    expect(ids).not.toContain(letters.other)
    expect(all.every(d => d.tenant === 'granix' && d.knownTenant)).toBe(true)
    expect(all.find(d => d.id === letters.json)).toMatchObject({ reason: 'invalid_json', payloadBytes: 10, replayCount: 0, replayedAt: null, receivedAt: expect.any(Number) })
    const json = await api.expectStatus(200, 'admin', 'GET', '/api/dead-letters?reason=invalid_json')
    expect(json.items.every((d: DeadLetter) => d.reason === 'invalid_json')).toBe(true)
  })

  it('shows platform admins the dead letters of unknown tenants too', async () => {
    const all = (await walkPages<DeadLetter>(api, 'platform', '/api/dead-letters?limit=100')).flat()
    expect(all.map(d => d.id)).toEqual(expect.arrayContaining([letters.json, letters.tenant, letters.other]))
    const unknown = await api.expectStatus(200, 'platform', 'GET', `/api/dead-letters?tenant=${UNKNOWN_TENANT}`)
    expect(unknown.items).toEqual([expect.objectContaining({ id: letters.tenant, tenant: UNKNOWN_TENANT, knownTenant: false, reason: 'unknown_tenant' })])
  })

  it('shows one dead letter\'s raw payload, with a text preview when it is UTF-8', async () => {
    const json = await api.expectStatus(200, 'admin', 'GET', `/api/dead-letters/${letters.json}`)
    expect(json).toMatchObject({ id: letters.json, payloadPreview: 'not json {', payloadBase64: Buffer.from('not json {').toString('base64') })
    const binary = await api.expectStatus(200, 'admin', 'GET', `/api/dead-letters/${letters.encoding}`)
    expect(binary).toMatchObject({ reason: 'invalid_encoding', payloadPreview: null, payloadBytes: 4 })
    expect([...Buffer.from(binary.payloadBase64, 'base64')]).toEqual([0xff, 0xfe, 0x00, 0x41])
    expect((await api.expectStatus<ErrorBody>(404, 'admin', 'GET', '/api/dead-letters/999999999')).data.code).toBe('DEAD_LETTER_NOT_FOUND')
  })

  it('replays the dead letters the caller may see once their plant exists, and counts the rest as not found', async () => {
    await api.expectStatus(201, 'admin', 'POST', '/api/plants', { province: 'ba', slug: NEW_SITE, name: 'Late plant' })
    const result = await api.expectStatus(200, 'admin', 'POST', '/api/dead-letters/replay', { ids: [letters.plant, letters.other, letters.tenant, 999999999, letters.plant] })
    expect(result).toEqual({ replayed: 1, stored: 1, notFound: 3, outcomes: [{ id: letters.plant, outcome: 'stored' }] })
    const stored = await api.sql`select e.value_num from telemetry_events e join plcs c on c.id = e.plc_id join plants p on p.id = c.plant_id where p.slug = ${NEW_SITE}`
    expect(stored.map(r => r.value_num)).toEqual([12])
    const replayed = await api.expectStatus(200, 'admin', 'GET', '/api/dead-letters?replayed=true')
    expect(replayed.items).toEqual([expect.objectContaining({ id: letters.plant, replayCount: 1, replayedAt: expect.any(Number) })])
    const [other] = await api.sql`select replay_count from dead_letters where id = ${letters.other}`
    expect(other!.replay_count).toBe(0)
  })

  it('says of each replayed dead letter whether it was stored or failed again, and why', async () => {
    const result = await api.expectStatus(200, 'admin', 'POST', '/api/dead-letters/replay', { ids: [letters.encoding, letters.json] })
    expect(result).toEqual({
      replayed: 2, stored: 0, notFound: 0, outcomes: [
        { id: letters.json, outcome: 'dead_lettered', reason: 'invalid_json', detail: expect.any(String) },
        { id: letters.encoding, outcome: 'dead_lettered', reason: 'invalid_encoding', detail: expect.any(String) }
      ].sort((a, b) => a.id - b.id)
    })
  })

  it('refuses bad input with 422 naming the field', async () => {
    await expectFields('admin', [
      ['GET', '/api/dead-letters/abc', undefined, 'id'],
      ['GET', '/api/dead-letters?reason=bad_luck', undefined, 'reason'],
      ['GET', '/api/dead-letters?replayed=perhaps', undefined, 'replayed'],
      ['POST', '/api/dead-letters/replay', { ids: [] }, 'ids'],
      ['POST', '/api/dead-letters/replay', { ids: ['x'] }, 'ids.0'],
      ['POST', '/api/dead-letters/replay', {}, 'ids']
    ])
  })

  it('is for admins only (role × route)', async () => {
    await expectRoleMatrix(api, [
      ['GET', '/api/dead-letters?limit=0', undefined],
      ['GET', '/api/dead-letters/abc', undefined],
      ['POST', '/api/dead-letters/replay', {}]
    ], ['admin', 'otherAdmin', 'platform'])
  })

  it('hides granix\'s dead letters from the other tenant\'s admin', async () => {
    const fake = 999999999
    expectLikeMissing(await api.call('otherAdmin', 'GET', `/api/dead-letters/${letters.json}`), await api.call('otherAdmin', 'GET', `/api/dead-letters/${fake}`), String(letters.json), String(fake))
    // (An earlier test replayed it as granix's admin: the other tenant's replay must not add to that.)
    const [before] = await api.sql`select replay_count from dead_letters where id = ${letters.json}`
    expect(await api.expectStatus(200, 'otherAdmin', 'POST', '/api/dead-letters/replay', { ids: [letters.json, letters.encoding] })).toEqual({ replayed: 0, stored: 0, notFound: 2, outcomes: [] })
    const listed = (await walkPages<DeadLetter>(api, 'otherAdmin', '/api/dead-letters')).flat()
    expect(listed.map(d => d.id)).toContain(letters.other)
    expect(JSON.stringify(listed)).not.toMatch(/granix|planta-1|nope-/)
    const [json] = await api.sql`select replay_count from dead_letters where id = ${letters.json}`
    expect(json!.replay_count).toBe(before!.replay_count)
  })
})
