import type { PersistMode } from '~/utils/adminOps'

/** A row of GET /api/persist-rules. `site`/`plcId`/`metric` null: the rule covers all of them. */
export interface PersistRule { id: string, tenant: string, site: string | null, plcId: string | null, metric: string | null, mode: PersistMode, updatedAt: number }
export interface PersistRuleInput { site: string | null, plcId: string | null, metric: string, mode: PersistMode }

/** The tenant's persistence rules (broadest first, as the server orders them), with create, mode change and delete. */
export function usePersistRules() {
  const api = useApi()
  const rules = ref<PersistRule[]>([])
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)

  async function load() {
    status.value = 'loading'
    try {
      rules.value = await api<PersistRule[]>('/api/persist-rules')
      status.value = 'ready'
    } catch (err) {
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  /** Creates a rule (no id; 409 if its scope has one) or changes one's mode; throws the server's error for the form. */
  async function save(input: PersistRuleInput, id?: string): Promise<PersistRule> {
    if (id) {
      const saved = await api<PersistRule>(`/api/persist-rules/${id}`, { method: 'PUT', body: { mode: input.mode } })
      rules.value = rules.value.map(r => r.id === id ? saved : r)
      return saved
    }
    const body = {
      mode: input.mode,
      ...(input.site ? { site: input.site } : {}),
      ...(input.site && input.plcId ? { plcId: input.plcId } : {}),
      // The field as typed: the server trims it, and refuses one that is too long, naming `metric`.
      ...(input.metric !== '' ? { metric: input.metric } : {})
    }
    const saved = await api<PersistRule>('/api/persist-rules', { method: 'POST', body })
    await load()
    return saved
  }

  async function remove(rule: PersistRule): Promise<void> {
    await api<null>(`/api/persist-rules/${rule.id}`, { method: 'DELETE' })
    rules.value = rules.value.filter(r => r.id !== rule.id)
  }

  void load()
  return { rules, status, error, load, save, remove }
}
