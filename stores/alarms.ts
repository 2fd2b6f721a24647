import { defineStore } from 'pinia'
import { isShelved, type Alarm, type AlarmEvent } from '~/utils/alarms'

/** What the badges need of an open alarm. */
type OpenAlarm = Pick<Alarm, 'id' | 'site' | 'plcId' | 'acknowledged' | 'shelvedUntil'>

/** The server's page maximum: beyond one page of open alarms the badges say "500+". */
const OPEN_LIMIT = 500
/** Shelving ends on its own, without an event: re-read the clock this often. */
const CLOCK_MS = 30_000

/**
 * The open alarms the user can see (one page, slim), kept live by components/alarm/AlarmFeed.vue:
 * the navigation badge and the per-PLC badges count from it. Pages that want every alarm event
 * (the alarms page) listen with `onEvent`.
 */
export const useAlarmsStore = defineStore('alarms', () => {
  const open = ref(new Map<string, OpenAlarm>())
  const capped = ref(false)
  const connected = ref(false)
  /** Bumped on every (re)connection of the feed: lists reload what they may have missed. */
  const epoch = ref(0)
  const now = ref(Date.now())
  const listeners = new Set<(e: AlarmEvent) => void>()
  let clock: ReturnType<typeof setInterval> | undefined

  /** Events heard while a snapshot is on its way: replayed onto it in order, or they would be lost under it. */
  let pending: AlarmEvent[] | null = null

  async function load(): Promise<void> {
    pending = []
    let next = open.value
    try {
      const page = await useApi()<{ items: Alarm[], nextCursor: string | null }>('/api/alarms', { query: { state: 'open', limit: OPEN_LIMIT } })
      next = new Map(page.items.map(a => [a.id, slim(a)]))
      capped.value = page.nextCursor !== null
    } finally {
      next = new Map(next)
      for (const e of pending) apply(next, e)
      pending = null
      open.value = next
    }
    clock ??= setInterval(() => {
      now.value = Date.now()
    }, CLOCK_MS)
  }

  function heard(e: AlarmEvent): void {
    if (pending) pending.push(e)
    else {
      const next = new Map(open.value)
      apply(next, e)
      open.value = next
    }
    for (const l of listeners) l(e)
  }

  function onEvent(listener: (e: AlarmEvent) => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  const visible = computed(() => [...open.value.values()].filter(a => !isShelved(a, now.value)))
  /** The navigation badge: open, unacknowledged and not shelved. */
  const unacknowledged = computed(() => visible.value.filter(a => !a.acknowledged).length)

  /** Open (unshelved) alarms of a plant, or of one of its PLCs. */
  function countOf(site: string, plcId?: string): number {
    return visible.value.filter(a => a.site === site && (plcId === undefined || a.plcId === plcId)).length
  }

  function reset(): void {
    open.value = new Map()
    capped.value = false
    clearInterval(clock)
    clock = undefined
  }

  return { open, capped, connected, epoch, load, heard, onEvent, unacknowledged, countOf, reset }
})

// Every event carries the alarm's whole state, and a plant's events arrive in order: the last one wins.
function apply(map: Map<string, OpenAlarm>, e: AlarmEvent): void {
  if (e.alarm.state === 'cleared') map.delete(e.alarm.id)
  else map.set(e.alarm.id, slim(e.alarm))
}

const slim = (a: Alarm): OpenAlarm => ({ id: a.id, site: a.site, plcId: a.plcId, acknowledged: a.acknowledged, shelvedUntil: a.shelvedUntil })
