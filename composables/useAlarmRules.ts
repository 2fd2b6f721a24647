import type { Severity } from '~/utils/alarms'

export const RULE_KINDS = ['threshold', 'learnt', 'stale'] as const
export type RuleKind = typeof RULE_KINDS[number]

/** How a learnt rule learns (the server fills in defaults). */
export interface LearntOptions { windowDays: number, pLow: number, pHigh: number, padFrac: number, padAbs: number, minPoints: number }

export const LEARNT_DEFAULTS: LearntOptions = { windowDays: 7, pLow: 0.01, pHigh: 0.99, padFrac: 0.05, padAbs: 0, minPoints: 150 }

/** A row of GET /api/alarm-rules. */
export interface AlarmRule {
  id: string
  tenant: string
  site: string | null
  plcId: string | null
  metric: string
  name: string
  /** `threshold`: min/max as given; `learnt`: each PLC's percentile bounds; `stale`: no value for staleAfterS. */
  kind: RuleKind
  learnt: LearntOptions | null
  staleAfterS: number | null
  min: number | null
  max: number | null
  deadband: number
  toleranceAbs: number
  toleranceFrac: number
  minDurationS: number
  cooldownS: number
  severity: Severity
  enabled: boolean
  createdAt: number
  updatedAt: number
}

/** What POST and PUT take: the rule without its id and times. */
export type AlarmRuleInput = Omit<AlarmRule, 'id' | 'tenant' | 'createdAt' | 'updatedAt'>

const PAGE = 100

/**
 * Strips what the server owns; omits an empty scope (tenant-wide, or every PLC of the site) and the
 * fields another kind of rule does not take.
 */
export function toInput(r: AlarmRuleInput): Record<string, unknown> {
  const { site, plcId, kind, learnt, staleAfterS, min, max, ...rest } = r
  return {
    ...rest, kind,
    ...(kind === 'threshold' ? { min, max } : {}),
    ...(kind === 'learnt' ? { learnt: learnt ?? LEARNT_DEFAULTS } : {}),
    ...(kind === 'stale' ? { staleAfterS } : {}),
    ...(site ? { site } : {}), ...(site && plcId ? { plcId } : {})
  }
}

/** The tenant's alarm rules, a page at a time, with create, update and delete. */
export function useAlarmRules() {
  const api = useApi()
  const rules = ref<AlarmRule[]>([])
  const cursor = ref<string | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)

  const page = (after: string | null) => api<{ items: AlarmRule[], nextCursor: string | null }>('/api/alarm-rules', { query: { limit: PAGE, ...(after ? { cursor: after } : {}) } })

  async function load() {
    status.value = 'loading'
    try {
      const p = await page(null)
      rules.value = p.items
      cursor.value = p.nextCursor
      status.value = 'ready'
    } catch (err) {
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  async function loadMore() {
    if (!cursor.value) return
    const p = await page(cursor.value)
    rules.value = [...rules.value, ...p.items]
    cursor.value = p.nextCursor
  }

  /** Creates (no id) or replaces a rule; throws the server's error for the form to show. */
  async function save(input: AlarmRuleInput, id?: string): Promise<AlarmRule> {
    const saved = id
      ? await api<AlarmRule>(`/api/alarm-rules/${id}`, { method: 'PUT', body: toInput(input) })
      : await api<AlarmRule>('/api/alarm-rules', { method: 'POST', body: toInput(input) })
    rules.value = id ? rules.value.map(r => r.id === id ? saved : r) : [saved, ...rules.value]
    return saved
  }

  async function remove(rule: AlarmRule): Promise<void> {
    await api<null>(`/api/alarm-rules/${rule.id}`, { method: 'DELETE' })
    rules.value = rules.value.filter(r => r.id !== rule.id)
  }

  void load()
  return { rules, cursor, status, error, load, loadMore, save, remove }
}
