import { filterQuery, listPath, matchesFilter, type Alarm, type AlarmEvent, type AlarmFilter } from '~/utils/alarms'

const PAGE = 100

/**
 * The alarms page's list: pages from the server for the current filters (newest first, "load
 * more" walks the cursor), and live events laid over it: a change to a listed alarm replaces it in
 * place, a new alarm that matches the filters goes on top. A reconnection reloads the first page.
 */
export function useAlarmList(filter: Ref<AlarmFilter>) {
  const api = useApi()
  const store = useAlarmsStore()
  const items = ref<Alarm[]>([])
  const cursor = ref<string | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)
  const loadingMore = ref(false)
  /** Ids that arrived live since the last load, highlighted briefly. */
  const fresh = ref(new Set<string>())
  let generation = 0

  async function fetchPage(after: string | null) {
    const query = { ...filterQuery(filter.value), limit: PAGE, ...(after ? { cursor: after } : {}) }
    return api<{ items: Alarm[], nextCursor: string | null }>(listPath(filter.value), { query })
  }

  async function load(): Promise<void> {
    const mine = ++generation
    status.value = 'loading'
    // Events heard while the page is on its way are laid over it once it is in, not lost under it.
    const heard: Alarm[] = []
    const off = store.onEvent(e => heard.push(e.alarm))
    try {
      const page = await fetchPage(null)
      // A newer load (the filters changed meanwhile) wins.
      if (mine !== generation) return
      items.value = page.items
      cursor.value = page.nextCursor
      fresh.value = new Set()
      status.value = 'ready'
      heard.forEach(update)
    } catch (err) {
      if (mine !== generation) return
      error.value = apiErrorMessage(err)
      status.value = 'error'
    } finally {
      off()
    }
  }

  async function loadMore(): Promise<void> {
    if (!cursor.value) return
    loadingMore.value = true
    try {
      const page = await fetchPage(cursor.value)
      const known = new Set(items.value.map(a => a.id))
      items.value = [...items.value, ...page.items.filter(a => !known.has(a.id))]
      cursor.value = page.nextCursor
    } finally {
      loadingMore.value = false
    }
  }

  /** Puts a changed alarm in place (from an event or an action's response). */
  function update(alarm: Alarm): void {
    const i = items.value.findIndex(a => a.id === alarm.id)
    if (i >= 0) {
      // Events may arrive after the response of the action that caused them: never step back in time.
      const old = items.value[i]!
      if (transitionRank(old) > transitionRank(alarm)) return
      items.value = items.value.map(a => a.id === alarm.id ? alarm : a)
    } else if (status.value === 'ready' && matchesFilter(alarm, filter.value, Date.now())) {
      items.value = [alarm, ...items.value]
      fresh.value = new Set(fresh.value).add(alarm.id)
    }
  }

  const off = store.onEvent((e: AlarmEvent) => update(e.alarm))
  onScopeDispose(off)
  watch(filter, () => void load(), { deep: true, immediate: true })
  // Also the first connection: events between the first page and the socket opening would be missed.
  watch(() => store.epoch, () => void load())

  return { items, cursor, status, error, loadingMore, fresh, load, loadMore, update }
}

/** How far an alarm is along its lifecycle; shelving does not move it. */
const transitionRank = (a: Alarm) => (a.clearedAt ? 2 : 0) + (a.acknowledgedAt ? 1 : 0)
