import { ExportListQuery, ExportPage, ExportParams } from '../../cold/export-schemas'
import type { Operation } from '../operation'

const tag = 'Cold storage'

export const operations: Operation[] = [
  { method: 'get', path: '/api/exports', summary: 'List archived telemetry files (Parquet/CSV per plant and UTC day), newest day first', tag, permission: 'cold_export:read', query: ExportListQuery, response: ExportPage },
  { method: 'get', path: '/api/exports/{id}/download', summary: 'Download an archived file from the folder or bucket it is in (`x-checksum-sha256` header). Takes `?token=` for plain links.', tag, permission: 'cold_export:read', params: ExportParams, produces: 'application/octet-stream' }
]
