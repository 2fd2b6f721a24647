/**
 * Alarm evaluation micro-benchmark (`npm run bench:alarms`): what the engine costs per value on the
 * ingest's process, with no database in the way. 200 PLCs × 10 metrics, one tenant-wide threshold rule
 * per metric, values spread over 0–1000 against a limit of 999 (about one in a thousand raises, the
 * next clears — the same storm as `bench:ingest --alarm-rules 10`); transitions are counted, not
 * written. Prints figures; it is not a test.
 *
 * Flags: --seconds N (5) --plcs N (200) --metrics N (10) --batch N (2,000 samples per committed batch)
 */
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { AlarmEngine } from '../server/alarms/engine'
import type { CommittedBatch, PlcSample } from '../server/alarms/observations'
import { noRules, type AlarmRule, type AlarmRuleCache } from '../server/alarms/rules'
import type { SqlClient } from '../server/db/client'
import { numberFlag, parseFlags, rejectUnknown } from './lib/args'

const flags = parseFlags(process.argv.slice(2))
rejectUnknown(flags, ['seconds', 'plcs', 'metrics', 'batch'])
const seconds = numberFlag(flags, 'seconds', 5, 1)
const plcCount = numberFlag(flags, 'plcs', 200, 1)
const metricCount = numberFlag(flags, 'metrics', 10, 1)
const batchSize = numberFlag(flags, 'batch', 2000, 1)

const tenantId = '00000000-0000-4000-8000-000000000001'
const plant = { tenantId, plantId: '00000000-0000-4000-8000-000000000002', tenant: 'bench', plant: 'plant' }
const metrics = Array.from({ length: metricCount }, (_, i) => `v${i}`)
const rules = noRules()
for (const [i, metric] of metrics.entries()) {
  const rule: AlarmRule = {
    id: `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`, tenantId, plantId: null, plcId: null, machineType: null,
    metric, name: `${metric} high`, kind: 'threshold', staleAfterS: null, severity: 'high',
    min: null, max: 999, deadband: 0, toleranceAbs: 0, toleranceFrac: 0, minDurationS: 0, cooldownS: 0
  }
  rules.byMetric.set(metric, [rule])
}
const cache = { rulesOf: async () => rules, cached: () => rules } as unknown as AlarmRuleCache
let transitions = 0
// Counts what would be written: the engine's database work is measured by bench:ingest.
const sql = { query: async () => [] } as unknown as SqlClient
const engine = new AlarmEngine({ sql, rules: cache, logger: pino({ level: 'silent' }), busPrefix: 'bench', publish: () => {}, backlogLimit: 1000 })
;(engine as unknown as { write: (t: unknown[]) => Promise<void> }).write = async (t) => {
  transitions += t.length
}

// PLC row ids as the ingest's reference cache hands them out: the same string for every message.
const plcs = Array.from({ length: plcCount }, (_, i) => ({ plcRowId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, plcId: `m-${i}` }))
let ts = Date.now()
function batch(): CommittedBatch {
  const samples: PlcSample[] = []
  for (let i = 0; i < batchSize; i++) {
    const plc = plcs[i % plcCount]!
    ts += 1
    samples.push({ plant, ...plc, ts, points: metrics.map(metric => ({ metric, value: Math.random() * 1000 })) })
  }
  return { samples, gateways: [] }
}

const batches = Array.from({ length: 20 }, batch)
let values = 0
let busyMs = 0
const end = performance.now() + seconds * 1000
let round = 0
while (performance.now() < end) {
  const b = batches[round++ % batches.length]!
  for (const s of b.samples) s.ts = ++ts
  // CPU time, not wall time: the figure holds on a machine busy with other work.
  const start = process.cpuUsage()
  engine.committed(b)
  await engine.idle()
  const used = process.cpuUsage(start)
  busyMs += (used.user + used.system) / 1000
  values += batchSize * metricCount
}
const perValueUs = busyMs * 1000 / values
console.log(`alarm evaluation: ${values.toLocaleString('en')} values in ${Math.round(busyMs)} ms of CPU`)
console.log(`  per value                 ${perValueUs.toFixed(3)} µs`)
console.log(`  per batch of ${(batchSize * metricCount).toLocaleString('en')} values  ${(busyMs / round).toFixed(1)} ms`)
console.log(`  one core evaluates        ${Math.round(1e6 / perValueUs).toLocaleString('en')} values/s`)
console.log(`  transitions               ${transitions.toLocaleString('en')} (${(transitions / values * 1000).toFixed(2)} per 1,000 values)`)
