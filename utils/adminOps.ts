/** The client's copy of the dead-letter and persistence-rule vocabularies (server/ingest/messages.ts, server/config/env.ts). */
export const DEAD_LETTER_REASONS = [
  'payload_too_large', 'invalid_topic', 'invalid_encoding', 'invalid_json', 'invalid_payload', 'unsupported_schema_version',
  'topic_mismatch', 'timestamp_in_future', 'unknown_tenant', 'unknown_plant', 'processing_error', 'rate_limited'
] as const
export type DeadLetterReason = typeof DEAD_LETTER_REASONS[number]

export const PERSIST_MODES = ['both', 'raw', 'hourly', 'none'] as const
export type PersistMode = typeof PERSIST_MODES[number]

/** A row of GET /api/gateways/:id/status-history. Times in epoch ms. */
export interface StatusTransition { id: number, status: 'online' | 'offline', reason: string | null, at: number }

/** A stretch of time in one state; `unknown` before the first transition the platform knows of. */
export interface StatusSegment { status: 'online' | 'offline' | 'unknown', from: number, to: number, reason: string | null }

/**
 * Online/offline stretches over [from, to] from the transitions inside it (any order) and the one in
 * force at `from` (the newest before it, if any). Transitions at the same moment keep the later id.
 */
export function statusSegments(transitions: StatusTransition[], before: StatusTransition | null, from: number, to: number): StatusSegment[] {
  const sorted = transitions.filter(t => t.at >= from && t.at <= to).sort((a, b) => a.at - b.at || a.id - b.id)
  const segments: StatusSegment[] = []
  let current: StatusSegment = { status: before?.status ?? 'unknown', from, to, reason: before?.reason ?? null }
  for (const t of sorted) {
    if (t.status === current.status) continue
    if (t.at > current.from) segments.push({ ...current, to: t.at })
    current = { status: t.status, from: t.at, to, reason: t.reason }
  }
  if (current.to > current.from || !segments.length) segments.push(current)
  return segments
}

/** Share of [from, to] spent online, 0–1 (unknown time counts as not online). */
export function onlineShare(segments: StatusSegment[]): number {
  const total = segments.reduce((n, s) => n + (s.to - s.from), 0)
  return total ? segments.filter(s => s.status === 'online').reduce((n, s) => n + (s.to - s.from), 0) / total : 0
}

/** True for a health word that means trouble (`ok`, `online`, `connected`, `up` are fine). */
export const healthBad = (v?: string) => v !== undefined && !['ok', 'online', 'connected', 'up'].includes(v.toLowerCase())

/** An uptime in seconds as operators read it: `3 d 4 h` or `5 h 12 min`. */
export function formatUptime(s: number | undefined): string | null {
  if (s === undefined) return null
  const h = Math.floor(s / 3600)
  return h >= 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${h} h ${Math.floor((s % 3600) / 60)} min`
}
