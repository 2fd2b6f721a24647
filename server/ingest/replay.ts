import type { SqlClient } from '../db/client'
import type { Ingestor, Outcome } from './ingestor'

export interface ReplayResult {
  /** Dead letters fed back into the ingest. */
  replayed: number
  /** Of those, how many were stored this time; the rest were dead-lettered again, as new rows. */
  stored: number
}

/**
 * Feeds dead letters back through the ingest, exactly as they were received (raw topic and bytes),
 * e.g. after the unknown tenant was created or a validation bug fixed. Each replayed row is marked
 * (`replayed_at`, `replay_count`); a message that fails again becomes a new dead letter with its new
 * reason, so the history of attempts is kept.
 */
export async function replayDeadLetters(sql: SqlClient, ingestor: Ingestor, ids: number[]): Promise<ReplayResult> {
  if (!ids.length) return { replayed: 0, stored: 0 }
  const rows = await sql.query<{ id: number, topic: string, payload: Uint8Array }>(
    'select id, topic, payload from dead_letters where id = any($1::bigint[]) order by id', [`{${ids.filter(Number.isSafeInteger).join(',')}}`])
  const outcomes = await Promise.all(rows.map(r => new Promise<Outcome>(resolve => ingestor.push({
    topic: r.topic, payload: r.payload, retained: false, receivedAt: Date.now(), ack: resolve
  }))))
  await sql.query('update dead_letters set replayed_at = now(), replay_count = replay_count + 1 where id = any($1::bigint[])', [`{${rows.map(r => r.id).join(',')}}`])
  return { replayed: rows.length, stored: outcomes.filter(o => o === 'stored').length }
}
