/**
 * One admin table of the API a server page at a time (`{items, nextCursor}`, keyset-ordered), with
 * previous / next. Keyset cursors only go forward, so going back reuses where each page started.
 * `onPage` runs after a page's rows are in (to index them, say).
 */
export function usePagedList<T>(path: string, filters: () => Record<string, string>, pageSize: number, onPage?: () => void) {
  const api = useApi()
  const rows = ref<T[]>([]) as Ref<T[]>
  const cursor = ref<string | null>(null)
  const starts = ref<(string | null)[]>([null])
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)
  const turning = ref(false)
  // A filter changed while a page was on its way: only the newest request's answer is shown.
  let generation = 0

  /** Reads one page: the first (`after` null) or the one after a cursor the server gave. */
  async function read(after: string | null) {
    const mine = ++generation
    // Turning a page keeps the table (marked busy); only the first read shows the loading state.
    if (status.value === 'ready') turning.value = true
    else status.value = 'loading'
    try {
      const page = await api<{ items: T[], nextCursor: string | null }>(path, { query: { ...filters(), limit: pageSize, ...(after ? { cursor: after } : {}) } })
      if (mine !== generation) return
      rows.value = page.items
      cursor.value = page.nextCursor
      onPage?.()
      status.value = 'ready'
    } catch (err) {
      if (mine !== generation) return
      error.value = apiErrorMessage(err)
      status.value = 'error'
    } finally {
      if (mine === generation) turning.value = false
    }
  }

  /** From the first page, as after a filter change. */
  function load() {
    starts.value = [null]
    return read(null)
  }

  function next() {
    if (!cursor.value) return
    starts.value = [...starts.value, cursor.value]
    return read(cursor.value)
  }

  function previous() {
    if (starts.value.length < 2) return
    starts.value = starts.value.slice(0, -1)
    return read(starts.value[starts.value.length - 1]!)
  }

  /** The current page again (after a retry or a replay). */
  const reload = () => read(starts.value[starts.value.length - 1] ?? null)

  const page = computed(() => starts.value.length)
  return { rows, cursor, page, status, error, turning, load, next, previous, reload }
}
