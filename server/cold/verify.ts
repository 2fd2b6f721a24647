import type { SqlClient } from '../db/client'
import { entriesOfDay, markFailed, markVerified, type CatalogueEntry, type ExportFormat } from './catalogue'
import { csvRowCount } from './csv'
import { RowDigest, sha256 } from './digest'
import { parquetRows } from './parquet-read'
import { dayRows, plantsWithRows } from './rows'
import type { ColdStore } from './store'

export interface VerifyResult {
  ok: boolean
  /** Why not, one line per file or plant. */
  problems: string[]
}

/**
 * Checks a day's archive against the database as it is now: every plant with rows that day has a
 * file per format; each file, read back from the store, has the SHA-256 recorded when it was written;
 * the Parquet file's rows digest to what the database's rows digest to now, and the CSV has as many
 * rows. Late rows that arrived after the export (a gateway flushing its buffer) fail it. Marks each
 * entry verified or failed. `table`: where the day's rows are (its partition, to read no other).
 */
export async function verifyDay(sql: SqlClient, store: ColdStore, day: string, formats: ExportFormat[], table = 'telemetry_events'): Promise<VerifyResult> {
  const problems: string[] = []
  const entries = await entriesOfDay(sql, day)
  const plants = await plantsWithRows(sql, day, table)
  for (const plant of plants) {
    for (const format of formats) {
      if (!entries.some(e => e.plantId === plant.plantId && e.format === format)) problems.push(`${plant.tenant}/${plant.plant} ${day}: no ${format} export`)
    }
  }
  for (const entry of entries) {
    const problem = await verifyEntry(sql, store, entry, table)
    if (problem) {
      problems.push(`${entry.objectKey}: ${problem}`)
      await markFailed(sql, entry.id, problem)
    } else {
      await markVerified(sql, entry.id)
    }
  }
  return { ok: problems.length === 0, problems }
}

async function verifyEntry(sql: SqlClient, store: ColdStore, e: CatalogueEntry, table: string): Promise<string | undefined> {
  const db = new RowDigest()
  for await (const batch of dayRows(sql, e.plantId, e.day, table)) db.add(batch)
  if (db.rows !== e.rows || db.hex() !== e.rowsDigest) return `the database holds ${db.rows} rows now (${e.rows} exported): export again`
  let file: Buffer
  try {
    file = await store.get(e.objectKey)
  } catch (err) {
    return `cannot be read back: ${(err as Error).message}`
  }
  if (sha256(file) !== e.sha256) return 'checksum differs from the file written'
  if (e.format === 'csv') return csvRowCount(file) === db.rows ? undefined : `holds ${csvRowCount(file)} rows, the database ${db.rows}`
  const archived = new RowDigest()
  for await (const rows of parquetRows(file)) archived.add(rows)
  if (archived.rows !== db.rows) return `holds ${archived.rows} rows, the database ${db.rows}`
  return archived.hex() === db.hex() ? undefined : 'its rows differ from the database\'s'
}
