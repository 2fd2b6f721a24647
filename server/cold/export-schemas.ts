import { z } from 'zod'
import { pageOf, pageQuery, textKey } from '../admin/page'
import { epochMsJson } from '../admin/schemas'
import { TenantQuery } from '../queries/schemas'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD')

export const ExportParams = z.object({ id: z.uuid() })
// Newest day first, then tenant, plant and format: the sort key is all four.
export const ExportListQuery = pageQuery(z.tuple([textKey, textKey, textKey, textKey])).extend({
  ...TenantQuery.shape,
  site: z.string().max(200).optional().describe('Only this plant (its slug)'),
  from: day.optional().describe('First day, inclusive'),
  to: day.optional().describe('Last day, inclusive'),
  format: z.enum(['parquet', 'csv']).optional()
})

export const ExportJson = z.object({
  id: z.string(),
  tenant: z.string(),
  site: z.string(),
  day: z.string().describe('UTC day the file holds, YYYY-MM-DD'),
  format: z.enum(['parquet', 'csv']),
  store: z.enum(['dir', 's3']),
  objectKey: z.string().describe('Its key in the folder or bucket'),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string().describe('SHA-256 of the file'),
  status: z.enum(['written', 'verified', 'failed']).describe('verified: checked against the database; only then may the raw day be dropped'),
  error: z.string().nullable(),
  exportedAt: epochMsJson,
  verifiedAt: epochMsJson.nullable()
})
export type ExportJson = z.infer<typeof ExportJson>
export const ExportPage = pageOf(ExportJson)
