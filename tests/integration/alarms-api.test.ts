import { randomBytes, randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectRoleMatrix, startAdminApi, walkPages, type AdminApi, type Loose } from '../support/admin-api'
import { signIn } from '../support/auth'
import { waitFor } from '../support/services'

// The alarms API against the built server, PostgreSQL and Mosquitto, with alarms raised by the engine
// from real MQTT messages: seed 000's routes, acknowledge / shelve with their role checks, tenant and
// plant isolation, the live stream, rules CRUD and bad input.

const run = randomBytes(3).toString('hex')
const METRIC = `al_temp_${run}`
const M1 = `al-m1-${run}`
const M2 = `al-m2-${run}`
let api: AdminApi
let ruleId: string
let alarmId: string
let ws: WebSocket
const live: Loose[] = []
let clock = Date.now() - 60_000

const send = (site: string, machine: string, value: number) =>
  api.publish(`factory/granix/ba/${site}/${machine}/telemetry`, { schemaVersion: 1, timestamp: (clock += 1000), seq: clock, values: { [METRIC]: value } })

async function openAlarm(who: string, machine: string): Promise<Loose> {
  return waitFor(async () => {
    const page = await api.expectStatus(200, who, 'GET', `/api/alarms?state=open&type=threshold&limit=500`)
    return page.items.find((a: Loose) => a.plcId === machine && a.metric === METRIC)
  }, 10_000, `an open alarm on ${machine}`)
}

beforeAll(async () => {
  api = await startAdminApi()
  const token = await signIn('operator@demo.local')
  ws = new WebSocket(`${api.server.url.replace('http', 'ws')}/ws?site=planta-1&token=${token}`)
  ws.on('message', data => live.push(JSON.parse(String(data))))
  await waitFor(() => live.find(m => m.type === 'subscribed'), 10_000, 'the stream subscribed')
})

afterAll(async () => {
  ws?.close()
  await api?.stop()
})

