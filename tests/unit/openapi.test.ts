import { readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OPERATIONS, openApiDocument } from '../../server/openapi/document'

const API = resolve(import.meta.dirname, '../../server/api')
// The document and the page that reads it describe the API; they are not part of it.
const SELF = new Set(['get /api/openapi.json', 'get /api/docs'])

/** Every route file as `method /path/{param}`, the way Nitro maps file names to routes. */
function routeFiles(dir = API): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return routeFiles(join(dir, e.name))
    const m = /^(.*)\.(get|post|put|patch|delete)\.ts$/.exec(e.name)
    if (!m) return []
    const path = `/api/${relative(API, join(dir, m[1]!))}`.replace(/\/index$/, '').replace(/\[(\w+)\]/g, '{$1}')
    return [`${m[2]} ${path}`]
  })
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer scheme', () => {
    const doc = openApiDocument()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components?.securitySchemes?.firebase).toMatchObject({ type: 'http', scheme: 'bearer' })
  })

  it('documents every route file, and only routes that exist', () => {
    // Parameter names are compared loosely: Nitro's router makes routes share one name per position
    // (server/api/alarms/[key]), while the document names each route's parameters for what they are.
    const anyParam = (r: string) => r.replace(/\{\w+\}/g, '{}')
    const documented = OPERATIONS.map(o => anyParam(`${o.method} ${o.path}`))
    const files = routeFiles().filter(r => !SELF.has(r)).map(anyParam)
    expect([...documented].sort()).toEqual([...files].sort())
    expect(new Set(documented).size).toBe(documented.length)
  })

  it('takes parameters and bodies from the zod schemas the routes use', () => {
    const history = openApiDocument().paths!['/api/telemetry/{site}/{plcId}']!.get!
    const names = (history.parameters as { name: string, in: string }[]).map(p => `${p.in}:${p.name}`)
    expect(names).toEqual(expect.arrayContaining(['path:site', 'path:plcId', 'query:from', 'query:to', 'query:bucket', 'query:cursor', 'query:limit']))
    const body = openApiDocument().paths!['/api/persist-rules']!.post!.requestBody as { content: Record<string, { schema: unknown }> }
    expect(JSON.stringify(body.content['application/json']!.schema)).toContain('"mode"')
  })
})
