import { describe, expect, it } from 'vitest'
import { evaluateAudit, type AuditException } from '../../scripts/audit/report'

// The shape `npm audit --json` prints (report version 2), trimmed to what the evaluation reads.
const report = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    'left-pad': {
      name: 'left-pad', severity: 'critical', isDirect: false,
      via: [{ source: 1, name: 'left-pad', title: 'Prototype pollution', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'critical', range: '<1.3.1' }]
    },
    'some-lib': {
      name: 'some-lib', severity: 'high', isDirect: true,
      via: ['left-pad', { source: 2, name: 'some-lib', title: 'ReDoS', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'high' }]
    },
    'minor-lib': {
      name: 'minor-lib', severity: 'moderate', isDirect: true,
      via: [{ source: 3, name: 'minor-lib', title: 'Info leak', url: 'https://github.com/advisories/GHSA-gggg-hhhh-iiii', severity: 'moderate' }]
    }
  },
  metadata: { vulnerabilities: { critical: 1, high: 1, moderate: 1 } }
})

const exception = (id: string, pkg: string, until: string): AuditException => ({ id, package: pkg, reason: 'not reachable from our code', until })

describe('dependency audit evaluation', () => {
  it('fails on each high or critical advisory, once, and ignores lower severities', () => {
    const out = evaluateAudit(report, [], '2026-12-01')
    expect(out.kind).toBe('checked')
    if (out.kind !== 'checked') return
    expect(out.failing.map(f => `${f.package} ${f.id} ${f.severity}`).sort()).toEqual([
      'left-pad GHSA-aaaa-bbbb-cccc critical',
      'some-lib GHSA-dddd-eeee-ffff high'
    ])
  })

  it('lets a live exception accept its advisory for its package only', () => {
    const out = evaluateAudit(report, [exception('GHSA-aaaa-bbbb-cccc', 'left-pad', '2027-01-01'), exception('GHSA-dddd-eeee-ffff', 'other-lib', '2027-01-01')], '2026-12-01')
    if (out.kind !== 'checked') throw new Error(out.kind)
    expect(out.excepted.map(f => f.package)).toEqual(['left-pad'])
    expect(out.failing.map(f => f.package)).toEqual(['some-lib'])
    expect(out.unused.map(e => e.package)).toEqual(['other-lib'])
  })

  it('no longer applies an expired exception', () => {
    const out = evaluateAudit(report, [exception('GHSA-aaaa-bbbb-cccc', 'left-pad', '2026-11-30')], '2026-12-01')
    if (out.kind !== 'checked') throw new Error(out.kind)
    expect(out.failing.map(f => f.package)).toContain('left-pad')
    expect(out.expired).toHaveLength(1)
  })

  it('passes a clean report', () => {
    expect(evaluateAudit(JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }), [], '2026-12-01'))
      .toEqual({ kind: 'checked', failing: [], excepted: [], expired: [], unused: [] })
  })

  it('says the audit was not checked when the registry has no audit endpoint, never that it passed', () => {
    // What npm prints when the registry answers the bulk advisory endpoint with 405.
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, body: '' })
    expect(evaluateAudit(refused, [], '2026-12-01')).toEqual({ kind: 'unavailable', reason: expect.stringContaining('405') })
    expect(evaluateAudit('npm ERR! network', [], '2026-12-01').kind).toBe('unavailable')
  })
})
