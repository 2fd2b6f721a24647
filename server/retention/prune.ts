import type { SqlClient } from '../db/client'

/** How long finished records are kept (SPEC §6 alarm history, the notification logs). */
export interface RetentionPolicy {
  /** Cleared alarms, with their history (alarm_events) and notifications. */
  alarmDays: number
  /** Finished webhook deliveries (delivered, failed, cancelled) with their attempts, and the user outbox. */
  notificationDays: number
}

/** What one pruning round deleted. */
export interface Pruned { alarms: number, deliveries: number, outbox: number }

// Rows go in slices, each its own short statement, so a first run over years of history neither
// holds locks for long nor writes one enormous transaction.
const SLICE = 5000

const sliceOf = (table: string, expired: string) => `
with gone as (
  delete from ${table} where id in (select id from ${table} where ${expired} limit ${SLICE}) returning 1
) select count(*)::int as n from gone`

const PRUNE = {
  alarms: sliceOf('alarms', `state = 'cleared' and cleared_at < now() - make_interval(days => $1)`),
  deliveries: sliceOf('notification_deliveries', `status <> 'pending' and created_at < now() - make_interval(days => $1)`),
  outbox: sliceOf('notification_outbox', `created_at < now() - make_interval(days => $1)`)
}

/**
 * One slice, in a transaction holding the retention lock: when another instance holds it (it is
 * pruning now), null, and this round stops.
 */
function slice(sql: SqlClient, statement: string, days: number): Promise<number | null> {
  return sql.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext('retention')) as ok`)
    if (!lock?.ok) return null
    return (await tx.query<{ n: number }>(statement, [days]))[0]!.n
  })
}

async function sliced(sql: SqlClient, statement: string, days: number): Promise<number | null> {
  let total = 0
  for (;;) {
    const n = await slice(sql, statement, days)
    if (n === null) return null
    total += n
    if (n < SLICE) return total
  }
}

/**
 * Deletes what is past its retention. Alarm history and deliveries cascade from their alarm; pending
 * deliveries are never pruned. Returns null when another instance was pruning at the same time.
 */
export async function pruneExpired(sql: SqlClient, policy: RetentionPolicy): Promise<Pruned | null> {
  const alarms = await sliced(sql, PRUNE.alarms, policy.alarmDays)
  const deliveries = alarms === null ? null : await sliced(sql, PRUNE.deliveries, policy.notificationDays)
  const outbox = deliveries === null ? null : await sliced(sql, PRUNE.outbox, policy.notificationDays)
  return alarms === null || deliveries === null || outbox === null ? null : { alarms, deliveries, outbox }
}
