import { pageOf } from '../../admin/page'
import {
  AcknowledgeBody, AlarmDetailResponse, AlarmIdParams, AlarmListQuery, AlarmPlcParams, AlarmResponse, AlarmStatsQuery, AlarmStatsResponse, ShelveBody
} from '../../alarms/alarm-schemas'
import { AlarmRuleBody, AlarmRuleIdParams, AlarmRuleListQuery, AlarmRuleResponse, AlarmRuleTenantQuery, HintsResponse, LearntBoundsResponse } from '../../alarms/rule-schemas'
import { ScheduleDecisionBody, ScheduleLearnBody, ScheduleListResponse, ScheduleParams, ScheduleResponse } from '../../alarms/schedule-schemas'
import { PlcParams, TenantQuery } from '../../queries/schemas'
import type { Operation } from '../operation'

const tag = 'Alarms'
const rules = 'Alarm rules'
const AlarmPage = pageOf(AlarmResponse)
const schedules = 'Machine schedules'

export const operations: Operation[] = [
  { method: 'get', path: '/api/alarms', summary: 'Alarms, newest first (seed 000: ?acknowledged=false&severity=high)', tag, permission: 'alarm:read', query: AlarmListQuery, response: AlarmPage },
  { method: 'get', path: '/api/alarms/stats', summary: 'Counts by severity and state, mean time to acknowledge and to clear', tag, permission: 'alarm:read', query: AlarmStatsQuery, response: AlarmStatsResponse },
  { method: 'get', path: '/api/alarms/{id}', summary: 'One alarm with every transition', tag, permission: 'alarm:read', params: AlarmIdParams, response: AlarmDetailResponse },
  { method: 'get', path: '/api/alarms/{site}/{plcId}', summary: 'The alarms of one PLC (seed 000)', tag, permission: 'alarm:read', params: AlarmPlcParams, query: AlarmListQuery, response: AlarmPage },
  { method: 'post', path: '/api/alarms/{id}/acknowledge', summary: 'Acknowledge an alarm (seed 000), with an optional comment', tag, permission: 'alarm:acknowledge', params: AlarmIdParams, body: AcknowledgeBody, response: AlarmResponse },
  { method: 'post', path: '/api/alarms/{id}/shelve', summary: 'Shelve an alarm for some minutes', tag, permission: 'alarm:shelve', params: AlarmIdParams, body: ShelveBody, response: AlarmResponse },
  { method: 'post', path: '/api/alarms/{id}/unshelve', summary: 'End a shelving early', tag, permission: 'alarm:shelve', params: AlarmIdParams, response: AlarmResponse },
  { method: 'get', path: '/api/alarm-rules', summary: 'Threshold rules of the tenant, by name', tag: rules, permission: 'alarm:read', query: AlarmRuleListQuery, response: pageOf(AlarmRuleResponse) },
  { method: 'post', path: '/api/alarm-rules', summary: 'Create a threshold or learnt rule', tag: rules, permission: 'alarm_rule:write', body: AlarmRuleBody, status: 201, response: AlarmRuleResponse },
  { method: 'get', path: '/api/alarm-rules/hints', summary: 'Likely misconfigurations (seed 003 rule 2), each with a suggested fix', tag: rules, permission: 'alarm_rule:write', query: AlarmRuleTenantQuery, response: HintsResponse },
  { method: 'get', path: '/api/alarm-rules/{id}', summary: 'One threshold rule', tag: rules, permission: 'alarm:read', params: AlarmRuleIdParams, query: AlarmRuleTenantQuery, response: AlarmRuleResponse },
  { method: 'put', path: '/api/alarm-rules/{id}', summary: 'Replace a rule (disabling or re-scoping clears its open alarms)', tag: rules, permission: 'alarm_rule:write', params: AlarmRuleIdParams, body: AlarmRuleBody, response: AlarmRuleResponse },
  { method: 'get', path: '/api/alarm-rules/{id}/bounds', summary: 'What a learnt rule learnt per PLC, with the window and points behind it', tag: rules, permission: 'alarm:read', params: AlarmRuleIdParams, query: AlarmRuleTenantQuery, response: LearntBoundsResponse },
  { method: 'post', path: '/api/alarm-rules/{id}/learn', summary: 'Learn a learnt rule\'s bounds now', tag: rules, permission: 'alarm_rule:write', params: AlarmRuleIdParams, query: AlarmRuleTenantQuery, response: LearntBoundsResponse },
  { method: 'delete', path: '/api/alarm-rules/{id}', summary: 'Delete a rule and clear its open alarms', tag: rules, permission: 'alarm_rule:write', params: AlarmRuleIdParams, query: AlarmRuleTenantQuery, status: 204 },
  { method: 'get', path: '/api/machines/{site}/{plcId}/schedules', summary: 'The machine\'s learnt schedules, one per running metric', tag: schedules, permission: 'alarm:read', params: PlcParams, query: TenantQuery, response: ScheduleListResponse },
  { method: 'post', path: '/api/machines/{site}/{plcId}/schedules/learn', summary: 'Learn operating windows per weekday from a running metric (a suggestion)', tag: schedules, permission: 'machine:manage', params: PlcParams, query: TenantQuery, body: ScheduleLearnBody, response: ScheduleResponse },
  { method: 'put', path: '/api/machines/{site}/{plcId}/schedules/{metric}', summary: 'Accept or reject a schedule; accepted ones raise running-outside / stopped-inside alarms', tag: schedules, permission: 'machine:manage', params: ScheduleParams, query: TenantQuery, body: ScheduleDecisionBody, response: ScheduleResponse }
]
