/** A machine's learnt operating windows (seed 003 rule 3), as /api/machines/:site/:plcId/schedules has them. */
export interface MachineSchedule {
  site: string
  plcId: string
  metric: string
  status: 'suggested' | 'accepted' | 'rejected'
  /** Weekday (0 = Sunday … 6) → windows `HH:MM`–`HH:MM`. */
  windows: Record<string, { start: string, end: string }[]>
  timeZone: string
  binMinutes: number
  threshold: number
  learntFrom: number
  learntTo: number
  computedAt: number
  decidedAt: number | null
  decidedBy: string | null
}

export interface LearnRequest { metric: string, days: number, binMinutes: 15 | 30 | 60, threshold: number, timeZone: string }

/** One machine's schedules: list, learn a suggestion, accept or reject it. */
export function useMachineSchedules(machine: Ref<{ site: string, plcId: string } | null>) {
  const api = useApi()
  const items = ref<MachineSchedule[]>([])
  const status = ref<'loading' | 'ready' | 'error'>('ready')
  const error = ref<string | null>(null)
  const base = () => `/api/machines/${encodeURIComponent(machine.value!.site)}/${encodeURIComponent(machine.value!.plcId)}/schedules`

  async function load() {
    if (!machine.value) return
    status.value = 'loading'
    try {
      items.value = (await api<{ items: MachineSchedule[] }>(base())).items
      status.value = 'ready'
    } catch (err) {
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  function put(s: MachineSchedule) {
    items.value = [...items.value.filter(i => i.metric !== s.metric), s].sort((a, b) => a.metric.localeCompare(b.metric))
    return s
  }

  const learn = async (body: LearnRequest) => put(await api<MachineSchedule>(`${base()}/learn`, { method: 'POST', body }))
  const decide = async (metric: string, decision: 'accepted' | 'rejected') =>
    put(await api<MachineSchedule>(`${base()}/${encodeURIComponent(metric)}`, { method: 'PUT', body: { status: decision } }))

  watch(machine, load, { immediate: true })
  return { items, status, error, load, learn, decide }
}
