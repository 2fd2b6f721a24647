/**
 * One admin list of the API (`{items, nextCursor}` pages, keyset-ordered on the server): the first
 * page, "load more", and local edits after a write, so a list of thousands never loads at once.
 */
export function useCursorList<T>(path: string, query: () => Record<string, string | number | undefined> = () => ({}), pageSize = 100) {
  const api = useApi()
  const items = ref<T[]>([]) as Ref<T[]>
  const cursor = ref<string | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const error = ref<string | null>(null)
  const loadingMore = ref(false)

  const page = (after: string | null) => api<{ items: T[], nextCursor: string | null }>(path, {
    query: { ...query(), limit: pageSize, ...(after ? { cursor: after } : {}) }
  })

  // A filter changed while a page was on its way: only the newest request's answer is shown.
  let latest = 0

  async function load() {
    const mine = ++latest
    status.value = 'loading'
    try {
      const p = await page(null)
      if (mine !== latest) return
      items.value = p.items
      cursor.value = p.nextCursor
      status.value = 'ready'
    } catch (err) {
      if (mine !== latest) return
      error.value = apiErrorMessage(err)
      status.value = 'error'
    }
  }

  /** The next page; a failure is the caller's to show (the list so far stays). */
  async function loadMore() {
    if (!cursor.value || loadingMore.value) return
    loadingMore.value = true
    const mine = latest
    try {
      const p = await page(cursor.value)
      if (mine !== latest) return
      items.value = [...items.value, ...p.items]
      cursor.value = p.nextCursor
    } finally {
      loadingMore.value = false
    }
  }

  return { items, cursor, status, error, loadingMore, load, loadMore }
}
