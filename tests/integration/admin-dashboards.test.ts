import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CALLERS, errorOf, shapeA, startAdminApi, type AdminApi, type Caller, type ErrorBody } from '../support/admin-api'
import { waitFor } from '../support/services'

// Dashboards and widgets (seed 000's builder) against the built server, PostgreSQL and Mosquitto, as
// each demo user. PLC ids are this run's own: other runs may publish to the demo tenant at the same time.

const run = randomBytes(3).toString('hex')
const GW = `dash-gw-${run}`
const PLC_1 = `dash-p1-${run}`
const PLC_2 = `dash-p2-${run}`
const PLC_NORTE = `dash-pn-${run}`

const WIDGETS = [
  { widget_key: 'temp', type: 'gauge', label: 'Temperature', metric_id: 'temp_head', unit: 'celsius', data_type: 'float', options: { min: 0, max: 120 } },
  { widget_key: 'temp-trend', type: 'line', label: 'Temperature trend', metric_id: 'temp_head' },
  { widget_key: 'running', type: 'lamp', label: 'Running', metric_id: 'running', data_type: 'bool' }
]

let api: AdminApi

async function createDashboard(who: Caller, plcId: string, site: string, name = `Dashboard ${plcId}`) {
  return api.expectStatus(201, who, 'POST', `/api/admin/plcs/${plcId}/dashboard`, { site, name })
}

beforeAll(async () => {
  api = await startAdminApi()
  for (const [site, plc] of [['planta-1', PLC_1], ['planta-2', PLC_2]] as const) {
    const m = shapeA(site, GW, plc)
    await api.publish(m.topic, m.payload)
  }
  await api.publish(`factory/other/cba/planta-norte/gateway/${GW}/telemetry`, { ...shapeA('planta-norte', GW, PLC_NORTE).payload, tenant: 'other', province: 'cba' })
  await waitFor(async () => (await api.call('platform', 'GET', `/api/machines?limit=500`)).body.items
    .filter((m: { plcId: string }) => [PLC_1, PLC_2, PLC_NORTE].includes(m.plcId)).length === 3, 15_000, 'the PLCs to be registered')
})

afterAll(async () => {
  await api?.stop()
})

