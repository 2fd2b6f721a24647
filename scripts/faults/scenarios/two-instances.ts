import type { SqlClient } from '../../../server/db/client'
import { Scenario, row, sleep, type RunContext, type Row } from '../harness'
import { LiveWatch } from '../live'
import { SITE } from '../load'
import { storedMessages, waitStored } from '../verify'

/** Stored events' identities (PLC, ts) with ts in [from, to): what a live client of the site should have got. */
async function storedEvents(sql: SqlClient, from: number, to: number): Promise<string[]> {
  const rows = await sql.query<{ k: string }>(`
    select distinct p.plc_id || '|' || round(extract(epoch from e.ts) * 1000)::bigint as k
    from telemetry_events e join plcs p on p.id = e.plc_id
    where e.ts >= to_timestamp($1 / 1000.0) and e.ts < to_timestamp($2 / 1000.0)`, [from, to])
  return rows.map(r => r.k)
}

const missing = (watch: LiveWatch, keys: string[]) => keys.filter(k => !watch.seen.has(k)).length

/**
 * Two instances in one MQTT 5 shared subscription, one Redis, one database; a WebSocket client on
 * each. Each message is stored once; both clients get every event (whichever instance ingested it);
 * SIGKILL of one instance loses nothing — the other takes the new messages, and what the dead one
 * held unacknowledged comes back when its session does.
 */
export async function twoInstances(ctx: RunContext): Promise<Row> {
  const s = await new Scenario(ctx).open({ apps: 2 })
  const [a, b] = s.apps as [typeof s.apps[0], typeof s.apps[0]]
  const token = await s.viewerToken()
  // A's client moves to B while A is down, as behind a load balancer.
  const onA = new LiveWatch(() => (a.running ? a.url : b.url), token, SITE)
  const onB = new LiveWatch(() => b.url, token, SITE)
  try {
    const notes: string[] = []
    await onA.open()
    await onB.open()
    const watchFrom = Date.now()
    s.load.start()
    await sleep(5000)
    await a.kill()
    const killedAt = Date.now()
    await sleep(5000)
    const report = await s.load.finish()
    const alone = await waitStored(s.db.sql, report.acked.total, 10_000)
    if (!alone) {
      const held = report.acked.total - await storedMessages(s.db.sql)
      notes.push(`${held} messages the killed instance held unacknowledged stayed in its broker session until it came back`)
    }
    await a.start()
    const caught = alone ?? await waitStored(s.db.sql, report.acked.total, 60_000)
    notes.push(alone ? `the survivor stored everything ${alone - killedAt} ms after the kill` : `everything stored ${caught && caught - killedAt} ms after the kill (${a.name} restarted)`)
    await sleep(1500)
    const beforeKill = await storedEvents(s.db.sql, watchFrom, killedAt - 1000)
    const all = await storedEvents(s.db.sql, watchFrom, Date.now())
    const missA = missing(onA, beforeKill)
    const missB = missing(onB, all)
    notes.push(`WS on ${a.name} missed ${missA} of ${beforeKill.length} events before the kill; WS on ${b.name} missed ${missB} of ${all.length} in all`)
    const out = await s.finish()
    return row(s, 'two instances, one SIGKILLed', out, caught && caught - killedAt, notes, missA === 0 && missB === 0)
  } finally {
    onA.close()
    onB.close()
    await s.close()
  }
}
