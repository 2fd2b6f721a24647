/**
 * The dependency audit: `npm audit --omit=dev` at high severity, with the accepted advisories of
 * audit-exceptions.json. Exit 1 on an advisory nobody accepted (or whose exception expired). A registry
 * that does not answer the audit endpoint (this project's CI registry answers 405) gives nothing to
 * check: that is printed plainly and exits 0, or 1 with AUDIT_REQUIRED=1 (set it where the
 * registry has the endpoint, e.g. a release pipeline).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { evaluateAudit, type AuditException } from './audit/report'

const root = resolve(import.meta.dirname, '..')
const exceptions = JSON.parse(readFileSync(resolve(root, 'audit-exceptions.json'), 'utf8')) as AuditException[]

// npm audit exits non-zero when it finds something; the JSON on stdout is what counts.
const stdout = await new Promise<string>((done) => {
  execFile('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (_err, out) => done(out))
})
const outcome = evaluateAudit(stdout, exceptions, new Date().toISOString().slice(0, 10))

if (outcome.kind === 'unavailable') {
  console.warn(`dependency audit: NOT CHECKED — the registry gave no advisory data (${outcome.reason})`)
  process.exit(process.env.AUDIT_REQUIRED === '1' ? 1 : 0)
}
for (const f of outcome.excepted) console.log(`accepted  ${f.severity.padEnd(8)} ${f.package} ${f.id}: ${f.title}`)
for (const e of outcome.unused) console.log(`unused exception: ${e.package} ${e.id} (remove it from audit-exceptions.json)`)
for (const e of outcome.expired) console.log(`expired exception (until ${e.until}), no longer applied: ${e.package} ${e.id}`)
for (const f of outcome.failing) console.error(`FAIL      ${f.severity.padEnd(8)} ${f.package} ${f.id}: ${f.title} ${f.url}`)
const ok = outcome.failing.length === 0
console.log(`dependency audit: ${ok ? 'ok' : 'failed'} — ${outcome.failing.length} failing, ${outcome.excepted.length} accepted`)
process.exit(ok ? 0 : 1)
