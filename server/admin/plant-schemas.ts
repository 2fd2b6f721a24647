import { z } from 'zod'
import { pageOf, pageQuery, textKey } from './page'
import { displayName, epochMsJson, newSlug, queryFlag, slug, someField } from './schemas'
import { TenantQuery } from '../queries/schemas'

export const PlantParams = z.object({ site: slug })
export const PlantListQuery = pageQuery(z.tuple([textKey, textKey])).extend(TenantQuery.shape)
export const PlantCreateBody = TenantQuery.extend({
  province: newSlug.describe('The province level of the plant\'s topics'),
  slug: newSlug.describe('The site: the plant level of its topics'),
  name: displayName
})
// The slug is the site of the REST API and a level of every topic: it is not renamed here. The province
// may be corrected: messages are matched on it.
export const PlantPatchBody = z.object({ name: displayName.optional(), province: newSlug.optional() })
  .refine(someField, { path: ['name'], message: 'give name and/or province' })
export const PlantDeleteQuery = TenantQuery.extend({
  force: queryFlag.default(false).describe('Also delete a plant that has gateways or machines, with their data')
})

export const PlantJson = z.object({
  site: z.string(),
  name: z.string(),
  province: z.string(),
  tenant: z.string(),
  gateways: z.number().int(),
  machines: z.number().int(),
  pendingMachines: z.number().int(),
  createdAt: epochMsJson
})
export type PlantJson = z.infer<typeof PlantJson>
export const PlantPage = pageOf(PlantJson)
