import type { SqlClient } from '../db/client'
import { sqlParams } from '../queries/sql'
import { asStoredJson, entryHash, type HashedEntry } from './hash'
import { chainCondition, lockChain } from './lock'

/** What a caller records; the chain adds `prevHash` and `hash`. */
export interface AuditEntryInput {
  /** The chain: a tenant's id, or null for the platform chain (tenants, platform admins). */
  tenantId: string | null
  /** Who: `email (uid)` for people (see actorOf), a component name for the system. */
  actor: string
  /** `entity.verb`, e.g. `plant.create`, `alarm.raised`. */
  action: string
  entity: string
  entityId: string | null
  before?: unknown
  after?: unknown
  /** Epoch ms; defaults to now. */
  at?: number
}

export interface AppendedEntry extends HashedEntry {
  id: number
  hash: string
}

/**
 * Appends an entry to its tenant's chain.
 *
 * `tx` is the `SqlClient` handed to `db.sql.transaction(async tx => …)` (server/db/client.ts), i.e.
 * the transaction that makes the change being recorded: the entry commits or rolls back with it.
 * The chain's advisory lock is held from here to that commit, so call this last in the transaction.
 * Outside a transaction the lock would not hold, and a racing append fails on the chain's unique
 * successor constraint instead of forking the chain.
 */
export async function appendAudit(tx: SqlClient, entry: AuditEntryInput): Promise<AppendedEntry> {
  await lockChain(tx, entry.tenantId)
  const { p, values } = sqlParams()
  const [last] = await tx.query<{ hash: string }>(
    `select hash from audit_log where ${chainCondition('tenant_id', entry.tenantId, p)} order by id desc limit 1`, values)
  const hashed: HashedEntry = {
    prevHash: last?.hash ?? null,
    tenantId: entry.tenantId,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: asStoredJson(entry.before),
    after: asStoredJson(entry.after),
    at: Math.round(entry.at ?? Date.now())
  }
  const hash = entryHash(hashed)
  const [row] = await tx.query<{ id: number }>(
    `insert into audit_log (tenant_id, actor, action, entity, entity_id, before, after, at, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::timestamptz, $9, $10) returning id`,
    [hashed.tenantId, hashed.actor, hashed.action, hashed.entity, hashed.entityId, jsonParam(hashed.before), jsonParam(hashed.after),
      new Date(hashed.at).toISOString(), hashed.prevHash, hash])
  return { ...hashed, id: row!.id, hash }
}

// SQL null for "nothing": the stored row then reads back as null, which is what was hashed.
const jsonParam = (v: unknown) => (v === null ? null : JSON.stringify(v))