describe('alarm rules', () => {
  it('a manager creates a tenant-wide threshold rule', async () => {
    const rule = await api.expectStatus(201, 'manager', 'POST', '/api/alarm-rules', { name: 'Head too hot', metric: METRIC, max: 50, deadband: 2, severity: 'high' })
    expect(rule).toMatchObject({ tenant: 'granix', site: null, plcId: null, metric: METRIC, max: 50, min: null, deadband: 2, severity: 'high', enabled: true, minDurationS: 0 })
    ruleId = rule.id
    expect(await api.expectStatus(200, 'viewer', 'GET', `/api/alarm-rules/${ruleId}`)).toEqual(rule)
    // A rule as GET returns it can be PUT back as it is (the page's edit form does so).
    const { id: _id, tenant: _tenant, createdAt: _c, updatedAt: _u, ...settings } = rule
    expect(await api.expectStatus(200, 'manager', 'PUT', `/api/alarm-rules/${ruleId}`, settings)).toMatchObject({ ...settings, id: ruleId })
    const pages = await walkPages(api, 'viewer', '/api/alarm-rules?limit=1')
    expect(pages.flat().map((r: Loose) => r.id)).toContain(ruleId)
  })

  it('bad rules are a 422 naming the field', async () => {
    const cases: [object, string][] = [
      [{ name: 'x', metric: METRIC, min: 5, max: 1 }, 'min'],
      [{ name: 'x', metric: METRIC }, 'max'],
      [{ name: 'x', max: 1 }, 'metric'],
      [{ name: 'x', metric: METRIC, max: 1, severity: 'urgent' }, 'severity'],
      [{ name: 'x', metric: METRIC, max: 1, plcId: M1 }, 'site'],
      [{ name: 'x', metric: METRIC, max: 1, minDurationS: -1 }, 'minDurationS']
    ]
    for (const [body, field] of cases) {
      const res = await api.expectStatus(422, 'admin', 'POST', '/api/alarm-rules', body)
      expect(res.data).toMatchObject({ code: 'INVALID_BODY', field })
    }
  })

  it('a learnt rule learns its bounds when created and shows what it learnt them from', async () => {
    for (const [value, i] of [[10, 0], [20, 1], [30, 2]]) {
      await api.publish(`factory/granix/ba/planta-1/${M1}/telemetry`, { schemaVersion: 1, timestamp: clock - 30_000 + i! * 1000, seq: i, values: { [`${METRIC}_l`]: value } })
    }
    await waitFor(async () => (await api.sql`select count(*)::int as n from telemetry_events where metric = ${`${METRIC}_l`}`)[0]!.n === 3 || null, 10_000, 'history')
    const rule = await api.expectStatus(201, 'manager', 'POST', '/api/alarm-rules', { name: 'Unusual', metric: `${METRIC}_l`, kind: 'learnt', learnt: { minPoints: 3, pLow: 0, pHigh: 1, padFrac: 0.5 } })
    expect(rule).toMatchObject({ kind: 'learnt', min: null, max: null, learnt: { minPoints: 3, windowDays: 7, pLow: 0, pHigh: 1, padFrac: 0.5, padAbs: 0 } })
    const { items } = await api.expectStatus(200, 'viewer', 'GET', `/api/alarm-rules/${rule.id}/bounds`)
    expect(items).toMatchObject([{ site: 'planta-1', plcId: M1, pLow: 10, pHigh: 30, low: 0, high: 40, points: 3 }])
    expect((await api.expectStatus(200, 'manager', 'POST', `/api/alarm-rules/${rule.id}/learn`)).items).toHaveLength(1)
    expect((await api.expectStatus(409, 'manager', 'POST', `/api/alarm-rules/${ruleId}/learn`)).data.code).toBe('NOT_LEARNT')
    const bad: [object, string][] = [
      [{ name: 'x', metric: METRIC, kind: 'learnt', learnt: { pLow: 0.9, pHigh: 0.1 } }, 'learnt.pLow'],
      [{ name: 'x', metric: METRIC, kind: 'learnt', max: 5 }, 'max'],
      [{ name: 'x', metric: METRIC, max: 5, learnt: {} }, 'learnt'],
      [{ name: 'x', metric: METRIC, kind: 'stale' }, 'staleAfterS'],
      [{ name: 'x', metric: METRIC, max: 5, staleAfterS: 10 }, 'staleAfterS']
    ]
    for (const [body, field] of bad) expect((await api.expectStatus(422, 'manager', 'POST', '/api/alarm-rules', body)).data.field).toBe(field)
    await api.expectStatus(204, 'manager', 'DELETE', `/api/alarm-rules/${rule.id}`)
  })

  it('only admins and managers write rules; another tenant cannot see this one', async () => {
    await expectRoleMatrix(api, [['POST', '/api/alarm-rules', { metric: 1 }], ['PUT', `/api/alarm-rules/${ruleId}`, { metric: 1 }]], ['admin', 'manager', 'otherAdmin', 'platform'])
    await api.expectStatus(404, 'otherAdmin', 'GET', `/api/alarm-rules/${ruleId}`)
    await api.expectStatus(404, 'otherAdmin', 'DELETE', `/api/alarm-rules/${ruleId}`)
    const theirs = await walkPages(api, 'otherAdmin', '/api/alarm-rules')
    expect(theirs.flat().map((r: Loose) => r.id)).not.toContain(ruleId)
  })
})

