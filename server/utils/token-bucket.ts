/** A token bucket: `ratePerS` tokens a second, at most `burst` saved up; starts full. */
export class TokenBucket {
  private tokens: number
  private at: number | null = null

  constructor(private ratePerS: number, private burst: number) {
    this.tokens = burst
  }

  /** Takes a token; false when none is left (the caller refuses whatever it was for). */
  take(now: number): boolean {
    if (this.at !== null) this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.ratePerS)
    this.at = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
