import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'

/**
 * Exactly what an audit entry's hash covers. `at` is epoch milliseconds (an integer); `before` and
 * `after` are JSON values, null when absent; `prevHash` is the hash of the chain's previous entry,
 * null for a chain's first one.
 */
export interface HashedEntry {
  prevHash: string | null
  tenantId: string | null
  actor: string
  action: string
  entity: string
  entityId: string | null
  before: unknown
  after: unknown
  at: number
}

/**
 * The RFC 8785 (JCS) form of an entry: keys sorted, no whitespace, ECMAScript number form. The
 * object is rebuilt from the nine fields so that nothing else (say, the row's id) slips in.
 */
export function canonicalEntry(e: HashedEntry): string {
  const { prevHash, tenantId, actor, action, entity, entityId, before, after, at } = e
  return canonicalize({ prevHash, tenantId, actor, action, entity, entityId, before: before ?? null, after: after ?? null, at })!
}

/** SHA-256 of the UTF-8 bytes of the canonical form, lower-case hex: the entry's `hash`. */
export function entryHash(e: HashedEntry): string {
  return createHash('sha256').update(canonicalEntry(e), 'utf8').digest('hex')
}

/**
 * A value as it comes back from a jsonb column: what JSON can say of it (undefined fields dropped,
 * Dates as ISO strings). Hashing this, not the caller's object, keeps append and verify in step.
 */
export function asStoredJson(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value))
}
