import { describe, expect, it } from 'vitest'
import { renderIotPolicy, type IotPolicyVars } from '../../server/pki/iot-policy'

const VARS: IotPolicyVars = { region: 'eu-west-1', account: '123456789012', tenant: 'granix', province: 'ba', plant: 'planta-1', thingName: 'granix-ba-gateway-1' }
const ARN = 'arn:aws:iot:eu-west-1:123456789012'

interface Statement { Effect: 'Allow' | 'Deny', Action: string | string[], Resource: string | string[] }
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v])

/** IAM-style matching as AWS IoT does it: `*` any characters (also `/`), `?` one character. */
function matches(pattern: string, resource: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${re}$`).test(resource)
}

/** Explicit deny wins, then any allow; nothing else is allowed. */
function allowed(policy: { Statement: Statement[] }, action: string, resource: string): boolean {
  const hit = (s: Statement) => list(s.Action).includes(action) && list(s.Resource).some(r => matches(r, resource))
  if (policy.Statement.some(s => s.Effect === 'Deny' && hit(s))) return false
  return policy.Statement.some(s => s.Effect === 'Allow' && hit(s))
}

describe('deploy/aws-iot-policy.json', () => {
  const policy = renderIotPolicy(VARS) as { Statement: Statement[] }
  const topic = (t: string) => `${ARN}:topic/${t}`

  it('lets the gateway connect only as its own thing', () => {
    expect(allowed(policy, 'iot:Connect', `${ARN}:client/granix-ba-gateway-1`)).toBe(true)
    expect(allowed(policy, 'iot:Connect', `${ARN}:client/granix-ba-gateway-2`)).toBe(false)
  })

  it('publishes machine telemetry of its own plant and its own status (retained: the Last Will)', () => {
    expect(allowed(policy, 'iot:Publish', topic('factory/granix/ba/planta-1/machine-1/telemetry'))).toBe(true)
    expect(allowed(policy, 'iot:Publish', topic('ops/granix/ba/planta-1/gateway/granix-ba-gateway-1/status'))).toBe(true)
    expect(allowed(policy, 'iot:RetainPublish', topic('ops/granix/ba/planta-1/gateway/granix-ba-gateway-1/status'))).toBe(true)
  })

  it('cannot publish for another gateway, plant or tenant, nor subscribe', () => {
    expect(allowed(policy, 'iot:Publish', topic('ops/granix/ba/planta-1/gateway/granix-ba-gateway-2/status'))).toBe(false)
    expect(allowed(policy, 'iot:Publish', topic('factory/granix/ba/planta-1/gateway/granix-ba-gateway-2/telemetry'))).toBe(false)
    expect(allowed(policy, 'iot:Publish', topic('factory/granix/ba/planta-1/a/b/telemetry'))).toBe(false)
    expect(allowed(policy, 'iot:Publish', topic('factory/granix/ba/planta-2/machine-1/telemetry'))).toBe(false)
    expect(allowed(policy, 'iot:Publish', topic('factory/other/ba/planta-1/machine-1/telemetry'))).toBe(false)
    expect(allowed(policy, 'iot:Subscribe', `${ARN}:topicfilter/factory/#`)).toBe(false)
  })

  it('refuses values that would widen the policy', () => {
    expect(() => renderIotPolicy({ ...VARS, plant: '*' })).toThrow(/plant/)
    expect(() => renderIotPolicy({ ...VARS, thingName: 'gw/../x' })).toThrow(/thingName/)
    expect(() => renderIotPolicy({ ...VARS, tenant: '+' })).toThrow(/tenant/)
  })
})