describe('alarms from MQTT to the API and the live stream', () => {
  it('a value over the limit raises an alarm listed by seed 000\'s routes and streamed live', async () => {
    await send('planta-1', M1, 40)
    await send('planta-1', M1, 61.5)
    const alarm = await openAlarm('operator', M1)
    alarmId = alarm.id
    expect(alarm).toMatchObject({ tenant: 'granix', site: 'planta-1', plcId: M1, ruleId, type: 'threshold', severity: 'high', state: 'active', acknowledged: false, value: 61.5, message: 'Head too hot: ' + `${METRIC} 61.5 above 50` })
    const seed = await api.expectStatus(200, 'operator', 'GET', '/api/alarms?acknowledged=false&severity=high')
    expect(seed.items.map((a: Loose) => a.id)).toContain(alarmId)
    const perPlc = await api.expectStatus(200, 'operator', 'GET', `/api/alarms/planta-1/${M1}`)
    expect(perPlc.items.map((a: Loose) => a.id)).toEqual([alarmId])
    const event = await waitFor(() => live.find(m => m.type === 'alarm' && m.alarm.id === alarmId), 10_000, 'the alarm event')
    expect(event).toMatchObject({ transition: 'raised', site: 'planta-1', plcId: M1, alarm: { state: 'active' } })
  })

  it('a viewer cannot acknowledge; another tenant gets 404 and sees nothing of it', async () => {
    const refused = await api.expectStatus(403, 'viewer', 'POST', `/api/alarms/${alarmId}/acknowledge`, {})
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', action: 'alarm:acknowledge' })
    await api.expectStatus(404, 'otherAdmin', 'GET', `/api/alarms/${alarmId}`)
    await api.expectStatus(404, 'otherAdmin', 'POST', `/api/alarms/${alarmId}/acknowledge`, {})
    await api.expectStatus(404, 'otherAdmin', 'GET', `/api/alarms/planta-1/${M1}`)
    const theirs = await walkPages(api, 'otherAdmin', '/api/alarms')
    expect(theirs.flat().filter((a: Loose) => a.tenant !== 'other')).toEqual([])
  })

  it('an operator acknowledges with a comment, once; the stream and the history say so', async () => {
    const acked = await api.expectStatus(200, 'operator', 'POST', `/api/alarms/${alarmId}/acknowledge`, { comment: 'Cooling water checked' })
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledged: true, acknowledgedBy: 'operator@demo.local', ackComment: 'Cooling water checked' })
    expect(acked.acknowledgedAt).toBeGreaterThan(acked.ts)
    const again = await api.expectStatus(409, 'manager', 'POST', `/api/alarms/${alarmId}/acknowledge`)
    expect(again.data.code).toBe('ALREADY_ACKNOWLEDGED')
    await waitFor(() => live.find(m => m.type === 'alarm' && m.transition === 'acknowledged' && m.alarm.id === alarmId), 10_000, 'the acknowledged event')
    // Still over the limit: acknowledged alarms are not raised again.
    await send('planta-1', M1, 70)
    const detail = await api.expectStatus(200, 'viewer', 'GET', `/api/alarms/${alarmId}`)
    expect(detail.history.map((h: Loose) => [h.kind, h.actor])).toEqual([['raised', null], ['acknowledged', 'operator@demo.local']])
    expect(detail.history[1].comment).toBe('Cooling water checked')
  })

  it('shelving hides an alarm from ?shelved=false until it ends; operators may not shelve', async () => {
    await expectRoleMatrix(api, [['POST', `/api/alarms/${randomUUID()}/shelve`, { minutes: 0 }]], ['admin', 'manager', 'otherAdmin', 'platform'])
    const shelved = await api.expectStatus(200, 'manager', 'POST', `/api/alarms/${alarmId}/shelve`, { minutes: 30, comment: 'maintenance' })
    expect(shelved.shelvedUntil).toBeGreaterThan(Date.now() + 29 * 60_000)
    const visible = await api.expectStatus(200, 'manager', 'GET', '/api/alarms?shelved=false&state=open&limit=500')
    expect(visible.items.map((a: Loose) => a.id)).not.toContain(alarmId)
    const hidden = await api.expectStatus(200, 'manager', 'GET', '/api/alarms?shelved=true')
    expect(hidden.items.map((a: Loose) => a.id)).toContain(alarmId)
    expect((await api.expectStatus(200, 'manager', 'POST', `/api/alarms/${alarmId}/unshelve`)).shelvedUntil).toBeNull()
    expect((await api.expectStatus(409, 'manager', 'POST', `/api/alarms/${alarmId}/unshelve`)).data.code).toBe('NOT_SHELVED')
  })

  it('clears when the value is back inside the limit by the deadband; stats count it', async () => {
    await send('planta-1', M1, 49)
    await send('planta-1', M1, 47)
    const cleared = await waitFor(async () => {
      const a = await api.expectStatus(200, 'viewer', 'GET', `/api/alarms/${alarmId}`)
      return a.state === 'cleared' ? a : null
    }, 10_000, 'the alarm cleared')
    expect(cleared).toMatchObject({ acknowledged: true, clearValue: 47 })
    expect(cleared.history.map((h: Loose) => h.kind)).toEqual(['raised', 'acknowledged', 'shelved', 'unshelved', 'cleared'])
    const stats = await api.expectStatus(200, 'viewer', 'GET', `/api/alarms/stats?from=${clock - 3_600_000}`)
    expect(stats.bySeverity.high).toBeGreaterThanOrEqual(1)
    expect(stats.byState.cleared).toBeGreaterThanOrEqual(1)
    expect(stats.meanTimeToAcknowledgeMs).toBeGreaterThan(0)
    expect(stats.meanTimeToClearMs).toBeGreaterThan(0)
    const metrics = await api.expectStatus(200, 'viewer', 'GET', '/metrics')
    expect(metrics.alarms).toMatchObject({ raised: expect.any(Number), cleared: expect.any(Number), queued: 0 })
    expect(metrics.alarms.raised).toBeGreaterThanOrEqual(1)
    expect(metrics.alarms.cleared).toBeGreaterThanOrEqual(1)
  })

  it('an operator limited to planta-1 neither sees nor acknowledges planta-2 alarms', async () => {
    await send('planta-2', M2, 99)
    const other = await openAlarm('manager', M2)
    const mine = await walkPages(api, 'operator', '/api/alarms?limit=100')
    expect(mine.flat().map((a: Loose) => a.id)).not.toContain(other.id)
    await api.expectStatus(404, 'operator', 'POST', `/api/alarms/${other.id}/acknowledge`, {})
    expect(live.find(m => m.type === 'alarm' && m.alarm.id === other.id)).toBeUndefined()
  })

  it('deleting the rule clears its open alarms', async () => {
    const open = await openAlarm('manager', M2)
    await api.expectStatus(204, 'manager', 'DELETE', `/api/alarm-rules/${ruleId}`)
    const after = await api.expectStatus(200, 'manager', 'GET', `/api/alarms/${open.id}`)
    expect(after).toMatchObject({ state: 'cleared', ruleId: null })
    expect(after.history.at(-1)).toMatchObject({ kind: 'cleared', actor: 'manager@demo.local', comment: 'rule deleted' })
    await api.expectStatus(404, 'manager', 'GET', `/api/alarm-rules/${ruleId}`)
  })

  it('bad queries and ids are a 422 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/alarms?severity=urgent', 'severity'],
      ['/api/alarms?acknowledged=maybe', 'acknowledged'],
      ['/api/alarms?cursor=nonsense', 'cursor'],
      ['/api/alarms?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['/api/alarms?state=gone', 'state'],
      ['/api/alarms/not-a-uuid', 'id']
    ]
    for (const [path, field] of cases) {
      const res = await api.expectStatus(422, 'viewer', 'GET', path)
      expect(res.data.field, path).toBe(field)
    }
    expect((await api.expectStatus(422, 'operator', 'POST', `/api/alarms/${alarmId}/acknowledge`, { comment: 5 })).data.field).toBe('comment')
  })

  it('critical alarms and rule changes go into the audit chain, which verifies', async () => {
    const metric = `${METRIC}_crit`
    const rule = await api.expectStatus(201, 'admin', 'POST', '/api/alarm-rules', { name: 'Overpressure', metric, max: 10, severity: 'critical', site: 'planta-1' })
    await api.publish(`factory/granix/ba/planta-1/${M1}/telemetry`, { schemaVersion: 1, timestamp: (clock += 1000), seq: clock, values: { [metric]: 12 } })
    const alarm = await waitFor(async () => (await api.expectStatus(200, 'operator', 'GET', `/api/alarms?severity=critical&limit=500`)).items.find((a: Loose) => a.metric === metric), 10_000, 'the critical alarm')
    await api.expectStatus(200, 'operator', 'POST', `/api/alarms/${alarm.id}/acknowledge`, { comment: 'relief valve opened' })
    const entries = (await walkPages(api, 'admin', '/api/audit?limit=100')).flat() as Loose[]
    const about = (id: string) => entries.filter(e => e.entityId === id).map(e => [e.action, e.actor.split(' ')[0]])
    expect(about(alarm.id).sort()).toEqual([['alarm.acknowledged', 'operator@demo.local'], ['alarm.raised', 'alarm-engine']])
    expect(about(rule.id)).toEqual([['alarm_rule.create', 'admin@demo.local']])
    // A high alarm is not a critical one: it stays out of the chain.
    expect(about(alarmId)).toEqual([])
    expect(await api.expectStatus(200, 'admin', 'GET', '/api/audit/verify')).toMatchObject({ ok: true })
  })

  it('pages through every alarm once, newest first', async () => {
    const pages = await walkPages(api, 'manager', '/api/alarms?limit=1')
    const ids = pages.flat().map((a: Loose) => a.id)
    expect(ids.length).toBeGreaterThanOrEqual(2)
    expect(new Set(ids).size).toBe(ids.length)
    const all = (await api.expectStatus(200, 'manager', 'GET', '/api/alarms?limit=500')).items.map((a: Loose) => a.id)
    expect(ids).toEqual(all)
  })
})

