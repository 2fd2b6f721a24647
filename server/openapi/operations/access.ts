import { PersistRuleBody, PersistRuleIdParams, PersistRuleListQuery, PersistRuleModeBody, PersistRuleScope } from '../../admin/persist-rule-schemas'
import type { Operation } from '../operation'

// Seed 000's admin endpoints: the caller's access and the persistence rules.
export const operations: Operation[] = [
  { method: 'get', path: '/api/auth/config', summary: 'Firebase web configuration for signing in (public)', tag: 'Access' },
  { method: 'get', path: '/api/admin/access', summary: 'The caller: tenant, role, visible sites and permissions', tag: 'Access', permission: 'signed-in' },
  { method: 'get', path: '/api/persist-rules', summary: 'Persistence rules of the tenant, broadest first', tag: 'Persistence rules', permission: 'persist_rule:read', query: PersistRuleListQuery },
  { method: 'post', path: '/api/persist-rules', summary: 'Create the rule of a scope (409 if it has one)', tag: 'Persistence rules', permission: 'persist_rule:write', body: PersistRuleBody, status: 201 },
  { method: 'put', path: '/api/persist-rules', summary: 'Set the mode of a scope, creating its rule if needed', tag: 'Persistence rules', permission: 'persist_rule:write', body: PersistRuleBody },
  { method: 'delete', path: '/api/persist-rules', summary: 'Remove the rule of a scope', tag: 'Persistence rules', permission: 'persist_rule:write', query: PersistRuleScope, status: 204 },
  { method: 'put', path: '/api/persist-rules/{id}', summary: 'Change one rule\'s mode', tag: 'Persistence rules', permission: 'persist_rule:write', params: PersistRuleIdParams, query: PersistRuleListQuery, body: PersistRuleModeBody },
  { method: 'delete', path: '/api/persist-rules/{id}', summary: 'Delete one rule', tag: 'Persistence rules', permission: 'persist_rule:write', params: PersistRuleIdParams, query: PersistRuleListQuery, status: 204 }
]
