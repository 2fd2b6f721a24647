import type { SqlClient } from '../db/client'
import { recordExport, type ExportFormat } from './catalogue'
import { CsvFile } from './csv'
import { RowDigest, sha256 } from './digest'
import { ParquetFile } from './parquet'
import { dayRows, plantsWithRows } from './rows'
import type { ColdStore } from './store'

export interface ExportDeps {
  sql: SqlClient
  store: ColdStore
  formats: ExportFormat[]
}

const CONTENT_TYPES: Record<ExportFormat, string> = { parquet: 'application/vnd.apache.parquet', csv: 'text/csv; charset=utf-8' }

/** Hive-style partition folders, which Athena, Spark and DuckDB read as columns. */
export const objectKey = (tenant: string, plant: string, day: string, format: ExportFormat) =>
  `telemetry/tenant=${tenant}/plant=${plant}/day=${day}/telemetry.${format}`

/**
 * Exports one UTC day: for every plant with raw rows that day, a file per format into the store and
 * an entry in the catalogue with the row count, the file's SHA-256 and the rows' digest. One pass over
 * the database cursor feeds every format; the finished files are held in memory until stored
 * (Parquet compressed, CSV as text).
 */
export async function exportDay(d: ExportDeps, day: string): Promise<{ plants: number, rows: number }> {
  let rows = 0
  const plants = await plantsWithRows(d.sql, day)
  for (const plant of plants) {
    const digest = new RowDigest()
    const parquet = d.formats.includes('parquet') ? new ParquetFile({ ...plant, day }) : undefined
    const csv = d.formats.includes('csv') ? new CsvFile() : undefined
    for await (const batch of dayRows(d.sql, plant.plantId, day)) {
      digest.add(batch)
      await parquet?.add(batch)
      csv?.add(batch)
    }
    for (const format of d.formats) {
      const body = format === 'parquet' ? await parquet!.finish() : csv!.finish()
      const key = objectKey(plant.tenant, plant.plant, day, format)
      await d.store.put(key, body, CONTENT_TYPES[format])
      await recordExport(d.sql, {
        tenantId: plant.tenantId, plantId: plant.plantId, day, format, store: d.store.kind, objectKey: key,
        rows: digest.rows, bytes: body.length, sha256: sha256(body), rowsDigest: digest.hex()
      })
    }
    rows += digest.rows
  }
  return { plants: plants.length, rows }
}

export { CONTENT_TYPES }
