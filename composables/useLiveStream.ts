import { getCurrentScope, onScopeDispose, reactive, readonly, ref } from 'vue'

type Scalar = number | boolean | string

/** A filter as /ws takes it (`tenant` only for platform admins). */
export interface LiveFilter {
  tenant?: string
  site?: string
  plcId?: string
}

/**
 * Latest known values of one PLC, merged from every telemetry event (newest timestamp wins per
 * metric); the same shape as GET /api/plcs/:site/:plcId/state, which can seed it.
 */
export interface LivePlc {
  tenant: string
  site: string
  plcId: string
  /** Newest timestamp of any of its values (epoch ms). */
  ts: number
  values: Record<string, Scalar>
  metrics: Record<string, { value: Scalar, ts: number, quality: string | null }>
}

export interface LiveGateway {
  tenant: string
  site: string
  gatewayId: string
  status: 'online' | 'offline'
  reason: string | null
  at: number
}

/** Any server message; `type` says which. */
export type LiveMessage = { type: string } & Record<string, unknown>

export interface LiveStreamOptions {
  /** The current Firebase ID token, e.g. `() => auth.currentUser!.getIdToken()`. */
  getToken: () => Promise<string>
  /** What to follow; none: every plant the user can see. */
  filters?: LiveFilter[]
  /** Only these event types (`?types=`), e.g. `['alarm']`; none: every type. */
  types?: string[]
  /** Defaults to /ws on the page's own origin. */
  url?: string
  /** Every message, for callers that want more than the latest values (alarms, charts). */
  onMessage?: (message: LiveMessage) => void
  /** Another WebSocket implementation (Node's `ws`, tests). */
  createSocket?: (url: string) => WebSocket
}

const BACKOFF_BASE_MS = 1000
const BACKOFF_MAX_MS = 30_000
/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 10_000
/** Browsers cannot see protocol pings, so the client pings too, and reconnects after a silence. */
const PING_MS = 20_000
const SILENCE_MS = 45_000
/** Firebase refreshes an ID token in its last 5 minutes; asking more often than that never misses one. */
const TOKEN_CHECK_MS = 4 * 60_000
// Server close codes (server/realtime/protocol.ts).
const CLOSE_UNAUTHENTICATED = 4401
const CLOSE_FORBIDDEN = 4403

/**
 * The live stream (/ws) as reactive state: the latest values per PLC and the status per gateway.
 * Reconnects with exponential backoff and full jitter, resubscribes everything after a reconnect,
 * and hands the server a fresh ID token before the old one expires.
 */
