import {
  GatewayDetailJson, GatewayHistoryQuery, GatewayJson, GatewayListQuery, GatewayPage, GatewayParams, GatewayPatchBody, GatewayStatusPage
} from '../../admin/gateway-schemas'
import { TenantQuery } from '../../queries/schemas'
import type { Operation } from '../operation'

const tag = 'Gateways'

export const operations: Operation[] = [
  { method: 'get', path: '/api/gateways', summary: 'List gateways with status, last seen and health', tag, permission: 'gateway:read', query: GatewayListQuery, response: GatewayPage },
  { method: 'get', path: '/api/gateways/{gatewayId}', summary: 'One gateway and the PLCs behind it', tag, permission: 'gateway:read', params: GatewayParams, query: TenantQuery, response: GatewayDetailJson },
  { method: 'get', path: '/api/gateways/{gatewayId}/status-history', summary: 'A gateway\'s online/offline transitions, newest first', tag, permission: 'gateway:read', params: GatewayParams, query: GatewayHistoryQuery, response: GatewayStatusPage },
  { method: 'patch', path: '/api/gateways/{gatewayId}', summary: 'Rename, approve or reject a gateway', tag, permission: 'gateway:write', params: GatewayParams, query: TenantQuery, body: GatewayPatchBody, response: GatewayJson }
]
