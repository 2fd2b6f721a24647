import type { SqlClient } from '../db/client'
import { epochMs, sqlParams } from '../queries/sql'
import { chainCondition, lockChain } from './lock'
import { merkleRoot } from './merkle'

/** A sealed root: the Merkle root (server/audit/merkle.ts) of entries firstId..lastId of one chain. */
export interface RootRecord {
  id: number
  tenantId: string | null
  firstId: number
  lastId: number
  entries: number
  root: string
  /** Epoch ms. */
  sealedAt: number
  /** The notary's receipt, once anchored. */
  anchor: unknown
  anchorError: string | null
}

const ROOT_COLUMNS = `id, tenant_id::text as "tenantId", first_id as "firstId", last_id as "lastId", entries, root,
  ${epochMs('sealed_at')} as "sealedAt", anchor, anchor_error as "anchorError"`

/** A chain's roots in order. */
export function chainRoots(sql: SqlClient, tenantId: string | null): Promise<RootRecord[]> {
  const { values, p } = sqlParams()
  return sql.query<RootRecord>(`select ${ROOT_COLUMNS} from audit_roots where ${chainCondition('tenant_id', tenantId, p)} order by first_id`, values)
}

/** One root by id. */
export async function getRoot(sql: SqlClient, id: number): Promise<RootRecord | undefined> {
  const [row] = await sql.query<RootRecord>(`select ${ROOT_COLUMNS} from audit_roots where id = $1`, [id])
  return row
}

/** The root that covers entry `entryId` of a chain, if it is sealed yet. */
export async function rootCovering(sql: SqlClient, tenantId: string | null, entryId: number): Promise<RootRecord | undefined> {
  const { values, p } = sqlParams()
  const [row] = await sql.query<RootRecord>(
    `select ${ROOT_COLUMNS} from audit_roots where ${chainCondition('tenant_id', tenantId, p)}
     and first_id <= ${p(entryId)} and last_id >= ${p(entryId)}`, values)
  return row
}

/**
 * Seals a chain's entries since its last root into a new root; undefined when there are none. Holds
 * the chain's lock, so no append is in flight and every entry up to the newest one is committed:
 * roots never leave a gap, even when two instances seal at once.
 */
export function sealChain(db: SqlClient, tenantId: string | null): Promise<RootRecord | undefined> {
  return db.transaction(async (tx) => {
    await lockChain(tx, tenantId)
    const { values, p } = sqlParams()
    const chain = chainCondition('tenant_id', tenantId, p)
    const entries = await tx.query<{ id: number, hash: string }>(
      `select id, hash from audit_log where ${chain}
       and id > coalesce((select max(last_id) from audit_roots where ${chain}), 0) order by id`, values)
    if (!entries.length) return undefined
    const [row] = await tx.query<RootRecord>(
      `insert into audit_roots (tenant_id, first_id, last_id, entries, root) values ($1, $2, $3, $4, $5) returning ${ROOT_COLUMNS}`,
      [tenantId, entries[0]!.id, entries[entries.length - 1]!.id, entries.length, merkleRoot(entries.map(e => e.hash))])
    return row
  })
}

/** Chains with entries not sealed yet: the tenant ids (null: the platform chain). */
export async function unsealedChains(sql: SqlClient): Promise<(string | null)[]> {
  const rows = await sql.query<{ tenantId: string | null }>(
    `select a.tenant_id::text as "tenantId" from audit_log a group by a.tenant_id
     having max(a.id) > coalesce((select max(r.last_id) from audit_roots r where r.tenant_id is not distinct from a.tenant_id), 0)`)
  return rows.map(r => r.tenantId)
}

/** Records what the notary said about a root. */
export async function recordAnchor(sql: SqlClient, rootId: number, outcome: { receipt: unknown } | { error: string }): Promise<void> {
  if ('receipt' in outcome) await sql.query('update audit_roots set anchor = $2::text::jsonb, anchor_error = null where id = $1', [rootId, JSON.stringify(outcome.receipt)])
  else await sql.query('update audit_roots set anchor_error = $2 where id = $1', [rootId, outcome.error])
}
