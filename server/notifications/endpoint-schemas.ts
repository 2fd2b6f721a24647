import { z } from 'zod'
import { pageOf, pageQuery, textKey } from '../admin/page'
import { someField } from '../admin/schemas'
import { ALL_SEVERITIES, severityList, siteList, slug, tenantField, transitionList } from './schemas'

const name = z.string().trim().min(1).max(200)
const url = z.url({ protocol: /^https?$/ }).max(2048).describe('http(s) URL the webhook is POSTed to')
const secret = z.string().min(16).max(256).describe('HMAC-SHA256 key; omitted: one is generated and returned once')

export const EndpointCreateBody = z.object({
  tenant: tenantField,
  name,
  url,
  secret: secret.optional(),
  severities: severityList.default(ALL_SEVERITIES).describe('Alarm severities that notify (default: all)'),
  sites: siteList.default([]),
  events: transitionList.default(['raised']).describe('Transitions sent: raised, and acknowledged / cleared if wanted'),
  enabled: z.boolean().default(true)
})
export type EndpointCreate = z.infer<typeof EndpointCreateBody>

export const EndpointPatchBody = z.object({
  name: name.optional(),
  url: url.optional(),
  secret: secret.optional().describe('A new secret (rotation)'),
  severities: severityList.optional(),
  sites: siteList.optional(),
  events: transitionList.optional(),
  enabled: z.boolean().optional()
}).refine(someField, { message: 'nothing to change', path: ['name'] })
export type EndpointPatch = z.infer<typeof EndpointPatchBody>

export const EndpointParams = z.object({ id: z.uuid() })
export const EndpointTenantQuery = z.object({ tenant: slug.optional() })
export const EndpointListQuery = pageQuery(z.tuple([textKey, textKey])).extend({ tenant: slug.optional() })

export const EndpointJson = z.object({
  id: z.uuid(),
  tenant: z.string(),
  name: z.string(),
  url: z.string(),
  severities: z.array(z.string()),
  sites: z.array(z.string()).describe('Empty: every plant'),
  events: z.array(z.string()),
  enabled: z.boolean(),
  secretHint: z.string().describe('The secret\'s last 4 characters'),
  createdAt: z.number(),
  updatedAt: z.number()
}).meta({ id: 'NotificationEndpoint' })
export type EndpointJson = z.infer<typeof EndpointJson>

export const EndpointCreated = EndpointJson.extend({ secret: z.string().describe('Shown once, on creation') }).meta({ id: 'NotificationEndpointCreated' })
export const EndpointPage = pageOf(EndpointJson)
