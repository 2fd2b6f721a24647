import { signatureHeaders } from './signature'

export interface AttemptResult {
  /** The HTTP status, or null when no response came (refused, reset, timed out). */
  statusCode: number | null
  error: string | null
  durationMs: number
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
export async function sendWebhook(req: WebhookRequest, now = Date.now): Promise<AttemptResult> {
  const started = now()
  try {
    const res = await fetch(req.url, {
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
    return { statusCode: null, error: describeError(err, req.timeoutMs), durationMs: now() - started }
  }
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string, message?: string } }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs} ms`
  return e.cause?.code ? `${e.cause.code}: ${e.cause.message ?? e.message}` : e.message
}
