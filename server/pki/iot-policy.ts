import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface IotPolicyVars {
  region: string
  account: string
  tenant: string
  province: string
  plant: string
  thingName: string
}

/** deploy/aws-iot-policy.json, the per-gateway policy template, from the repository root. */
export const IOT_POLICY_TEMPLATE = resolve(import.meta.dirname, '../../deploy/aws-iot-policy.json')

// Topic levels become part of ARNs and IoT wildcards: a value with `/`, `*`, `?`, `+`, `#` or `$`
// would widen what the policy allows.
const SAFE = /^[A-Za-z0-9_.:-]+$/

/** The per-gateway AWS IoT policy document: the template with `{{name}}` replaced, every value checked. */
export function renderIotPolicy(vars: IotPolicyVars, template = readFileSync(IOT_POLICY_TEMPLATE, 'utf8')): unknown {
  for (const [key, value] of Object.entries(vars)) {
    if (!SAFE.test(value)) throw new Error(`${key} "${value}" cannot go into an IoT policy (letters, digits, _ . : - only)`)
  }
  const text = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = (vars as unknown as Record<string, string | undefined>)[key]
    if (value === undefined) throw new Error(`the policy template uses {{${key}}}, which has no value`)
    return value
  })
  return JSON.parse(text)
}