describe('dashboard builder (seed 000)', () => {
  it('creates a PLC\'s empty dashboard, adds widgets, reorders and edits them, and every role reads it', async () => {
    const created = await api.expectStatus(201, 'admin', 'POST', `/api/admin/plcs/${PLC_1}/dashboard`, { site: 'planta-1', name: 'Press 1', iconUrl: 'https://example.com/press.svg' })
    expect(created).toMatchObject({ tenant: 'granix', site: 'planta-1', plcId: PLC_1, name: 'Press 1', iconUrl: 'https://example.com/press.svg', widgets: [] })
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
    const base = `/api/admin/dashboards/${created.id}`

    const added = []
    for (const w of WIDGETS) added.push(await api.expectStatus(201, 'manager', 'POST', `${base}/widgets`, w))
    expect(added.map(w => w.position)).toEqual([0, 1, 2])
    expect(added[0]).toMatchObject({ ...WIDGETS[0], position: 0 })
    expect(added[1]).toMatchObject({ unit: null, data_type: null, options: null })

    for (const who of ['admin', 'manager', 'operator', 'viewer', 'platform'] as const) {
      const dashboard = await api.expectStatus(200, who, 'GET', `/api/plcs/planta-1/${PLC_1}/dashboard?tenant=granix`)
      expect(dashboard.widgets.map((w: { widget_key: string }) => w.widget_key)).toEqual(['temp', 'temp-trend', 'running'])
    }

    // "Guardar orden" by ids; then by keys naming one widget only: it goes first, the others keep their order.
    const byIds = await api.expectStatus(200, 'admin', 'POST', `${base}/widgets/reorder`, { widget_ids: [added[2].id, added[0].id, added[1].id] })
    expect(byIds.widgets.map((w: { widget_key: string, position: number }) => [w.widget_key, w.position])).toEqual([['running', 0], ['temp', 1], ['temp-trend', 2]])
    const byKeys = await api.expectStatus(200, 'manager', 'POST', `${base}/widgets/reorder`, { widget_keys: ['temp-trend'] })
    expect(byKeys.widgets.map((w: { widget_key: string }) => w.widget_key)).toEqual(['temp-trend', 'running', 'temp'])

    const patched = await api.expectStatus(200, 'admin', 'PATCH', `${base}/widgets/${added[0].id}`, { label: 'Head temperature', options: null, unit: 'C' })
    expect(patched).toMatchObject({ id: added[0].id, widget_key: 'temp', label: 'Head temperature', options: null, unit: 'C', data_type: 'float', type: 'gauge' })
    await api.expectStatus(204, 'manager', 'DELETE', `${base}/widgets/${added[1].id}`)
    await api.expectStatus(404, 'manager', 'DELETE', `${base}/widgets/${added[1].id}`)

    const renamed = await api.expectStatus(200, 'manager', 'PATCH', base, { name: 'Press one', iconUrl: null })
    expect(renamed).toMatchObject({ name: 'Press one', iconUrl: null })
    expect(renamed.updatedAt).toBeGreaterThanOrEqual(created.updatedAt)
    const read = await api.expectStatus(200, 'viewer', 'GET', base)
    expect(read.widgets.map((w: { widget_key: string }) => w.widget_key)).toEqual(['running', 'temp'])

    await api.expectStatus(204, 'admin', 'DELETE', base)
    const gone = await api.expectStatus<ErrorBody>(404, 'viewer', 'GET', `/api/plcs/planta-1/${PLC_1}/dashboard`)
    expect(gone.data.code).toBe('DASHBOARD_NOT_FOUND')
    const [left] = await api.sql`select count(*)::int as count from widgets where dashboard_id = ${created.id}`
    expect(left!.count).toBe(0)
  })

  it('answers 409 for a second dashboard of a PLC and for a widget_key used twice', async () => {
    const d = await createDashboard('admin', PLC_2, 'planta-2')
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'POST', `/api/admin/plcs/${PLC_2}/dashboard`, { site: 'planta-2', name: 'again' })).data.code).toBe('DASHBOARD_EXISTS')
    const base = `/api/admin/dashboards/${d.id}/widgets`
    await api.expectStatus(201, 'admin', 'POST', base, WIDGETS[0])
    const second = await api.expectStatus(201, 'admin', 'POST', base, WIDGETS[1])
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'POST', base, WIDGETS[0])).data.code).toBe('WIDGET_KEY_EXISTS')
    expect((await api.expectStatus<ErrorBody>(409, 'admin', 'PATCH', `${base}/${second.id}`, { widget_key: 'temp' })).data.code).toBe('WIDGET_KEY_EXISTS')
    await api.expectStatus(204, 'admin', 'DELETE', `/api/admin/dashboards/${d.id}`)
  })

  it('refuses bad input with 422 naming the field', async () => {
    const d = await createDashboard('admin', PLC_2, 'planta-2')
    const base = `/api/admin/dashboards/${d.id}`
    const cases: [string, string, unknown, string][] = [
      ['POST', `/api/admin/plcs/${PLC_2}/dashboard`, { name: 'x' }, 'site'],
      ['POST', `/api/admin/plcs/${PLC_2}/dashboard`, { site: 'planta-2', name: '' }, 'name'],
      ['POST', `/api/admin/plcs/${PLC_2}/dashboard`, { site: 'planta-2', name: 'x', iconUrl: 'javascript:alert(1)' }, 'iconUrl'],
      ['PATCH', '/api/admin/dashboards/not-a-uuid', { name: 'x' }, 'dashboardId'],
      ['PATCH', base, {}, 'name'],
      ['POST', `${base}/widgets`, { ...WIDGETS[0], widget_key: undefined }, 'widget_key'],
      ['POST', `${base}/widgets`, { ...WIDGETS[0], type: 'pie' }, 'type'],
      ['POST', `${base}/widgets`, { ...WIDGETS[0], metric_id: 42 }, 'metric_id'],
      ['POST', `${base}/widgets`, { ...WIDGETS[0], options: [1, 2] }, 'options'],
      ['POST', `${base}/widgets`, { ...WIDGETS[0], options: { blob: 'x'.repeat(20_000) } }, 'options'],
      ['POST', `${base}/widgets/reorder`, {}, 'widget_ids'],
      ['POST', `${base}/widgets/reorder`, { widget_ids: ['a'] }, 'widget_ids.0'],
      ['POST', `${base}/widgets/reorder`, { widget_keys: ['a', 'a'] }, 'widget_keys'],
      ['POST', `${base}/widgets/reorder`, { widget_keys: ['no-such-widget'] }, 'widget_keys'],
      ['PATCH', `${base}/widgets/00000000-0000-4000-8000-000000000000`, {}, 'label'],
      ['DELETE', `${base}/widgets/nope`, undefined, 'widgetId']
    ]
    for (const [method, path, body, field] of cases) {
      const error = await api.expectStatus<ErrorBody>(422, 'admin', method, path, body)
      expect(error.data.field, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBe(field)
    }
    const missing = await api.expectStatus<ErrorBody>(404, 'admin', 'POST', '/api/admin/plcs/no-such-plc/dashboard', { site: 'planta-2', name: 'x' })
    expect(missing.data.code).toBe('PLC_NOT_FOUND')
    await api.expectStatus(204, 'admin', 'DELETE', base)
  })
})