export function useLiveStream(o: LiveStreamOptions) {
  const connected = ref(false)
  const error = ref<LiveMessage | null>(null)
  const plcs = reactive<Record<string, LivePlc>>({})
  const gateways = reactive<Record<string, LiveGateway>>({})
  const filters: LiveFilter[] = [...(o.filters ?? [])]
  let socket: WebSocket | undefined
  let token: string | undefined
  let attempt = 0
  let stopped = false
  let lastMessageAt = 0
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  const timers: ReturnType<typeof setInterval>[] = []

  async function connect(): Promise<void> {
    try {
      token = await o.getToken()
    } catch (err) {
      error.value = { type: 'error', code: 'NO_TOKEN', message: (err as Error).message }
      return scheduleReconnect()
    }
    if (stopped) return
    const ws = (o.createSocket ?? (url => new WebSocket(url)))(streamUrl(o.url, token, filters[0], o.types))
    socket = ws
    const openedAt = Date.now()
    ws.onopen = () => {
      connected.value = true
      lastMessageAt = Date.now()
      for (const f of filters.slice(1)) send({ type: 'subscribe', ...f })
    }
    ws.onmessage = e => receive(JSON.parse(String(e.data)) as LiveMessage)
    ws.onclose = (e) => {
      if (socket !== ws) return
      connected.value = false
      socket = undefined
      if (Date.now() - openedAt > STABLE_MS) attempt = 0
      // No access at all: retrying cannot help until someone changes the user.
      if (e.code === CLOSE_FORBIDDEN) return stop()
      // A refused token: fetch a fresh one at once rather than after a backoff (once; then back off).
      if (e.code === CLOSE_UNAUTHENTICATED && attempt === 0) {
        attempt++
        return void connect()
      }
      scheduleReconnect()
    }
  }

  function scheduleReconnect(): void {
    if (stopped) return
    const delay = Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt++)
    reconnectTimer = setTimeout(() => void connect(), delay)
  }

  function receive(m: LiveMessage): void {
    lastMessageAt = Date.now()
    if (m.type === 'telemetry') mergeTelemetry(plcs, m)
    else if (m.type === 'gateway_status') gateways[`${m.tenant}/${m.site}/${m.gatewayId}`] = m as unknown as LiveGateway
    else if (m.type === 'error') error.value = m
    o.onMessage?.(m)
  }

  function send(m: object): void {
    if (socket?.readyState === 1) socket.send(JSON.stringify(m))
  }

  async function refreshToken(): Promise<void> {
    const fresh = await o.getToken().catch(() => undefined)
    if (!fresh || fresh === token) return
    token = fresh
    send({ type: 'auth', token: fresh })
  }

  function keepAlive(): void {
    if (!socket || socket.readyState !== 1) return
    if (Date.now() - lastMessageAt > SILENCE_MS) return socket.close()
    send({ type: 'ping' })
  }

  /** Follows one more filter, now and after every reconnect. */
  function subscribe(f: LiveFilter): void {
    if (filters.some(x => sameFilter(x, f))) return
    filters.push(f)
    send({ type: 'subscribe', ...f })
  }

  function unsubscribe(f: LiveFilter): void {
    const i = filters.findIndex(x => sameFilter(x, f))
    if (i < 0) return
    filters.splice(i, 1)
    send({ type: 'unsubscribe', ...f })
  }

  function stop(): void {
    stopped = true
    clearTimeout(reconnectTimer)
    timers.forEach(clearInterval)
    const ws = socket
    socket = undefined
    connected.value = false
    ws?.close(1000)
  }

  timers.push(setInterval(keepAlive, PING_MS), setInterval(() => void refreshToken(), TOKEN_CHECK_MS))
  void connect()
  if (getCurrentScope()) onScopeDispose(stop)

  return { connected: readonly(connected), error: readonly(error), plcs, gateways, subscribe, unsubscribe, stop }
}

function mergeTelemetry(plcs: Record<string, LivePlc>, m: LiveMessage): void {
  const e = m as unknown as { tenant: string, site: string, plcId: string, ts: number, values: Record<string, Scalar>, quality?: Record<string, string> }
  const plc = plcs[`${e.tenant}/${e.site}/${e.plcId}`] ??= { tenant: e.tenant, site: e.site, plcId: e.plcId, ts: 0, values: {}, metrics: {} }
  for (const [metric, value] of Object.entries(e.values)) {
    // A late, older value never replaces a newer one (as in the server's latest state).
    if ((plc.metrics[metric]?.ts ?? -Infinity) > e.ts) continue
    plc.values[metric] = value
    plc.metrics[metric] = { value, ts: e.ts, quality: e.quality?.[metric] ?? null }
  }
  plc.ts = Math.max(plc.ts, e.ts)
}

function streamUrl(base: string | undefined, token: string, first: LiveFilter | undefined, types: string[] | undefined): string {
  const url = new URL(base ?? '/ws', globalThis.location?.href)
  if (url.protocol === 'http:' || url.protocol === 'https:') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('token', token)
  for (const [k, v] of Object.entries(first ?? {})) if (v) url.searchParams.set(k, v)
  if (types?.length) url.searchParams.set('types', types.join(','))
  return url.toString()
}

const sameFilter = (a: LiveFilter, b: LiveFilter) => a.tenant === b.tenant && a.site === b.site && a.plcId === b.plcId