describe('static limits per machine type', () => {
  it('a rule for a machine type raises on machines of that type only', async () => {
    const metric = `${METRIC}_type`
    const rule = await api.expectStatus(201, 'manager', 'POST', '/api/alarm-rules', { name: 'Press limit', metric, max: 5, machineType: 'press', severity: 'low' })
    expect(rule.machineType).toBe('press')
    const m1 = await api.expectStatus(200, 'manager', 'PATCH', `/api/machines/planta-1/${M1}`, { machineType: 'press' })
    expect(m1).toMatchObject({ plcId: M1, machineType: 'press' })
    expect((await api.expectStatus(422, 'manager', 'PATCH', `/api/machines/planta-1/${M1}`, {})).data.field).toBe('name')
    for (const machine of [M1, M2]) {
      const site = machine === M1 ? 'planta-1' : 'planta-2'
      await api.publish(`factory/granix/ba/${site}/${machine}/telemetry`, { schemaVersion: 1, timestamp: (clock += 1000), seq: clock, values: { [metric]: 9 } })
    }
    await waitFor(async () => (await api.expectStatus(200, 'manager', 'GET', `/api/alarms?limit=500`)).items.some((a: Loose) => a.metric === metric) || null, 10_000, 'the press alarm')
    await new Promise(r => setTimeout(r, 500))
    const raised = (await api.expectStatus(200, 'manager', 'GET', `/api/alarms?limit=500`)).items.filter((a: Loose) => a.metric === metric)
    expect(raised.map((a: Loose) => a.plcId)).toEqual([M1])
    await api.expectStatus(204, 'manager', 'DELETE', `/api/alarm-rules/${rule.id}`)
  })
})

