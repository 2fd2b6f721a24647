/** A connection that can be pinged, and dropped without a closing handshake. */
export interface Pingable {
  ping(): void
  terminate(): void
}

/**
 * Protocol-level ping/pong for WebSockets. Every interval each connection is pinged; one that has
 * not answered the previous ping (nor sent anything) is terminated: a peer that vanished without a
 * FIN (a tablet losing Wi-Fi, a NAT dropping the mapping) is otherwise kept open for hours.
 * Browsers answer pings by themselves, so clients need no code for this.
 */
export class Heartbeat<T extends Pingable> {
  /** true: pinged and not heard from since. */
  private awaiting = new Map<T, boolean>()
  private timer: NodeJS.Timeout | undefined

  constructor(private intervalMs: number, private onDead: (member: T) => void = () => {}) {}

  add(member: T): void {
    this.awaiting.set(member, false)
    if (this.timer) return
    this.timer = setInterval(() => this.beat(), this.intervalMs)
    this.timer.unref()
  }

  /** A pong, or any message: the connection is alive. */
  alive(member: T): void {
    if (this.awaiting.has(member)) this.awaiting.set(member, false)
  }

  remove(member: T): void {
    this.awaiting.delete(member)
    if (this.awaiting.size) return
    clearInterval(this.timer)
    this.timer = undefined
  }

  private beat(): void {
    for (const [member, awaiting] of this.awaiting) {
      if (awaiting) {
        this.remove(member)
        this.onDead(member)
        member.terminate()
        continue
      }
      this.awaiting.set(member, true)
      member.ping()
    }
  }
}
