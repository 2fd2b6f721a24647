import type { PlatformEvent } from './events'

export type BusHandler = (channel: string, event: PlatformEvent) => void

/** Fan-out of live events between app instances: Redis pub/sub in production, in-process by default. */
export interface Bus {
  readonly kind: 'redis' | 'memory'
  readonly location: string
  publish(channel: string, event: PlatformEvent): void
  /** Subscribe to a channel or a glob pattern (`*`); returns the unsubscribe function. */
  subscribe(pattern: string, handler: BusHandler): () => void
  /** True when published events currently reach other instances. */
  isUp(): boolean
  close(): Promise<void>
}

/** Glob (`*` only) to RegExp, as Redis PSUBSCRIBE matches it. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${escaped}$`)
}
