/**
 * Soak (`npm run soak -- --minutes 10`): the built app ingesting a steady 1,000 msg/s (the fault
 * runs' reconnecting QoS 1 publisher, shape B and A, 200 machines) with 200 live WebSocket clients
 * (198 following one machine each, 2 the whole plant), on a private PostgreSQL, Redis and Mosquitto.
 * Every 10 s: the server's RSS and event-loop delay (from its /metrics), messages stored per second,
 * messages pending, WebSocket events delivered. A leak shows as RSS that keeps climbing; a stall as
 * loop lag or a growing pending count. Ends with the exactly-once check of the fault runs and the
 * verdict: exit 1 on a loss or duplicate, an RSS trend over 1 %/min after the first minute, or a
 * loop-delay spike over 100 ms.
 *
 * Flags: --minutes N (10) --rate N (1000) --clients N (200). Needs a build (`npm run build`).
 */
import { resolve } from 'node:path'
import { numberFlag, parseFlags, rejectUnknown } from '../../bench/lib/args'
import { cleanupAll, installSignalHandlers, onCleanup } from '../../bench/lib/cleanup'
import { freePort } from '../../tests/support/server'
import { createSigningKey, serveCertificates } from '../../tests/support/signed-tokens'
import { Scenario, type RunContext } from '../faults/harness'
import { LiveWatch } from '../faults/live'
import { SITE } from '../faults/load'
import { storedMessages } from '../faults/verify'
import { startPrivatePostgres } from '../faults/services/postgres'
import { startPrivateRedis } from '../faults/services/redis'
import { formatSamples, rssMb, serverMetrics, soakVerdict, type Sample } from './sample'

const ROOT = resolve(import.meta.dirname, '../..')
const SAMPLE_MS = 10_000
const PLANT_WIDE = 2
const log = (line: string) => process.stdout.write(`${line}\n`)

async function context(rate: number): Promise<RunContext> {
  const key = createSigningKey('soak-kid')
  const certs = await serveCertificates([key])
  onCleanup('certificates', () => certs.server.close())
  const pg = startPrivatePostgres(await freePort())
  onCleanup('postgres', () => pg.destroy())
  const redis = await startPrivateRedis(await freePort())
  onCleanup('redis', () => redis.stop())
  return { pg, redis, key, certsUrl: certs.url, preload: resolve(ROOT, 'tests/support/google-certs-preload.mjs'), rate }
}

async function openClients(s: Scenario, n: number, machines: number): Promise<LiveWatch[]> {
  const token = await s.viewerToken()
  const url = () => s.apps[0]!.url
  const clients = Array.from({ length: n }, (_, i) => new LiveWatch(url, token, SITE, i < PLANT_WIDE ? undefined : `${s.prefix}-m${i % machines}`))
  for (const c of clients) await c.open()
  return clients
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, ['minutes', 'rate', 'clients'])
  const minutes = numberFlag(flags, 'minutes', 10, 0.1)
  const clientsN = numberFlag(flags, 'clients', 200, 1)
  installSignalHandlers()
  const ctx = await context(numberFlag(flags, 'rate', 1000, 1))
  const machines = 200
  const s = await new Scenario(ctx).open({ machines, env: { LOG_LEVEL: 'warn' } })
  onCleanup('scenario', () => s.close())
  const clients = await openClients(s, clientsN, machines)
  onCleanup('clients', () => clients.forEach(c => c.close()))
  log(`soak: ${ctx.rate} msg/s, ${clients.length} WS clients, ${minutes} min`)
  const pid = s.apps[0]!.pid!
  const samples: Sample[] = []
  const t0 = Date.now()
  let last = { at: t0, stored: 0, events: 0 }
  s.load.start()
  await serverMetrics(s.apps[0]!.url) // resets the loop-delay histogram: the first sample covers its own interval
  while (Date.now() - t0 < minutes * 60_000) {
    await new Promise(r => setTimeout(r, SAMPLE_MS))
    const now = Date.now()
    const stored = await storedMessages(s.db.sql)
    const events = clients.reduce((n, c) => n + c.events, 0)
    const m = await serverMetrics(s.apps[0]!.url)
    const secs = (now - last.at) / 1000
    samples.push({ at: now - t0, rssMb: rssMb(pid), ...m, storedPerS: (stored - last.stored) / secs, wsEventsPerS: (events - last.events) / secs, wsOpen: clients.filter(c => c.isOpen).length })
    log(formatSamples(samples).split('\n').at(-1)!)
    last = { at: now, stored, events }
  }
  const out = await s.finish()
  log('')
  log(formatSamples(samples))
  log(`\nsent ${out.sent}, stored ${out.stored}, duplicated ${out.duplicated}, dead-lettered ${out.deadLettered}, lost ${out.lost}, pending at the end ${out.limbo}`)
  const reconnects = clients.reduce((n, c) => n + c.reconnects, 0)
  log(`WS reconnects ${reconnects}; RSS ${samples[0]?.rssMb.toFixed(0)} → ${samples.at(-1)?.rssMb.toFixed(0)} MB`)
  const verdict = soakVerdict(samples)
  log(`RSS trend after the first minute: ${verdict.rssSlopeMbPerMin.toFixed(2)} MB/min (${(verdict.rssGrowthPerMin * 100).toFixed(2)} %/min; a leak is > 1 %/min)`)
  log(`event-loop delay spikes over 100 ms: ${verdict.lagSpikes.length ? verdict.lagSpikes.map(x => `${Math.round(x.at / 1000)} s: ${x.lagMaxMs.toFixed(0)} ms`).join(', ') : 'none'}`)
  const exact = out.verification.ok && out.lost === 0 && out.duplicated === 0
  log(`soak: ${exact && verdict.ok ? 'ok' : 'FAILED'}`)
  return exact && verdict.ok ? 0 : 1
}

main()
  .then(async (code) => {
    await cleanupAll()
    process.exit(code)
  })
  .catch(async (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`)
    await cleanupAll()
    process.exit(1)
  })
