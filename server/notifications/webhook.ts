import { isIP } from 'node:net'
import { fetch, type Dispatcher } from 'undici'
import { hostOf, refusal, type DestinationPolicy } from './destination'
import { signatureHeaders } from './signature'

export interface AttemptResult {
  /** The HTTP status, or null when no response came (refused, reset, timed out). */
  statusCode: number | null
  error: string | null
  durationMs: number
  /** The policy refused the destination: retrying cannot help. */
  refused?: boolean
}

export interface WebhookRequest {
  url: string
  secret: string
  body: string
  deliveryId: number
  event: string
  timeoutMs: number
}

/**
 * POSTs one signed webhook. Redirects are not followed (a 3xx is the receiver's answer, reported as
 * it is), and the response body is discarded unread: only the status matters.
 */
export async function sendWebhook(req: WebhookRequest, destination: { policy: DestinationPolicy, agent: Dispatcher }, now = Date.now): Promise<AttemptResult> {
  const started = now()
  // The agent checks every address it connects to; an address in the URL itself is never looked up.
  const host = hostOf(req.url)
  const refused = isIP(host) ? refusal(destination.policy, host, host) : null
  if (refused) return { statusCode: null, error: `destination refused: ${refused}`, durationMs: 0, refused: true }
  try {
    const res = await fetch(req.url, {
      dispatcher: destination.agent,
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'plant-telemetry-webhooks/1',
        'x-telemetry-delivery': String(req.deliveryId),
        'x-telemetry-event': req.event,
        ...signatureHeaders(req.secret, req.body, started)
      },
      body: req.body
    })
    await res.body?.cancel().catch(() => {})
    const ok = res.status >= 200 && res.status < 300
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: now() - started }
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause
    if (cause?.name === 'DestinationRefused') return { statusCode: null, error: `destination refused: ${cause.message}`, durationMs: now() - started, refused: true }
    return { statusCode: null, error: describeError(err, req.timeoutMs), durationMs: now() - started }
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string, message?: string } }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`
  return e.cause?.code ? `${e.cause.code}: ${e.cause.message ?? e.message}` : e.message
}
