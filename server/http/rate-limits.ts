import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

export interface RateLimits {
  /** Resolves, or rejects with the seconds to wait, when `uid` has used up its writes. */
  write(uid: string): Promise<void>
  /** Counts a failed token check from `ip`; rejects with the seconds to wait once over the limit. */
  authFailure(ip: string): Promise<void>
}

export class RateLimited extends Error {
  constructor(readonly retryAfterS: number) {
    super('rate limited')
  }
}

/**
 * Write and failed-login limits, in memory per instance (rate-limiter-flexible): behind N instances
 * a client gets up to N times the limit, which still stops a runaway script or a token guesser.
 */
export function createRateLimits(o: { writesPerMinute: number, authFailuresPerMinute: number }): RateLimits {
  const writes = new RateLimiterMemory({ points: o.writesPerMinute, duration: 60 })
  const failures = new RateLimiterMemory({ points: o.authFailuresPerMinute, duration: 60 })
  return {
    write: uid => writes.consume(uid).then(() => {}, rethrow),
    authFailure: ip => failures.consume(ip).then(() => {}, rethrow)
  }
}

function rethrow(err: unknown): never {
  if (err instanceof RateLimiterRes) throw new RateLimited(Math.ceil(err.msBeforeNext / 1000))
  throw err
}
