import type { SqlClient } from '../db/client'

export type ExportFormat = 'parquet' | 'csv'

export interface CatalogueEntry {
  id: string
  tenantId: string
  plantId: string
  day: string
  format: ExportFormat
  store: 'dir' | 's3'
  objectKey: string
  rows: number
  bytes: number
  sha256: string
  rowsDigest: string
  status: 'written' | 'verified' | 'failed'
}

const COLUMNS = `id, tenant_id as "tenantId", plant_id as "plantId", to_char(day, 'YYYY-MM-DD') as day, format, store,
  object_key as "objectKey", rows::float8 as rows, bytes::float8 as bytes, sha256, rows_digest as "rowsDigest", status`

/** Records a file just written (again: a re-export replaces the entry and resets its verification). */
export async function recordExport(sql: SqlClient, e: Omit<CatalogueEntry, 'id' | 'status'>): Promise<void> {
  await sql.query(
    `insert into cold_exports (tenant_id, plant_id, day, format, store, object_key, rows, bytes, sha256, rows_digest)
     values ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10)
     on conflict (plant_id, day, format) do update set store = excluded.store, object_key = excluded.object_key, rows = excluded.rows,
       bytes = excluded.bytes, sha256 = excluded.sha256, rows_digest = excluded.rows_digest, status = 'written', error = null,
       exported_at = now(), verified_at = null`,
    [e.tenantId, e.plantId, e.day, e.format, e.store, e.objectKey, e.rows, e.bytes, e.sha256, e.rowsDigest])
}

export function entriesOfDay(sql: SqlClient, day: string): Promise<CatalogueEntry[]> {
  return sql.query<CatalogueEntry>(`select ${COLUMNS} from cold_exports where day = $1::date order by plant_id, format`, [day])
}

export async function markVerified(sql: SqlClient, id: string): Promise<void> {
  await sql.query(`update cold_exports set status = 'verified', error = null, verified_at = now() where id = $1`, [id])
}

export async function markFailed(sql: SqlClient, id: string, error: string): Promise<void> {
  await sql.query(`update cold_exports set status = 'failed', error = $2, verified_at = null where id = $1`, [id, error])
}