describe('dashboard permissions', () => {
  // Permission comes before validation, so an invalid request tells the role check apart without
  // changing anything: 403 for a role without dashboard:write, 422 for one with it.
  const WRITES: [string, string, unknown][] = [
    ['POST', '/api/admin/plcs/x/dashboard', {}],
    ['PATCH', '/api/admin/dashboards/not-a-uuid', { name: 'x' }],
    ['DELETE', '/api/admin/dashboards/not-a-uuid', undefined],
    ['POST', '/api/admin/dashboards/not-a-uuid/widgets', {}],
    ['POST', '/api/admin/dashboards/not-a-uuid/widgets/reorder', {}],
    ['PATCH', '/api/admin/dashboards/not-a-uuid/widgets/not-a-uuid', {}],
    ['DELETE', '/api/admin/dashboards/not-a-uuid/widgets/not-a-uuid', undefined]
  ]
  const WRITERS: Caller[] = ['admin', 'manager', 'otherAdmin', 'platform']

  it('lets admins and managers write dashboards, and nobody else (role × route)', async () => {
    for (const who of CALLERS) {
      for (const [method, path, body] of WRITES) {
        const { status, body: reply } = await api.call(who, method, path, body)
        expect(status, `${who} ${method} ${path}: ${JSON.stringify(reply)}`).toBe(WRITERS.includes(who) ? 422 : 403)
        if (status === 403) expect(reply.data.code).toBe('FORBIDDEN')
      }
    }
  })

  it('applies the role to real dashboards, and plant access to reads', async () => {
    const d = await createDashboard('manager', PLC_2, 'planta-2')
    const widgets = `/api/admin/dashboards/${d.id}/widgets`
    await api.expectStatus(403, 'operator', 'POST', widgets, WIDGETS[0])
    await api.expectStatus(403, 'viewer', 'POST', widgets, WIDGETS[0])
    const w = await api.expectStatus(201, 'platform', 'POST', widgets, WIDGETS[0])
    await api.expectStatus(403, 'viewer', 'DELETE', `${widgets}/${w.id}`)
    await api.expectStatus(200, 'viewer', 'GET', `/api/plcs/planta-2/${PLC_2}/dashboard`)
    // The demo operator sees planta-1 only: planta-2's dashboard does not exist for them.
    const hidden = await api.expectStatus<ErrorBody>(404, 'operator', 'GET', `/api/plcs/planta-2/${PLC_2}/dashboard`)
    expect(hidden.data.code).toBe('PLC_NOT_FOUND')
    await api.expectStatus(404, 'operator', 'GET', `/api/admin/dashboards/${d.id}`)
    await api.expectStatus(204, 'admin', 'DELETE', `/api/admin/dashboards/${d.id}`)
  })

  it('lets the other tenant build its own dashboards and hides granix\'s from it entirely', async () => {
    const own = await createDashboard('otherAdmin', PLC_NORTE, 'planta-norte', 'Norte')
    expect(own).toMatchObject({ tenant: 'other', site: 'planta-norte' })
    const granix = await createDashboard('admin', PLC_2, 'planta-2', 'Granix secret dashboard')
    const w = await api.expectStatus(201, 'admin', 'POST', `/api/admin/dashboards/${granix.id}/widgets`, WIDGETS[0])
    const fakeId = '00000000-0000-4000-8000-000000000000'

    // Each probe with granix's ids answers exactly as with ids that exist nowhere.
    const probes: [string, (id: string, widgetId: string) => string, unknown][] = [
      ['GET', id => `/api/admin/dashboards/${id}`, undefined],
      ['PATCH', id => `/api/admin/dashboards/${id}`, { name: 'mine now' }],
      ['DELETE', id => `/api/admin/dashboards/${id}`, undefined],
      ['POST', id => `/api/admin/dashboards/${id}/widgets`, WIDGETS[1]],
      ['POST', id => `/api/admin/dashboards/${id}/widgets/reorder`, { widget_keys: ['temp'] }],
      ['PATCH', (id, wid) => `/api/admin/dashboards/${id}/widgets/${wid}`, { label: 'x' }],
      ['DELETE', (id, wid) => `/api/admin/dashboards/${id}/widgets/${wid}`, undefined]
    ]
    for (const [method, path, body] of probes) {
      const real = await api.call('otherAdmin', method, path(granix.id, w.id), body)
      const fake = await api.call('otherAdmin', method, path(fakeId, fakeId), body)
      expect(real.status, `${method} ${path(granix.id, w.id)}`).toBe(404)
      expect(errorOf(real.body)).toEqual(errorOf(fake.body))
    }
    for (const [path, body] of [
      [`/api/admin/plcs/${PLC_2}/dashboard`, { site: 'planta-2', name: 'x' }],
      [`/api/admin/plcs/${PLC_2}/dashboard`, { site: 'planta-2', name: 'x', tenant: 'granix' }]
    ] as const) {
      const real = await api.call('otherAdmin', 'POST', path, body)
      expect(real.status).toBe(404)
      expect(JSON.stringify(real.body)).not.toContain('granix')
    }
    const read = await api.call('otherAdmin', 'GET', `/api/plcs/planta-2/${PLC_2}/dashboard`)
    expect(read.status).toBe(404)
    expect(JSON.stringify(read.body)).not.toMatch(/granix|secret/i)

    // Nothing changed on granix's side.
    const after = await api.expectStatus(200, 'admin', 'GET', `/api/admin/dashboards/${granix.id}`)
    expect(after).toMatchObject({ name: 'Granix secret dashboard', widgets: [{ id: w.id, label: WIDGETS[0]!.label }] })
    await api.expectStatus(204, 'admin', 'DELETE', `/api/admin/dashboards/${granix.id}`)
    await api.expectStatus(204, 'otherAdmin', 'DELETE', `/api/admin/dashboards/${own.id}`)
  })
})
