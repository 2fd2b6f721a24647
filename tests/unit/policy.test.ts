import { describe, expect, it } from 'vitest'
import { can, canSeePlant, grantedActions } from '../../server/auth/policy'
import type { AuthContext, Role } from '../../server/auth/types'

const user = (role: Role, plantAccess: AuthContext['plantAccess'] = 'all', platformAdmin = false): AuthContext =>
  ({ uid: 'u', email: 'u@x', tenantId: 't1', tenantSlug: 't', role, plantAccess, platformAdmin })

describe('policy', () => {
  it('grants by role', () => {
    expect(can(user('viewer'), 'telemetry:read')).toBe(true)
    expect(can(user('viewer'), 'alarm:acknowledge')).toBe(false)
    expect(can(user('plant_operator'), 'alarm:acknowledge')).toBe(true)
    expect(can(user('plant_operator'), 'dashboard:write')).toBe(false)
    expect(can(user('manager'), 'dashboard:write')).toBe(true)
    expect(can(user('manager'), 'persist_rule:write')).toBe(false)
    expect(can(user('admin'), 'user:manage')).toBe(true)
  })

  it('keeps tenant management to platform admins', () => {
    expect(can(user('admin'), 'tenant:manage')).toBe(false)
    expect(can(user('admin', 'all', true), 'tenant:manage')).toBe(true)
  })

  it('checks the tenant and plant of a scope', () => {
    const op = user('plant_operator', ['p1'])
    expect(can(op, 'alarm:acknowledge', { tenantId: 't1', plantId: 'p1' })).toBe(true)
    expect(can(op, 'alarm:acknowledge', { tenantId: 't1', plantId: 'p2' })).toBe(false)
    expect(can(op, 'alarm:acknowledge', { tenantId: 't2', plantId: 'p1' })).toBe(false)
    expect(can(user('admin', ['p1']), 'telemetry:read', { tenantId: 't1', plantId: 'p2' })).toBe(true)
    expect(can(user('admin', 'all', true), 'telemetry:read', { tenantId: 'other', plantId: 'p9' })).toBe(true)
    expect(canSeePlant(user('viewer', ['p1']), 'p2')).toBe(false)
  })

  it('lists what a role may do', () => {
    expect(grantedActions(user('viewer'))).toEqual(['telemetry:read', 'export:run', 'dashboard:read', 'alarm:read', 'gateway:read'])
  })
})
