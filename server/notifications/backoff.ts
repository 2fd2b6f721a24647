import type { RetryPolicy } from '../config/env'

/**
 * The wait before attempt `attempt + 1`, after `attempt` (1-based) failed: exponential from `baseMs`,
 * capped at `maxMs`, minus a random share of up to `jitter` so receivers coming back are not hit by
 * every sender at once. `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random = Math.random()): number {
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(full * (1 - policy.jitter * random))
}

/**
 * Whether a failed attempt is worth repeating: network errors and timeouts (no status), 5xx, 408
 * (request timeout) and 429 (rate limited). Any other status — 4xx, and 3xx since redirects are
 * not followed — will not change by resending the same request.
 */
export function isRetryable(statusCode: number | null): boolean {
  if (statusCode === null) return true
  return statusCode >= 500 || statusCode === 408 || statusCode === 429
}

/** Whether another attempt follows this failed one. */
export function shouldRetry(statusCode: number | null, attempt: number, policy: RetryPolicy): boolean {
  return isRetryable(statusCode) && attempt < policy.maxAttempts
}
