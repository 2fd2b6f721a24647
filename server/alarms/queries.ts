import type { SqlClient } from '../db/client'
import type { ReadScope } from '../queries/scope'
import { pageRequest, toPage, type Page } from '../admin/page'
import { ALARM_SELECT, toAlarmJson, type AlarmJson, type AlarmRecord } from './alarm-json'
import type { AlarmListFilter } from './alarm-schemas'

/** Builds a where clause with numbered parameters. */
class Where {
  readonly params: unknown[] = []
  private parts: string[] = []

  add(sql: (p: (v: unknown) => string) => string): this {
    this.parts.push(sql((v) => {
      this.params.push(v)
      return `$${this.params.length}`
    }))
    return this
  }

  get text(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : ''
  }
}

/** The caller's scope (SPEC §9): tenant, plants, and a platform admin's `?tenant=`. */
function scoped(scope: ReadScope): Where {
  const w = new Where()
  if (scope.tenantId) w.add(p => `a.tenant_id = ${p(scope.tenantId)}`)
  if (scope.plantIds) w.add(p => `a.plant_id = any(${p(`{${scope.plantIds!.join(',')}}`)}::uuid[])`)
  if (scope.tenant) w.add(p => `t.slug = ${p(scope.tenant)}`)
  return w
}

function filtered(w: Where, f: Omit<AlarmListFilter, 'limit' | 'cursor' | 'tenant'>, plcId?: string): Where {
  if (f.site) w.add(p => `p.slug = ${p(f.site)}`)
  if (plcId) w.add(p => `m.plc_id = ${p(plcId)}`)
  if (f.acknowledged !== undefined) w.add(p => `a.acknowledged = ${p(f.acknowledged)}`)
  if (f.severity) w.add(p => `a.severity = any(${p(`{${f.severity!.join(',')}}`)}::text[])`)
  if (f.state === 'open') w.add(() => `a.state <> 'cleared'`)
  else if (f.state) w.add(p => `a.state = ${p(f.state)}`)
  if (f.type) w.add(p => `a.type = ${p(f.type)}`)
  if (f.shelved === true) w.add(() => `a.shelved_until > now()`)
  if (f.shelved === false) w.add(() => `(a.shelved_until is null or a.shelved_until <= now())`)
  if (f.from !== undefined) w.add(p => `a.ts >= to_timestamp(${p(f.from)} / 1000.0)`)
  if (f.to !== undefined) w.add(p => `a.ts <= to_timestamp(${p(f.to)} / 1000.0)`)
  return w
}

/** Alarms in scope matching the filter, newest first, a page at a time. */
export async function listAlarms(sql: SqlClient, scope: ReadScope, f: AlarmListFilter, plcId?: string): Promise<Page<AlarmJson>> {
  const page = pageRequest(f)
  const w = filtered(scoped(scope), f, plcId)
  if (page.after) {
    const [ts, id] = page.after as [number, string]
    w.add(p => `(a.ts, a.id) < (to_timestamp(${p(ts)} / 1000.0), ${p(id)}::uuid)`)
  }
  const rows = await sql.query<AlarmRecord>(`${ALARM_SELECT} ${w.text} order by a.ts desc, a.id desc limit ${page.limit + 1}`, w.params)
  return toPage(rows, page.limit, r => [r.ts, r.id], toAlarmJson)
}

/** One alarm in scope, or undefined (another tenant's alarm looks like a missing one). */
export async function findAlarm(sql: SqlClient, scope: ReadScope, id: string): Promise<AlarmRecord | undefined> {
  const w = scoped(scope).add(p => `a.id = ${p(id)}`)
  const [row] = await sql.query<AlarmRecord>(`${ALARM_SELECT} ${w.text}`, w.params)
  return row
}

export interface AlarmEventJson {
  kind: 'raised' | 'acknowledged' | 'cleared' | 'shelved' | 'unshelved'
  at: number
  /** Who (email) for user actions; null for the engine. */
  actor: string | null
  value: number | null
  comment: string | null
}

/** Every transition of an alarm, oldest first. */
export function alarmHistory(sql: SqlClient, alarmId: string): Promise<AlarmEventJson[]> {
  return sql.query<AlarmEventJson>(
    `select kind, (extract(epoch from at) * 1000)::float8 as at, actor, value, comment from alarm_events where alarm_id = $1 order by id`, [alarmId])
}
