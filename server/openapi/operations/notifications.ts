import { DeliveryListQuery, DeliveryPage } from '../../notifications/delivery-log-schemas'
import { EndpointCreateBody, EndpointCreated, EndpointJson, EndpointListQuery, EndpointPage, EndpointParams, EndpointPatchBody, EndpointTenantQuery } from '../../notifications/endpoint-schemas'
import { EscalationPolicyBody, EscalationPolicyJson, EscalationPolicyQuery } from '../../notifications/policy-schemas'
import { PreferencesBody, PreferencesJson } from '../../notifications/preference-schemas'
import type { Operation } from '../operation'

const tag = 'Notifications'
const permission = 'notification:manage'

export const operations: Operation[] = [
  { method: 'get', path: '/api/notification-endpoints', summary: 'List the tenant\'s webhook endpoints', tag, permission, query: EndpointListQuery, response: EndpointPage },
  { method: 'post', path: '/api/notification-endpoints', summary: 'Add a signed webhook endpoint (the secret is returned once)', tag, permission, body: EndpointCreateBody, status: 201, response: EndpointCreated },
  { method: 'get', path: '/api/notification-endpoints/{id}', summary: 'One webhook endpoint', tag, permission, params: EndpointParams, query: EndpointTenantQuery, response: EndpointJson },
  { method: 'patch', path: '/api/notification-endpoints/{id}', summary: 'Change a webhook endpoint (filters, URL, secret rotation, enabled)', tag, permission, params: EndpointParams, query: EndpointTenantQuery, body: EndpointPatchBody, response: EndpointJson },
  { method: 'delete', path: '/api/notification-endpoints/{id}', summary: 'Remove a webhook endpoint and its delivery log', tag, permission, params: EndpointParams, query: EndpointTenantQuery, status: 204 },
  { method: 'get', path: '/api/escalation-policy', summary: 'The tenant\'s escalation policy', tag, permission, query: EscalationPolicyQuery, response: EscalationPolicyJson },
  { method: 'put', path: '/api/escalation-policy', summary: 'Replace the tenant\'s escalation policy', tag, permission, body: EscalationPolicyBody, response: EscalationPolicyJson },
  { method: 'get', path: '/api/notification-deliveries', summary: 'The delivery log: notifications and their attempts, newest first', tag, permission, query: DeliveryListQuery, response: DeliveryPage },
  { method: 'get', path: '/api/me/notifications', summary: 'The caller\'s notification preferences', tag, permission: 'alarm:read', response: PreferencesJson },
  { method: 'put', path: '/api/me/notifications', summary: 'Set which alarms notify the caller', tag, permission: 'alarm:read', body: PreferencesBody, response: PreferencesJson }
]
