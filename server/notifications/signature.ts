import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-telemetry-signature'
export const TIMESTAMP_HEADER = 'x-telemetry-timestamp'

/**
 * The signature of a webhook body: HMAC-SHA256 with the endpoint's secret over `{timestamp}.{body}`,
 * as `sha256=<hex>`. The timestamp (epoch seconds, sent in X-Telemetry-Timestamp) is signed too, so
 * a captured request cannot be replayed later with a fresh timestamp.
 */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** The signing headers of one attempt; `nowMs` becomes the signed timestamp. */
export function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signBody(secret, timestamp, body) }
}

/**
 * What a receiver checks: the signature matches (in constant time) and the timestamp is within
 * `toleranceS` of its clock. The README gives the same check for receivers to copy.
 */
export function verifySignature(secret: string, body: string, headers: { timestamp?: string, signature?: string }, nowMs: number, toleranceS = 300): boolean {
  const timestamp = Number(headers.timestamp)
  if (!Number.isInteger(timestamp) || !headers.signature) return false
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceS) return false
  const expected = Buffer.from(signBody(secret, timestamp, body))
  const given = Buffer.from(headers.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
