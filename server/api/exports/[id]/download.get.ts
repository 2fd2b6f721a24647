import { ExportParams } from '../../../cold/export-schemas'
import { CONTENT_TYPES } from '../../../cold/exporter'
import { getExport } from '../../../cold/list'

/** An archived file, read from the folder or bucket it was written to. Takes `?token=` for plain links. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'cold_export:read')
  const { id } = await validParams(event, ExportParams)
  const { db, coldStore } = await usePlatform()
  const entry = await getExport(db.sql, readScope(ctx), id)
  if (!entry) throw notFoundError('EXPORT_NOT_FOUND', `Export ${id} not found`)
  // The catalogue outlives a change of COLD_STORAGE: a file in another store cannot be served from here.
  if (!coldStore || coldStore.kind !== entry.store) {
    throw createError({ statusCode: 409, statusMessage: 'Export not in the configured store', data: { code: 'EXPORT_STORE_UNAVAILABLE', store: entry.store } })
  }
  const body = await coldStore.get(entry.objectKey)
  setHeader(event, 'content-type', CONTENT_TYPES[entry.format])
  setHeader(event, 'content-disposition', `attachment; filename="${entry.tenant}_${entry.site}_${entry.day}.${entry.format}"`)
  setHeader(event, 'content-length', body.length)
  setHeader(event, 'x-checksum-sha256', entry.sha256)
  setHeader(event, 'cache-control', 'no-store')
  return body
})