describe('misconfiguration hints', () => {
  it('name a rule on a metric never seen (with the likely one), a limit every value breaks, and a chart with no history', async () => {
    const typo = await api.expectStatus(201, 'admin', 'POST', '/api/alarm-rules', { name: 'Typo', metric: `${METRIC}x`, max: 50 })
    const scale = await api.expectStatus(201, 'admin', 'POST', '/api/alarm-rules', { name: 'Wrong unit', metric: METRIC, max: 1, site: 'planta-1' })
    const dashboard = await api.expectStatus(201, 'admin', 'POST', `/api/admin/plcs/${M1}/dashboard`, { site: 'planta-1', name: 'Hints' })
    await api.expectStatus(201, 'admin', 'POST', `/api/admin/dashboards/${dashboard.id}/widgets`, { widget_key: 'trend', type: 'line', label: 'Trend', metric_id: METRIC })
    await api.expectStatus(201, 'admin', 'POST', `/api/admin/dashboards/${dashboard.id}/widgets`, { widget_key: 'now', type: 'number', label: 'Now', metric_id: METRIC })
    await api.expectStatus(200, 'admin', 'PUT', '/api/persist-rules', { site: 'planta-1', plcId: M1, metric: METRIC, mode: 'none' })

    const { items } = await api.expectStatus(200, 'manager', 'GET', '/api/alarm-rules/hints')
    expect(items.find((h: Loose) => h.ruleId === typo.id)).toMatchObject({ kind: 'rule_metric_never_seen', suggestion: { metric: METRIC } })
    const breached = items.find((h: Loose) => h.ruleId === scale.id)
    expect(breached).toMatchObject({ kind: 'threshold_always_breached', metric: METRIC, suggestion: { min: null } })
    expect(breached.suggestion.max).toBeGreaterThan(1)
    expect(items.filter((h: Loose) => h.kind === 'widget_without_history')).toEqual([
      expect.objectContaining({ dashboardId: dashboard.id, widgetKey: 'trend', site: 'planta-1', plcId: M1, metric: METRIC, suggestion: { site: 'planta-1', plcId: M1, metric: METRIC, mode: 'both' } })
    ])
    await api.expectStatus(403, 'operator', 'GET', '/api/alarm-rules/hints')
    const theirs = await api.expectStatus(200, 'otherAdmin', 'GET', '/api/alarm-rules/hints')
    expect(theirs.items.filter((h: Loose) => h.metric.startsWith(METRIC))).toEqual([])
  })
})
