/** One advisory of `npm audit --json` (report version 2) at high or critical severity. */
export interface Finding {
  /** The advisory id (GHSA-…), or its URL when it has none. */
  id: string
  package: string
  severity: string
  title: string
  url: string
}

/** An accepted advisory (audit-exceptions.json): why, and until when it is accepted. */
export interface AuditException {
  id: string
  package: string
  reason: string
  /** YYYY-MM-DD; past it the exception no longer applies. */
  until: string
}

export interface AuditChecked {
  kind: 'checked'
  failing: Finding[]
  excepted: Finding[]
  expired: AuditException[]
  unused: AuditException[]
}

export type AuditOutcome = AuditChecked | { kind: 'unavailable', reason: string }

interface AuditJson {
  vulnerabilities?: Record<string, { name: string, via: (string | { url?: string, title?: string, severity?: string })[] }>
  message?: string
  statusCode?: number
  error?: { code?: string, summary?: string }
}

const BLOCKING = new Set(['high', 'critical'])

/**
 * What `npm audit --json` printed means for a release: the high and critical advisories not covered
 * by a live exception fail it. A registry without the audit endpoint gives no advisory data at all,
 * which is reported as such, never as a pass.
 */
export function evaluateAudit(stdout: string, exceptions: AuditException[], today: string): AuditOutcome {
  let report: AuditJson
  try {
    report = JSON.parse(stdout) as AuditJson
  } catch {
    return { kind: 'unavailable', reason: `npm audit printed no report: ${stdout.slice(0, 200)}` }
  }
  if (!report.vulnerabilities) {
    return { kind: 'unavailable', reason: report.message ?? report.error?.summary ?? report.error?.code ?? 'no vulnerabilities section in the report' }
  }
  const findings = new Map<string, Finding>()
  for (const vuln of Object.values(report.vulnerabilities)) {
    for (const via of vuln.via) {
      // A string names another vulnerable package; its own advisories are listed under it.
      if (typeof via === 'string' || !via.severity || !BLOCKING.has(via.severity)) continue
      const url = via.url ?? ''
      const id = /GHSA-[\w-]+$/.exec(url)?.[0] ?? url
      findings.set(`${vuln.name} ${id}`, { id, package: vuln.name, severity: via.severity, title: via.title ?? '', url })
    }
  }
  const live = exceptions.filter(e => e.until >= today)
  const covers = (f: Finding) => live.some(e => e.id === f.id && e.package === f.package)
  const all = [...findings.values()]
  return {
    kind: 'checked',
    failing: all.filter(f => !covers(f)),
    excepted: all.filter(covers),
    expired: exceptions.filter(e => e.until < today),
    unused: live.filter(e => !all.some(f => f.id === e.id && f.package === e.package))
  }
}
