import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useLiveStream } from '../../composables/useLiveStream'

/** A WebSocket double: records what the composable sends; the test plays the server. */
class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  sent: Record<string, unknown>[] = []
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null
  onclose: ((e: { code: number }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }

  send(text: string) {
    this.sent.push(JSON.parse(text))
  }

  close(code = 1005) {
    this.drop(code)
  }

  open() {
    this.readyState = 1
    this.onopen?.()
  }

  message(m: object) {
    this.onmessage?.({ data: JSON.stringify(m) })
  }

  drop(code: number) {
    this.readyState = 3
    this.onclose?.({ code })
  }
}

const last = () => FakeSocket.all.at(-1)!
const flush = () => vi.advanceTimersByTimeAsync(0)

function start(filters = [{ site: 'p1', plcId: 'plc-01' }, { site: 'p2' }], tokens = ['t1', 't2', 't3']) {
  const getToken = vi.fn(async () => tokens[Math.min(getToken.mock.calls.length - 1, tokens.length - 1)]!)
  const stream = useLiveStream({ getToken, filters, url: 'http://plant.test/ws', createSocket: url => new FakeSocket(url) as unknown as WebSocket })
  return { stream, getToken }
}

describe('useLiveStream', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeSocket.all = []
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('connects with the token and the first filter, and subscribes the others once open', async () => {
    const { stream } = start()
    await flush()
    const url = new URL(last().url)
    expect(url.protocol).toBe('ws:')
    expect(Object.fromEntries(url.searchParams)).toEqual({ token: 't1', site: 'p1', plcId: 'plc-01' })
    last().open()
    expect(last().sent).toEqual([{ type: 'subscribe', site: 'p2' }])
    expect(stream.connected.value).toBe(true)
    stream.stop()
  })

  it('keeps the newest value per metric, whatever order events come in', async () => {
    const { stream } = start()
    await flush()
    last().open()
    last().message({ type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-01', ts: 200, values: { t: 2, p: 5 }, quality: { p: 'BAD' } })
    last().message({ type: 'telemetry', tenant: 'acme', site: 'p1', plcId: 'plc-01', ts: 100, values: { t: 1, r: true } })
    expect(stream.plcs['acme/p1/plc-01']).toMatchObject({ ts: 200, values: { t: 2, p: 5, r: true } })
    expect(stream.plcs['acme/p1/plc-01']?.metrics).toEqual({
      t: { value: 2, ts: 200, quality: null }, p: { value: 5, ts: 200, quality: 'BAD' }, r: { value: true, ts: 100, quality: null }
    })
    last().message({ type: 'gateway_status', tenant: 'acme', site: 'p1', gatewayId: 'gw-1', status: 'offline', reason: 'lwt', at: 300 })
    expect(stream.gateways['acme/p1/gw-1']?.status).toBe('offline')
    stream.stop()
  })

  it('reconnects with exponential backoff and full jitter, then resubscribes everything', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999)
    const { stream, getToken } = start()
    await flush()
    last().open()
    stream.subscribe({ site: 'p3' })
    last().drop(1006)
    expect(FakeSocket.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(FakeSocket.all).toHaveLength(2)
    last().drop(1006) // never opened: the next wait doubles
    await vi.advanceTimersByTimeAsync(1990)
    expect(FakeSocket.all).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(10)
    expect(FakeSocket.all).toHaveLength(3)
    expect(getToken).toHaveBeenCalledTimes(3)
    last().open()
    expect(last().sent).toEqual([{ type: 'subscribe', site: 'p2' }, { type: 'subscribe', site: 'p3' }])
    stream.stop()
  })

  it('reconnects at once with a fresh token when the server refused the old one, and gives up on 4403', async () => {
    const { stream } = start()
    await flush()
    last().open()
    last().drop(4401)
    await flush()
    expect(FakeSocket.all).toHaveLength(2)
    expect(new URL(last().url).searchParams.get('token')).toBe('t2')
    last().open()
    last().message({ type: 'error', code: 'FORBIDDEN', message: 'no access to the platform' })
    last().drop(4403)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all).toHaveLength(2)
    expect(stream.error.value).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('hands the server a fresh token when Firebase has refreshed it', async () => {
    const { stream } = start([], ['t1', 't1', 't2'])
    await flush()
    last().open()
    const minutes = async (n: number) => {
      // The server answers the pings, so the connection stays up.
      for (let s = 0; s < n * 60; s += 20) {
        await vi.advanceTimersByTimeAsync(20_000)
        last().message({ type: 'pong' })
      }
    }
    await minutes(4)
    expect(last().sent.filter(m => m.type === 'auth')).toEqual([])
    await minutes(4)
    expect(FakeSocket.all).toHaveLength(1)
    expect(last().sent.filter(m => m.type === 'auth')).toEqual([{ type: 'auth', token: 't2' }])
    stream.stop()
  })

  it('pings, and reconnects after a silence (a connection that died without a close)', async () => {
    const { stream } = start([])
    await flush()
    last().open()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(last().sent).toEqual([{ type: 'ping' }])
    await vi.advanceTimersByTimeAsync(40_000)
    expect(last().readyState).toBe(3)
    stream.stop()
  })
})
