import type { SqlClient } from '../db/client'
import { epochMs, sqlParams } from '../queries/sql'
import type { HashedEntry } from './hash'
import { chainCondition } from './lock'

/** An audit_log row as hashed, with its id and stored hash. */
export interface StoredEntry extends HashedEntry {
  id: number
  hash: string
}

// `at` is stored from an ISO string with whole milliseconds, so this reads back the integer hashed.
export const ENTRY_COLUMNS = `a.id, a.tenant_id::text as "tenantId", a.actor, a.action, a.entity, a.entity_id as "entityId",
  a.before, a.after, ${epochMs('a.at')} as at, a.prev_hash as "prevHash", a.hash`

/** One page of a chain's entries in chain order (by id), after `afterId`. */
export function chainPage(sql: SqlClient, tenantId: string | null, afterId: number, limit: number): Promise<StoredEntry[]> {
  const { p, values } = sqlParams()
  return sql.query<StoredEntry>(
    `select ${ENTRY_COLUMNS} from audit_log a where ${chainCondition('a.tenant_id', tenantId, p)} and a.id > ${p(afterId)}
     order by a.id limit ${p(limit)}`, values)
}

/** The hashes of a chain's entries with ids in [firstId, lastId], in chain order. */
export async function chainHashes(sql: SqlClient, tenantId: string | null, firstId: number, lastId: number): Promise<{ id: number, hash: string }[]> {
  const { p, values } = sqlParams()
  return sql.query<{ id: number, hash: string }>(
    `select id, hash from audit_log where ${chainCondition('tenant_id', tenantId, p)} and id between ${p(firstId)} and ${p(lastId)} order by id`, values)
}
