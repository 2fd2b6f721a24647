import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  raw: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  at: number
}

/** What a path answers: a status, or 'hang' (never answer until released). Scripted answers go first, then `otherwise`. */
export type Answer = number | 'hang'

/**
 * A webhook receiver on 127.0.0.1, as an integrator would write one: records every POST, answers
 * each path as scripted. Signature checking is written out here, not imported from the server.
 */
export class WebhookReceiver {
  readonly received: Received[] = []
  private scripts = new Map<string, { queue: Answer[], otherwise: Answer }>()
  private hanging: ServerResponse[] = []
  private server?: Server
  url = ''

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c as Buffer))
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        this.received.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw), at: Date.now() })
        this.answer(req.url ?? '', res)
      })
    })
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as { port: number }
    this.url = `http://127.0.0.1:${port}`
  }

  /** Scripts a path: `answers` in order, then `otherwise` (200 unless said). */
  script(path: string, answers: Answer[], otherwise: Answer = 200): void {
    this.scripts.set(path, { queue: [...answers], otherwise })
  }

  /** Requests to a path about one alarm, in arrival order. */
  of(path: string, alarmId: string): Received[] {
    return this.received.filter(r => r.path === path && r.body.alarm?.id === alarmId)
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.server?.closeAllConnections()
    await new Promise(resolve => this.server?.close(resolve))
  }

  private answer(path: string, res: ServerResponse): void {
    const script = this.scripts.get(path)
    const answer = script ? (script.queue.shift() ?? script.otherwise) : 200
    if (answer === 'hang') {
      this.hanging.push(res)
      return
    }
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(String(answer))
  }
}

/** The receiver's check of X-Telemetry-Signature (README "Verifying a webhook"). */
export function signatureValid(r: Received, secret: string, toleranceS = 300): boolean {
  const timestamp = String(r.headers['x-telemetry-timestamp'] ?? '')
  const given = Buffer.from(String(r.headers['x-telemetry-signature'] ?? ''))
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.raw}`).digest('hex')}`)
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= toleranceS
  return fresh && given.length === expected.length && timingSafeEqual(given, expected)
}
