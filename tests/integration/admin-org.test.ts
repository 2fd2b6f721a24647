import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorOf, expectRoleMatrix, walkPages, startAdminApi, type AdminApi, type Caller, type ErrorBody, type Reply } from '../support/admin-api'
import { emulatorHost, signIn } from '../support/auth'
import { waitFor } from '../support/services'

// Tenants, plants and users against the built server, PostgreSQL, Mosquitto and the Auth emulator.
// Names carry this run's suffix: the broker and the emulator are shared with other runs.

const run = randomBytes(3).toString('hex')
const PASSWORD = 'secret-pass-1'

let api: AdminApi

beforeAll(async () => {
  api = await startAdminApi()
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

/** A probe with another tenant's name answers exactly like one with a name that exists nowhere. */
function expectLikeMissing(real: Reply, fake: Reply, realName: string, fakeName: string) {
  expect(real.status).toBe(404)
  expect(errorOf(real.body)).toEqual(JSON.parse(JSON.stringify(errorOf(fake.body)).replaceAll(fakeName, realName)))
}

describe('tenants (platform admins)', () => {
  const slug = `t-${run}`

  it('creates, lists page by page, renames and deletes tenants', async () => {
    const created = await api.expectStatus(201, 'platform', 'POST', '/api/tenants', { tenant: slug, name: 'Test tenant' })
    expect(created).toMatchObject({ tenant: slug, name: 'Test tenant', plants: 0, users: 0 })
    expect((await api.expectStatus<ErrorBody>(409, 'platform', 'POST', '/api/tenants', { tenant: slug, name: 'again' })).data.code).toBe('TENANT_EXISTS')

    const pages = await walkPages<{ tenant: string, plants: number }>(api, 'platform', '/api/tenants?limit=1')
    const all = pages.flat()
    expect(pages.every(p => p.length <= 1)).toBe(true)
    expect(all.map(t => t.tenant)).toEqual([...new Set(all.map(t => t.tenant))].sort())
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ tenant: 'granix', plants: 2 }), expect.objectContaining({ tenant: slug })]))

    expect(await api.expectStatus(200, 'platform', 'PATCH', `/api/tenants/${slug}`, { name: 'Renamed' })).toMatchObject({ tenant: slug, name: 'Renamed' })
    await api.expectStatus(204, 'platform', 'DELETE', `/api/tenants/${slug}`)
    expect((await api.expectStatus<ErrorBody>(404, 'platform', 'PATCH', `/api/tenants/${slug}`, { name: 'x' })).data.code).toBe('TENANT_NOT_FOUND')
    await api.expectStatus(404, 'platform', 'DELETE', `/api/tenants/${slug}`)
  })

  it('keeps a tenant with plants unless forced, and then deletes everything it owns', async () => {
    const doomed = `doomed-${run}`
    await api.expectStatus(201, 'platform', 'POST', '/api/tenants', { tenant: doomed, name: 'Doomed' })
    await api.expectStatus(201, 'platform', 'POST', '/api/plants', { tenant: doomed, province: 'ba', slug: 'p1', name: 'P1' })
    await api.expectStatus(201, 'platform', 'POST', '/api/users', { tenant: doomed, email: `doomed-${run}@test.local`, role: 'viewer' })
    expect((await api.expectStatus<ErrorBody>(409, 'platform', 'DELETE', `/api/tenants/${doomed}`)).data.code).toBe('TENANT_NOT_EMPTY')
    await api.expectStatus(204, 'platform', 'DELETE', `/api/tenants/${doomed}?force=true`)
    const [left] = await api.sql`select (select count(*)::int from plants p join tenants t on t.id = p.tenant_id where t.slug = ${doomed}) as plants,
      (select count(*)::int from users where email = ${`doomed-${run}@test.local`}) as users`
    expect(left).toEqual({ plants: 0, users: 0 })
  })

  it('refuses bad input with 422 naming the field', async () => {
    await expectFields('platform', [
      ['POST', '/api/tenants', { tenant: 'Not A Slug', name: 'x' }, 'tenant'],
      ['POST', '/api/tenants', { tenant: 'x/y', name: 'x' }, 'tenant'],
      ['POST', '/api/tenants', { tenant: `ok-${run}` }, 'name'],
      ['PATCH', '/api/tenants/granix', { name: '' }, 'name'],
      ['GET', '/api/tenants?limit=0', undefined, 'limit'],
      ['GET', '/api/tenants?cursor=garbage', undefined, 'cursor'],
      ['DELETE', '/api/tenants/granix?force=maybe', undefined, 'force']
    ])
  })

  it('is for platform admins only (role × route)', async () => {
    await expectRoleMatrix(api, [
      ['GET', '/api/tenants?limit=0', undefined],
      ['POST', '/api/tenants', {}],
      ['PATCH', '/api/tenants/granix', {}],
      ['DELETE', '/api/tenants/granix?force=maybe', undefined]
    ], ['platform'])
  })
})

