import { MachineApproveBody, MachineClaimBody, MachineJson, MachineListQuery, MachinePage, MachineUpdateBody } from '../../admin/machine-schemas'
import type { Operation } from '../operation'
import { PlcParams, TenantQuery } from '../../queries/schemas'

const tag = 'Machines'

export const operations: Operation[] = [
  { method: 'get', path: '/api/machines', summary: 'List machines (PLCs), e.g. the pending ones', tag, permission: 'telemetry:read', query: MachineListQuery, response: MachinePage },
  { method: 'post', path: '/api/machines/claim', summary: 'Claim a pending machine by its gateway\'s claim code ({gatewayId}/{plcId})', tag, permission: 'machine:manage', body: MachineClaimBody, response: MachineJson },
  { method: 'post', path: '/api/machines/{site}/{plcId}/approve', summary: 'Approve a machine, optionally naming it', tag, permission: 'machine:manage', params: PlcParams, query: TenantQuery, body: MachineApproveBody, response: MachineJson },
  { method: 'post', path: '/api/machines/{site}/{plcId}/reject', summary: 'Reject a machine', tag, permission: 'machine:manage', params: PlcParams, query: TenantQuery, response: MachineJson },
  { method: 'patch', path: '/api/machines/{site}/{plcId}', summary: 'Rename a machine and/or set its type', tag, permission: 'machine:manage', params: PlcParams, query: TenantQuery, body: MachineUpdateBody, response: MachineJson }
]
