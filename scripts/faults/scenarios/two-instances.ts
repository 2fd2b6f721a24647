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

/** What the survivor logged of the sessions it adopted. */
function adoptions(logs: string[]): string[] {
  const done = logs.join('').split('\n').filter(l => l.includes('adopted session done')).map(l => JSON.parse(l) as { peer: string, outcome: string, messages: number, ms: number })
  return done.length
    ? done.map(d => `adopted ${d.peer}'s session: ${d.outcome}, ${d.messages} messages in ${d.ms} ms`)
    : ['the survivor adopted no session']
}

const missing = (watch: LiveWatch, keys: string[]) => keys.filter(k => !watch.seen.has(k)).length

/**
 * Two instances in one MQTT 5 shared subscription, one Redis, one database; a WebSocket client on
 * each. Each message is stored once; both clients get every event (whichever instance ingested it);
 * SIGKILL of one instance loses nothing, and the killed one does not come back: the survivor adopts
 * its broker session and ingests what it held unacknowledged and what the broker went on routing to it.
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
    const loadEndedAt = Date.now()
    const caught = await waitStored(s.db.sql, report.acked.total, 30_000)
    notes.push(caught
      ? `with ${a.name} still down, the survivor had stored everything ${caught - killedAt} ms after the kill (${caught - loadEndedAt} ms after the last publish)`
      : `${report.acked.total - await storedMessages(s.db.sql)} messages never reached the survivor`)
    await sleep(1500)
    notes.push(...adoptions(b.logs))
    const beforeKill = await storedEvents(s.db.sql, watchFrom, killedAt - 1000)
    const all = await storedEvents(s.db.sql, watchFrom, Date.now())
    const missA = missing(onA, beforeKill)
    const missB = missing(onB, all)
    notes.push(`WS on ${a.name} missed ${missA} of ${beforeKill.length} events before the kill; WS on ${b.name} missed ${missB} of ${all.length} in all`)
    const out = await s.finish()
    return row(s, 'two instances, one SIGKILLed for good', out, caught && caught - loadEndedAt, notes, missA === 0 && missB === 0)
  } finally {
    onA.close()
    onB.close()
    await s.close()
  }
}