describe('plants', () => {
  const site = `p-${run}`

  it('creates, lists, renames and deletes a plant, scoped to what each caller sees', async () => {
    const created = await api.expectStatus(201, 'admin', 'POST', '/api/plants', { province: 'ba', slug: site, name: 'New plant' })
    expect(created).toMatchObject({ site, name: 'New plant', province: 'ba', tenant: 'granix', gateways: 0, machines: 0, pendingMachines: 0 })
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'POST', '/api/plants', { province: 'ba', slug: site, name: 'again' })).data.code).toBe('SITE_EXISTS')

    const sites = async (who: Caller) => (await walkPages<{ site: string, tenant: string }>(api, who, '/api/plants?limit=2')).flat().map(p => `${p.tenant}/${p.site}`)
    expect(await sites('viewer')).toEqual(['granix/planta-1', 'granix/planta-2', `granix/${site}`].sort())
    expect(await sites('operator')).toEqual(['granix/planta-1'])
    expect(await sites('otherAdmin')).toEqual(['other/planta-norte'])
    expect(await sites('platform')).toEqual(expect.arrayContaining(['granix/planta-1', 'other/planta-norte', `granix/${site}`]))

    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/plants/${site}`, { name: 'Renamed', province: 'cba' })).toMatchObject({ site, name: 'Renamed', province: 'cba' })
    // The operator is given the plant, and loses it with the plant (no stale id left in plant_access).
    const [{ id: plantId }] = await api.sql`select id from plants where slug = ${site}` as [{ id: string }]
    await api.sql`update users set plant_access = plant_access || ${plantId}::uuid where email = 'operator@demo.local'`
    await api.expectStatus(204, 'admin', 'DELETE', `/api/plants/${site}`)
    const [operator] = await api.sql`select plant_access::text[] as access from users where email = 'operator@demo.local'`
    expect(operator!.access).toHaveLength(1)
    expect(operator!.access).not.toContain(plantId)
    expect((await api.expectStatus<ErrorBody>(404, 'admin', 'PATCH', `/api/plants/${site}`, { name: 'x' })).data.code).toBe('SITE_NOT_FOUND')
  })

  it('accepts a new plant\'s messages at once, and keeps a plant with machines unless forced', async () => {
    const live = `live-${run}`
    const topic = `factory/granix/ba/${live}/m1/telemetry`
    await api.publish(topic, { schemaVersion: 1, timestamp: Date.now(), seq: 1, values: { speed: 1 } })
    await waitFor(async () => (await api.sql`select 1 from dead_letters where topic = ${topic} and reason = 'unknown_plant'`).length, 10_000, 'the unknown_plant dead letter')
    await api.expectStatus(201, 'admin', 'POST', '/api/plants', { province: 'ba', slug: live, name: 'Live' })
    // Within the ingest's 5 s memory of the miss: only the invalidation lets this through.
    await api.publish(topic, { schemaVersion: 1, timestamp: Date.now(), seq: 2, values: { speed: 2 } })
    await waitFor(async () => (await api.sql`select 1 from telemetry_events e join plcs c on c.id = e.plc_id where c.plc_id = 'm1' and e.seq = 2`).length, 10_000, 'the value to be stored')

    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'DELETE', `/api/plants/${live}`)).data.code).toBe('SITE_NOT_EMPTY')
    await api.expectStatus(204, 'admin', 'DELETE', `/api/plants/${live}?force=true`)
    // The telemetry tables have no foreign keys: nothing of the deleted PLC may be left in them.
    for (const table of ['telemetry_events', 'telemetry_hourly', 'telemetry_minutely', 'hourly_keys']) {
      const [left] = await api.sql`select count(*)::int as orphans from ${api.sql(table)} t where not exists (select 1 from plcs c where c.id = t.plc_id)`
      expect(left!.orphans, table).toBe(0)
    }
  })

  it('makes a platform admin name the tenant, and answers 409 when a site exists in several', async () => {
    const slug = `amb-${run}`
    expect((await api.expectStatus<ErrorBody>(422, 'platform', 'POST', '/api/plants', { province: 'ba', slug: 'planta-1', name: 'x' })).data.field).toBe('tenant')
    await api.expectStatus(201, 'platform', 'POST', '/api/tenants', { tenant: slug, name: 'Ambiguous' })
    await api.expectStatus(201, 'platform', 'POST', '/api/plants', { tenant: slug, province: 'ba', slug: 'planta-1', name: 'Also planta-1' })
    expect((await api.expectStatus<ErrorBody>(409, 'platform', 'PATCH', '/api/plants/planta-1', { name: 'x' })).data.code).toBe('SITE_AMBIGUOUS')
    expect(await api.expectStatus(200, 'platform', 'PATCH', `/api/plants/planta-1?tenant=${slug}`, { name: 'Renamed' })).toMatchObject({ tenant: slug, name: 'Renamed' })
    // granix's admin is not confused by another tenant's planta-1.
    expect(await api.expectStatus(200, 'admin', 'PATCH', '/api/plants/planta-1', { name: 'Planta 1' })).toMatchObject({ tenant: 'granix' })
    await api.expectStatus(204, 'platform', 'DELETE', `/api/tenants/${slug}?force=true`)
  })

  it('refuses bad input with 422 naming the field', async () => {
    await expectFields('admin', [
      ['POST', '/api/plants', { province: 'ba', slug: 'Planta Uno', name: 'x' }, 'slug'],
      ['POST', '/api/plants', { slug: `x-${run}`, name: 'x' }, 'province'],
      ['POST', '/api/plants', { province: 'ba', slug: `x-${run}` }, 'name'],
      ['PATCH', '/api/plants/planta-1', {}, 'name'],
      ['PATCH', '/api/plants/planta-1', { province: 'B A' }, 'province'],
      ['DELETE', '/api/plants/planta-1?force=maybe', undefined, 'force'],
      ['GET', '/api/plants?limit=501', undefined, 'limit']
    ])
  })

  it('lets admins write plants, and nobody else (role × route)', async () => {
    await expectRoleMatrix(api, [
      ['POST', '/api/plants', {}],
      ['PATCH', '/api/plants/planta-1', {}],
      ['DELETE', '/api/plants/planta-1?force=maybe', undefined]
    ], ['admin', 'otherAdmin', 'platform'])
  })

  it('hides granix\'s plants from the other tenant\'s admin', async () => {
    for (const [method, body] of [['PATCH', { name: 'mine' }], ['DELETE', undefined]] as const) {
      expectLikeMissing(await api.call('otherAdmin', method, '/api/plants/planta-1', body), await api.call('otherAdmin', method, '/api/plants/nowhere', body), 'planta-1', 'nowhere')
    }
    expectLikeMissing(
      await api.call('otherAdmin', 'POST', '/api/plants', { tenant: 'granix', province: 'ba', slug: 'intruder', name: 'x' }),
      await api.call('otherAdmin', 'POST', '/api/plants', { tenant: 'nowhere', province: 'ba', slug: 'intruder', name: 'x' }), 'granix', 'nowhere')
    const [plant] = await api.sql`select p.name from plants p join tenants t on t.id = p.tenant_id where t.slug = 'granix' and p.slug = 'planta-1'`
    expect(plant!.name).toBe('Planta 1')
  })
})

describe('users', () => {
  const email = (name: string) => `${name}-${run}@test.local`

  it('invites a user with a password, whose access follows every change at once, and removes them', async () => {
    const created = await api.expectStatus(201, 'admin', 'POST', '/api/users', { email: email('Op').toUpperCase(), role: 'plant_operator', plants: ['planta-2'], password: PASSWORD })
    expect(created).toEqual({
      user: { id: expect.any(String), email: email('op'), tenant: 'granix', role: 'plant_operator', plants: ['planta-2'], platformAdmin: false, createdAt: expect.any(Number) },
      passwordResetLink: null
    })
    const token = await signIn(email('op'), PASSWORD)
    const sites = async () => (await api.expectStatus<{ site: string }[]>(200, token, 'GET', '/api/sites')).map(s => s.site)
    expect(await sites()).toEqual(['planta-2'])

    const id = created.user.id
    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/users/${id}`, { plants: ['planta-1'] })).toMatchObject({ plants: ['planta-1'], role: 'plant_operator' })
    expect(await sites()).toEqual(['planta-1'])
    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/users/${id}`, { role: 'viewer', plants: 'all' })).toMatchObject({ plants: 'all', role: 'viewer' })
    expect(await sites()).toEqual(['planta-1', 'planta-2'])
    expect(await api.expectStatus(200, 'admin', 'PATCH', `/api/users/${id}`, { role: 'manager' })).toMatchObject({ plants: 'all', role: 'manager' })

    await api.expectStatus(204, 'admin', 'DELETE', `/api/users/${id}`)
    // The emulator refuses the token of a deleted account (401); real Firebase accepts it until it expires,
    // and then the missing users row refuses it (403).
    expect([401, 403]).toContain((await api.call(token, 'GET', '/api/sites')).status)
    await expect(signIn(email('op'), PASSWORD)).rejects.toThrow(/EMAIL_NOT_FOUND|USER_NOT_FOUND|INVALID/)
    await api.expectStatus(404, 'admin', 'DELETE', `/api/users/${id}`)
  })

  it('invites a user without a password and returns the link that sets one', async () => {
    const created = await api.expectStatus(201, 'admin', 'POST', '/api/users', { email: email('invited'), role: 'viewer' })
    expect(created.user).toMatchObject({ email: email('invited'), role: 'viewer', plants: 'all' })
    const oobCode = new URL(created.passwordResetLink).searchParams.get('oobCode')
    expect(oobCode).toBeTruthy()
    const reset = await fetch(`http://${emulatorHost()}/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key=test-api-key`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ oobCode, newPassword: PASSWORD })
    })
    expect(reset.status).toBe(200)
    const access = await api.expectStatus(200, await signIn(email('invited'), PASSWORD), 'GET', '/api/admin/access')
    expect(access).toMatchObject({ email: email('invited'), tenant: 'granix', role: 'viewer', platformAdmin: false })
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'POST', '/api/users', { email: email('invited'), role: 'viewer' })).data.code).toBe('USER_EXISTS')
    await api.expectStatus(204, 'admin', 'DELETE', `/api/users/${created.user.id}`)
  })

  it('lists a tenant\'s users page by page, never platform admins or other tenants\' users', async () => {
    const pages = await walkPages<{ email: string, tenant: string }>(api, 'admin', '/api/users?limit=2')
    const emails = pages.flat().map(u => u.email)
    expect(emails).toEqual(expect.arrayContaining(['admin@demo.local', 'manager@demo.local', 'operator@demo.local', 'viewer@demo.local']))
    expect(emails).toEqual([...new Set(emails)].sort())
    expect(pages.flat().every(u => u.tenant === 'granix')).toBe(true)
    expect(emails).not.toContain('platform@demo.local')
    const operator = pages.flat().find(u => u.email === 'operator@demo.local')
    expect(operator).toMatchObject({ role: 'plant_operator', plants: ['planta-1'] })
    expect((await api.expectStatus(200, 'admin', 'GET', '/api/users?role=viewer')).items.every((u: { role: string }) => u.role === 'viewer')).toBe(true)

    const everyone = (await walkPages<{ email: string }>(api, 'platform', '/api/users?limit=50')).flat().map(u => u.email)
    expect(everyone).toEqual(expect.arrayContaining(['platform@demo.local', 'admin@other.local', 'admin@demo.local']))
    const other = await api.expectStatus(200, 'platform', 'GET', '/api/users?tenant=other')
    expect(other.items.map((u: { email: string }) => u.email)).toEqual(['admin@other.local'])
  })

  it('searches emails: a case-insensitive substring, `_` taken literally, in the tenant only, page by page', async () => {
    const mine = [email('find_me'), email('findxme')]
    const ids: string[] = []
    for (const e of mine) ids.push((await api.expectStatus(201, 'admin', 'POST', '/api/users', { email: e, role: 'viewer', password: PASSWORD })).user.id)
    const theirs = await api.expectStatus(201, 'platform', 'POST', '/api/users', { tenant: 'other', email: `find_me-other-${run}@test.local`, role: 'viewer', password: PASSWORD })
    const search = async (who: Caller, q: string) => (await walkPages<{ email: string }>(api, who, `/api/users?limit=1&q=${encodeURIComponent(q)}`)).flat().map(u => u.email)
    expect(await search('admin', `FIND_ME-${run}`)).toEqual([email('find_me')])
    expect(await search('admin', `-${run}@test.local`)).toEqual(mine)
    expect(await search('admin', `me-${run}@`)).toEqual(mine)
    expect(await search('admin', 'no-such-email-anywhere')).toEqual([])
    expect(await search('platform', `find_me-`)).toEqual(expect.arrayContaining([email('find_me'), `find_me-other-${run}@test.local`]))
    await expectFields('admin', [['GET', '/api/users?q=', undefined, 'q'], ['GET', `/api/users?q=${'x'.repeat(255)}`, undefined, 'q']])
    for (const id of ids) await api.expectStatus(204, 'admin', 'DELETE', `/api/users/${id}`)
    await api.expectStatus(204, 'platform', 'DELETE', `/api/users/${theirs.user.id}`)
  })

  it('keeps every tenant\'s last admin, and lets a platform admin invite into any tenant', async () => {
    const [admin] = await api.sql`select id from users where email = 'admin@demo.local'`
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'PATCH', `/api/users/${admin!.id}`, { role: 'manager' })).data.code).toBe('LAST_ADMIN')
    expect((await api.expectStatus<ErrorBody>(409, 'platform', 'DELETE', `/api/users/${admin!.id}`)).data.code).toBe('LAST_ADMIN')

    expect((await api.expectStatus<ErrorBody>(422, 'platform', 'POST', '/api/users', { email: email('plat'), role: 'viewer' })).data.field).toBe('tenant')
    const created = await api.expectStatus(201, 'platform', 'POST', '/api/users', { tenant: 'other', email: email('plat'), role: 'admin' })
    expect(created.user).toMatchObject({ tenant: 'other', role: 'admin', plants: 'all', platformAdmin: false })
    // Now "other" has two admins: one may step down.
    const second = await api.expectStatus(200, 'platform', 'PATCH', `/api/users/${created.user.id}`, { role: 'viewer' })
    expect(second).toMatchObject({ role: 'viewer' })
    await api.expectStatus(204, 'otherAdmin', 'DELETE', `/api/users/${created.user.id}`)
  })

  it('refuses bad input with 422 naming the field', async () => {
    const [viewer] = await api.sql`select id from users where email = 'viewer@demo.local'`
    await expectFields('admin', [
      ['POST', '/api/users', { email: 'not-an-email', role: 'viewer' }, 'email'],
      ['POST', '/api/users', { email: email('x'), role: 'root' }, 'role'],
      ['POST', '/api/users', { email: email('x'), role: 'viewer', plants: [] }, 'plants'],
      ['POST', '/api/users', { email: email('x'), role: 'viewer', plants: 'some' }, 'plants'],
      ['POST', '/api/users', { email: email('x'), role: 'viewer', plants: ['no-such-site'] }, 'plants'],
      ['POST', '/api/users', { email: email('x'), role: 'admin', plants: ['planta-1'] }, 'plants'],
      ['POST', '/api/users', { email: email('x'), role: 'viewer', password: '123' }, 'password'],
      ['POST', '/api/users', { email: email('x'), role: 'admin', platformAdmin: true }, 'platformAdmin'],
      ['PATCH', `/api/users/${viewer!.id}`, {}, 'role'],
      ['PATCH', `/api/users/${viewer!.id}`, { plants: ['planta-9'] }, 'plants'],
      ['PATCH', '/api/users/not-a-uuid', { role: 'viewer' }, 'id'],
      ['DELETE', '/api/users/not-a-uuid', undefined, 'id'],
      ['GET', '/api/users?role=root', undefined, 'role']
    ])
    const [row] = await api.sql`select count(*)::int as n from users where email = ${email('x')}`
    expect(row!.n).toBe(0)
  })

  it('lets admins manage users, and nobody else (role × route)', async () => {
    await expectRoleMatrix(api, [
      ['GET', '/api/users?limit=0', undefined],
      ['POST', '/api/users', {}],
      ['PATCH', '/api/users/not-a-uuid', {}],
      ['DELETE', '/api/users/not-a-uuid', undefined]
    ], ['admin', 'otherAdmin', 'platform'])
  })

  it('hides granix\'s users from the other tenant\'s admin', async () => {
    const [viewer] = await api.sql`select id from users where email = 'viewer@demo.local'`
    const fake = '00000000-0000-4000-8000-000000000000'
    expectLikeMissing(await api.call('otherAdmin', 'PATCH', `/api/users/${viewer!.id}`, { role: 'admin' }), await api.call('otherAdmin', 'PATCH', `/api/users/${fake}`, { role: 'admin' }), viewer!.id, fake)
    expectLikeMissing(await api.call('otherAdmin', 'DELETE', `/api/users/${viewer!.id}`), await api.call('otherAdmin', 'DELETE', `/api/users/${fake}`), viewer!.id, fake)
    expectLikeMissing(
      await api.call('otherAdmin', 'POST', '/api/users', { tenant: 'granix', email: email('spy'), role: 'admin' }),
      await api.call('otherAdmin', 'POST', '/api/users', { tenant: 'nowhere', email: email('spy'), role: 'admin' }), 'granix', 'nowhere')
    // A granix site is as unknown to "other" as one that does not exist.
    const real = await api.call('otherAdmin', 'POST', '/api/users', { email: email('spy'), role: 'viewer', plants: ['planta-1'] })
    const missing = await api.call('otherAdmin', 'POST', '/api/users', { email: email('spy'), role: 'viewer', plants: ['nowhere'] })
    expect(real.status).toBe(422)
    expect(errorOf(real.body)).toEqual(JSON.parse(JSON.stringify(errorOf(missing.body)).replaceAll('nowhere', 'planta-1')))
    const listed = await api.expectStatus(200, 'otherAdmin', 'GET', '/api/users')
    expect(JSON.stringify(listed)).not.toMatch(/granix|demo\.local/)
    const [after] = await api.sql`select role from users where id = ${viewer!.id}`
    expect(after!.role).toBe('viewer')
  })
})
