import type { H3Event } from 'h3'
import { authenticateToken, bearerToken } from '../auth/authenticate'
import { createRateLimits, RateLimited, type RateLimits } from '../http/rate-limits'

/** Routes anyone may call: what the browser needs before signing in, and the API's own docs. */
const PUBLIC = new Set(['/api/auth/config', '/api/openapi.json', '/api/docs'])
const READS = new Set(['GET', 'HEAD', 'OPTIONS'])
// Routes a browser opens without being able to set headers: EventSource (the SSE stream) and a plain
// download link (the CSV export, an archived file). Only these take the ID token as `?token=`.
const QUERY_TOKEN = /^\/api\/(?:stream|telemetry\/[^/]+\/[^/]+\/export\.csv|exports\/[^/]+\/download)$/

let limits: RateLimits | undefined

/**
 * Every /api route requires a valid Firebase ID token (`Authorization: Bearer …`), checked here, in
 * one place, so no route can forget. EventSource and download links cannot send headers, so the SSE
 * stream and the CSV export also take `?token=`. Failed checks are limited per IP (then 429 instead of 401), writes per user.
 */
export default defineEventHandler(async (event) => {
  const path = event.path.split('?')[0]!
  if (!path.startsWith('/api/') || PUBLIC.has(path)) return
  const platform = await usePlatform()
  limits ??= createRateLimits(platform.config.http)
  try {
    event.context.auth = await authenticateToken(platform, requestToken(event, path))
  } catch (err) {
    // A valid token always gets through: a noisy neighbour behind the same NAT cannot lock a
    // control room out. Only the failures turn into 429s.
    const ip = getRequestIP(event) ?? 'unknown'
    if ((err as { statusCode?: number }).statusCode === 401) await limited(event, limits.authFailure(ip))
    throw err
  }
  if (!READS.has(event.method)) await limited(event, limits.write(event.context.auth.uid))
})

function requestToken(event: H3Event, path: string): string | undefined {
  const header = bearerToken(getHeader(event, 'authorization'))
  if (header || !QUERY_TOKEN.test(path)) return header
  const { token } = getQuery(event)
  return typeof token === 'string' && token ? token : undefined
}

async function limited(event: H3Event, check: Promise<void>): Promise<void> {
  try {
    await check
  } catch (err) {
    if (!(err instanceof RateLimited)) throw err
    setResponseHeader(event, 'retry-after', err.retryAfterS)
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many requests; retry in ${err.retryAfterS} s`, data: { code: 'RATE_LIMITED', retryAfter: err.retryAfterS } })
  }
}
