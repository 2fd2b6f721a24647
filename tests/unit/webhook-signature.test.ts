import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isRetryable, retryDelayMs, shouldRetry } from '../../server/notifications/backoff'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody, signatureHeaders, verifySignature } from '../../server/notifications/signature'

const SECRET = 'whsec_unit_test_secret'
const BODY = '{"type":"alarm.raised","alarm":{"id":"a1"}}'
// `printf '%s' '1700000000.<BODY>' | openssl dgst -sha256 -hmac whsec_unit_test_secret`
const OPENSSL_HEX = '3325787daaabb12aa7e4657e67a16e151a09edd0b3eeacc368d55246d1926aff'

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "{timestamp}.{body}", as sha256=<hex>', () => {
    expect(signBody(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${OPENSSL_HEX}`)
    const byHand = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex')
    expect(byHand).toBe(OPENSSL_HEX)
  })

  it('headers carry the timestamp in seconds and the signature over it', () => {
    const headers = signatureHeaders(SECRET, BODY, 1_700_000_000_999)
    expect(headers).toEqual({ [TIMESTAMP_HEADER]: '1700000000', [SIGNATURE_HEADER]: `sha256=${OPENSSL_HEX}` })
  })

  it('verifies a genuine request and refuses tampering, another secret and replays', () => {
    const now = 1_700_000_000_000
    const ok = { timestamp: '1700000000', signature: `sha256=${OPENSSL_HEX}` }
    expect(verifySignature(SECRET, BODY, ok, now + 60_000)).toBe(true)
    expect(verifySignature(SECRET, BODY.replace('a1', 'a2'), ok, now)).toBe(false)
    expect(verifySignature('another-secret-of-16', BODY, ok, now)).toBe(false)
    // The timestamp is signed: changing it breaks the signature; keeping it is stale after 5 minutes.
    expect(verifySignature(SECRET, BODY, { ...ok, timestamp: '1700000600' }, now + 600_000)).toBe(false)
    expect(verifySignature(SECRET, BODY, ok, now + 301_000)).toBe(false)
    expect(verifySignature(SECRET, BODY, { timestamp: 'x', signature: ok.signature }, now)).toBe(false)
    expect(verifySignature(SECRET, BODY, { timestamp: ok.timestamp }, now)).toBe(false)
  })
})

describe('retry schedule', () => {
  const policy = { baseMs: 1000, maxMs: 30_000, jitter: 0.5, maxAttempts: 6 }

  it('doubles from the base delay up to the cap, without jitter at random = 0', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(n => retryDelayMs(n, policy, 0))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
  })

  it('jitter takes off up to its share, never more', () => {
    expect(retryDelayMs(3, policy, 0.999999)).toBe(2000)
    expect(retryDelayMs(3, policy, 0.5)).toBe(3000)
    expect(retryDelayMs(3, { ...policy, jitter: 0 }, 0.9)).toBe(4000)
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(4, policy)
      expect(d).toBeGreaterThan(4000)
      expect(d).toBeLessThanOrEqual(8000)
    }
  })

  it('retries network errors, timeouts, 5xx, 408 and 429; not other 4xx or 3xx', () => {
    expect([null, 500, 502, 503, 504, 408, 429].map(isRetryable)).toEqual([true, true, true, true, true, true, true])
    expect([400, 401, 403, 404, 410, 422, 301, 302].map(isRetryable)).toEqual([false, false, false, false, false, false, false, false])
  })

  it('stops after the last attempt', () => {
    expect(shouldRetry(503, 5, policy)).toBe(true)
    expect(shouldRetry(503, 6, policy)).toBe(false)
    expect(shouldRetry(404, 1, policy)).toBe(false)
  })
})
