import WebSocket from 'ws'

/**
 * A /ws client that follows one site and keeps the identity (PLC, ts) of every telemetry event it
 * got. Like the browser's composable it reconnects (and so resubscribes) after any close.
 */
export class LiveWatch {
  readonly seen = new Set<string>()
  events = 0
  lastEventAt = 0
  reconnects = 0
  private socket?: WebSocket
  private closed = false

  constructor(private url: () => string, private token: string, private site: string, private plcId?: string) {}

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  async open(): Promise<void> {
    await this.connect()
  }

  close(): void {
    this.closed = true
    this.socket?.terminate()
  }

  /** Events received since `since` (epoch ms), by receive time. */
  waitForEventAfter(since: number, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (this.lastEventAt > since) {
          clearInterval(check)
          resolve(this.lastEventAt)
        } else if (Date.now() > deadline) {
          clearInterval(check)
          resolve(null)
        }
      }, 50)
    })
  }

  private connect(): Promise<void> {
    const url = new URL('/ws', this.url().replace('http', 'ws'))
    url.searchParams.set('token', this.token)
    url.searchParams.set('site', this.site)
    if (this.plcId) url.searchParams.set('plcId', this.plcId)
    const socket = new WebSocket(url)
    this.socket = socket
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string, plcId?: string, ts?: number }
      if (m.type !== 'telemetry') return
      this.events++
      this.lastEventAt = Date.now()
      this.seen.add(`${m.plcId}|${m.ts}`)
    })
    socket.on('close', () => {
      if (this.closed) return
      this.reconnects++
      setTimeout(() => void this.connect().catch(() => {}), 300)
    })
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
  }
}
