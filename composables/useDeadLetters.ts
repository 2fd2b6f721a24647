import type { DeadLetterReason } from '~/utils/adminOps'

/** A row of GET /api/dead-letters. Times in epoch ms. */
export interface DeadLetter {
  id: number
  tenant: string | null
  knownTenant: boolean
  topic: string
  reason: DeadLetterReason
  detail: string | null
  payloadBytes: number
  receivedAt: number
  replayedAt: number | null
  replayCount: number
}

/** GET /api/dead-letters/:id: the row with its payload. */
export interface DeadLetterDetail extends DeadLetter { payloadBase64: string, payloadPreview: string | null }

export interface DeadLetterFilter { reason: DeadLetterReason | null, onlyNew: boolean }

/** What became of one replayed dead letter (POST /api/dead-letters/replay `outcomes`). */
export interface ReplayOutcome { id: number, outcome: 'stored' | 'dead_lettered', reason?: DeadLetterReason, detail?: string }
export interface ReplayResult { replayed: number, stored: number, notFound: number, outcomes: ReplayOutcome[] }

type Page = { items: DeadLetter[], nextCursor: string | null }

const PAGE = 50
// The server takes up to 1,000 ids a call; smaller chunks make the progress move and keep each call short.
const CHUNK = 100

/** The gateway a topic names (shapes A and C), if any. */
export function gatewayOfTopic(topic: string): string | null {
  const parts = topic.split('/')
  return parts.length >= 7 && parts[4] === 'gateway' && (parts[0] === 'factory' || parts[0] === 'ops') ? parts[5] || null : null
}

/** Dead letters of the tenant, a server page at a time, with replay of some ids or of everything a filter matches. */
export function useDeadLetters(filter: Ref<DeadLetterFilter>) {
  const api = useApi()
  const filters = () => ({
    ...(filter.value.reason ? { reason: filter.value.reason } : {}),
    ...(filter.value.onlyNew ? { replayed: 'false' } : {})
  })
  const list = usePagedList<DeadLetter>('/api/dead-letters', filters, PAGE)

  /** Every id the filter matches now (a snapshot: what a replay adds later is not picked up). */
  async function matchingIds(): Promise<number[]> {
    const ids: number[] = []
    let after: string | null = null
    do {
      const page: Page = await api<Page>('/api/dead-letters', { query: { ...filters(), limit: 500, ...(after ? { cursor: after } : {}) } })
      ids.push(...page.items.map(d => d.id))
      after = page.nextCursor
    } while (after)
    return ids
  }

  /**
   * Replays ids in chunks, reporting progress after each; `cancelled()` stops between chunks.
   * Resolves with the outcomes so far, also when a chunk fails (then `failure` says why).
   */
  async function replay(ids: number[], progress: (done: number, total: number) => void, cancelled: () => boolean = () => false) {
    const total: ReplayResult = { replayed: 0, stored: 0, notFound: 0, outcomes: [] }
    let failure: string | null = null
    progress(0, ids.length)
    for (let i = 0; i < ids.length && !cancelled(); i += CHUNK) {
      try {
        const r = await api<ReplayResult>('/api/dead-letters/replay', { method: 'POST', body: { ids: ids.slice(i, i + CHUNK) } })
        total.replayed += r.replayed
        total.stored += r.stored
        total.notFound += r.notFound
        total.outcomes.push(...r.outcomes)
      } catch (err) {
        failure = apiErrorMessage(err)
        break
      }
      progress(Math.min(ids.length, i + CHUNK), ids.length)
    }
    return { result: total, failure }
  }

  watch(filter, list.load, { deep: true })
  void list.load()
  return { ...list, matchingIds, replay }
}
