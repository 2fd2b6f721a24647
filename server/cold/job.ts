import type { Logger } from 'pino'
import type { SqlClient } from '../db/client'
import { entriesOfDay, type CatalogueEntry, type ExportFormat } from './catalogue'
import { exportDay } from './exporter'
import { dayPartitions, utcDay, type DayPartition } from './partitions'
import type { ColdStore } from './store'
import { verifyDay, type VerifyResult } from './verify'

export interface ColdJobDeps {
  sql: SqlClient
  store: ColdStore
  formats: ExportFormat[]
  /** Days of raw rows kept in PostgreSQL; 0: never drop. */
  retentionDays: number
  logger: Logger
}

export interface ColdRunResult {
  exported: { day: string, plants: number, rows: number }[]
  dropped: string[]
  /** Days old enough to drop that were kept, and why. */
  kept: { day: string, problems: string[] }[]
}

// A day is exported again when a file is missing or failed verification (late rows, a damaged file).
const needsExport = (entries: CatalogueEntry[], formats: ExportFormat[]) =>
  entries.length === 0 || entries.some(e => e.status === 'failed') || formats.some(f => !entries.some(e => e.format === f))

/**
 * One run: exports every closed day (before today, UTC) not yet archived, then drops the partitions
 * of days older than the retention whose archive verifies against them. Safe to run on several
 * instances at once: exports are upserts, and a drop happens under a lock after a fresh check.
 */
export async function runColdStorage(d: ColdJobDeps, now = Date.now()): Promise<ColdRunResult> {
  const result: ColdRunResult = { exported: [], dropped: [], kept: [] }
  const today = utcDay(now)
  const dropBefore = d.retentionDays > 0 ? utcDay(now, d.retentionDays) : ''
  for (const partition of await dayPartitions(d.sql)) {
    if (partition.day >= today) continue
    if (needsExport(await entriesOfDay(d.sql, partition.day), d.formats)) {
      const done = await exportDay(d, partition.day)
      if (done.plants) {
        result.exported.push({ day: partition.day, ...done })
        d.logger.info({ part: 'cold-storage', day: partition.day, ...done, store: d.store.location }, 'cold storage: day exported')
      }
    }
    if (partition.day < dropBefore) {
      const verified = await dropIfVerified(d, partition)
      if (verified.ok) result.dropped.push(partition.day)
      else result.kept.push({ day: partition.day, problems: verified.problems })
    }
  }
  for (const k of result.kept) d.logger.warn({ part: 'cold-storage', day: k.day, problems: k.problems }, 'cold storage: partition kept, its export did not verify')
  for (const day of result.dropped) d.logger.info({ part: 'cold-storage', day }, 'cold storage: raw partition dropped after a verified export')
  return result
}

/**
 * Verifies the day's archive against its partition and drops the partition in the same transaction.
 * The SHARE lock holds off writes to that day (late rows) between the check and the drop; the lock
 * timeout keeps a busy ingest from waiting long behind it (the run fails and the next one retries).
 */
function dropIfVerified(d: ColdJobDeps, p: DayPartition): Promise<VerifyResult> {
  return d.sql.transaction(async (tx) => {
    await tx.query(`set local lock_timeout = '5s'`)
    await tx.query(`lock table ${p.table} in share mode`)
    const verified = await verifyDay(tx, d.store, p.day, d.formats, p.table)
    if (verified.ok) await tx.query(`drop table ${p.table}`)
    return verified
  })
}

/** Runs the job every `intervalMs` (first run after a minute, so start-up stays quick); returns stop. */
export function startColdStorageJob(d: ColdJobDeps, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => {}
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      await runColdStorage(d)
    } catch (err) {
      d.logger.warn({ part: 'cold-storage', err: (err as Error).message }, 'cold storage run failed; retrying next time')
    } finally {
      running = false
    }
  }
  const first = setTimeout(run, Math.min(intervalMs, 60_000))
  const timer = setInterval(run, intervalMs)
  first.unref()
  timer.unref()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
