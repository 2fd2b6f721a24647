import { appendAudit } from '../audit/append'
import type { SqlClient } from '../db/client'
import type { Ingestor, Outcome } from './ingestor'
import type { Rejection } from './messages'

/** What became of one replayed dead letter; a failure names its new reason and detail. */
export interface ReplayOutcome {
  id: number
  outcome: Outcome
  reason?: Rejection['reason']
  detail?: string
}

export interface ReplayResult {
  /** Dead letters fed back into the ingest. */
  replayed: number
  /** Of those, how many were stored this time; the rest were dead-lettered again, as new rows. */
  stored: number
  /** Per dead letter, in id order. */
  outcomes: ReplayOutcome[]
}

/**
 * Feeds dead letters back through the ingest, exactly as they were received (raw topic and bytes),
 * e.g. after the unknown tenant was created or a validation bug fixed. Each replayed row is marked
 * (`replayed_at`, `replay_count`); a message that fails again becomes a new dead letter with its new
 * reason, so the history of attempts is kept.
 */
export async function replayDeadLetters(sql: SqlClient, ingestor: Ingestor, ids: number[], actor: string): Promise<ReplayResult> {
  if (!ids.length) return { replayed: 0, stored: 0, outcomes: [] }
  const rows = await sql.query<{ id: number, tenantId: string | null, topic: string, payload: Uint8Array }>(
    'select id, tenant_id as "tenantId", topic, payload from dead_letters where id = any($1::bigint[]) order by id', [`{${ids.filter(Number.isSafeInteger).join(',')}}`])
  const outcomes = await Promise.all(rows.map(r => new Promise<ReplayOutcome>(resolve => ingestor.push({
    topic: r.topic, payload: r.payload, retained: false, receivedAt: Date.now(), exempt: true,
    ack: (outcome, rejection) => resolve({ id: r.id, outcome, ...(rejection ? { reason: rejection.reason, detail: rejection.detail } : {}) })
  }))))
  const result = { replayed: rows.length, stored: outcomes.filter(o => o.outcome === 'stored').length }
  await sql.transaction(async (tx) => {
    await tx.query('update dead_letters set replayed_at = now(), replay_count = replay_count + 1 where id = any($1::bigint[])', [`{${rows.map(r => r.id).join(',')}}`])
    // One entry per chain: a platform admin's replay may span tenants (and letters of no known tenant).
    for (const [tenantId, letters] of groupByTenant(rows)) { // in a fixed order: two replays never wait on each other's chain locks
      await appendAudit(tx, { tenantId, actor, action: 'dead_letter.replay', entity: 'dead_letter', entityId: null, after: { ids: letters, ...result } })
    }
  })
  return { ...result, outcomes }
}

function groupByTenant(rows: { id: number, tenantId: string | null }[]): Map<string | null, number[]> {
  const byTenant = new Map<string | null, number[]>()
  for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r.id])
  return new Map([...byTenant].sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')))
}
