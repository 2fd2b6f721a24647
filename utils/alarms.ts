/** The client's copy of the alarm API's shapes (server/alarms/alarm-json.ts): the browser bundle imports no server code. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = typeof SEVERITIES[number]

export const ALARM_TYPES = [
  'threshold', 'learnt_bounds', 'quality_bad', 'gateway_offline', 'gateway_plc_link', 'gateway_internet',
  'buffer_backlog', 'running_outside_schedule', 'stopped_inside_schedule', 'stale'
] as const
export type AlarmType = typeof ALARM_TYPES[number]

export type AlarmState = 'active' | 'acknowledged' | 'cleared'
export type Transition = 'raised' | 'acknowledged' | 'cleared' | 'shelved' | 'unshelved'

/** A row of GET /api/alarms. Times in epoch ms. */
export interface Alarm {
  id: string
  tenant: string
  site: string
  plcId: string | null
  gatewayId: string | null
  ruleId: string | null
  metric: string | null
  type: AlarmType
  message: string
  severity: Severity
  state: AlarmState
  acknowledged: boolean
  value: number | null
  ts: number
  acknowledgedAt: number | null
  acknowledgedBy: string | null
  ackComment: string | null
  clearedAt: number | null
  clearValue: number | null
  shelvedUntil: number | null
  createdAt: number
}

export interface AlarmHistoryEntry { kind: Transition, at: number, actor: string | null, value: number | null, comment: string | null }
export interface AlarmDetail extends Alarm { history: AlarmHistoryEntry[] }

/** The /ws message of an alarm transition. */
export interface AlarmEvent { type: 'alarm', tenant: string, site: string, plcId?: string, transition: Transition, alarm: Alarm }

export interface AlarmStatsJson {
  bySeverity: Record<Severity, number>
  byState: Record<AlarmState, number>
  meanTimeToAcknowledgeMs: number | null
  meanTimeToClearMs: number | null
}

/** The alarm list's filters, as the page keeps them in its URL. */
export interface AlarmFilter {
  /** `open` (active or acknowledged, the default) or one state; `all` sends none. */
  state: 'open' | AlarmState | 'all'
  severities: Severity[]
  site: string | null
  plcId: string | null
  type: AlarmType | null
  includeShelved: boolean
}

export const isShelved = (a: Pick<Alarm, 'shelvedUntil'>, now: number) => a.shelvedUntil !== null && a.shelvedUntil > now

/** Whether an alarm belongs in a list with these filters: how live events decide to join a list (the server decides for pages). */
export function matchesFilter(a: Alarm, f: AlarmFilter, now: number): boolean {
  if (f.state === 'open' && a.state === 'cleared') return false
  if (f.state !== 'open' && f.state !== 'all' && a.state !== f.state) return false
  if (f.severities.length && !f.severities.includes(a.severity)) return false
  if (f.site && a.site !== f.site) return false
  if (f.plcId && a.plcId !== f.plcId) return false
  if (f.type && a.type !== f.type) return false
  return f.includeShelved || !isShelved(a, now)
}

/** The query string of GET /api/alarms for these filters. */
export function filterQuery(f: AlarmFilter): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.state !== 'all') q.state = f.state
  if (f.severities.length) q.severity = f.severities.join(',')
  if (f.site && !f.plcId) q.site = f.site
  if (f.type) q.type = f.type
  if (!f.includeShelved) q.shelved = 'false'
  return q
}

/** The list route: per PLC when one is picked (that route takes the same filters). */
export const listPath = (f: AlarmFilter) => f.site && f.plcId
  ? `/api/alarms/${encodeURIComponent(f.site)}/${encodeURIComponent(f.plcId)}`
  : '/api/alarms'
