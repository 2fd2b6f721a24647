/**
 * Claim codes (README, API): a pending machine is claimed with `{gatewayThingName}/{plcId}`, which
 * its gateway knows. A QR of it carries a link to the pending-machines page with the claim form
 * filled in (`?claim=&site=`), so a phone's camera opens it; the form takes either.
 */

/** The claim code of a machine that has sent through a gateway; null without one. */
export function claimCodeOf(m: { gatewayId: string | null, plcId: string }): string | null {
  return m.gatewayId ? `${m.gatewayId}/${m.plcId}` : null
}

/** The link a claim QR carries. */
export function claimLink(origin: string, code: string, site?: string): string {
  const url = new URL('/admin/machines', origin)
  url.searchParams.set('claim', code)
  if (site) url.searchParams.set('site', site)
  return url.toString()
}

/** The code (and site, if it says) of what was typed or scanned: a claim code or a claim link. */
export function parseClaimInput(text: string): { code: string, site?: string } {
  const trimmed = text.trim()
  if (!/^https?:\/\//i.test(trimmed)) return { code: trimmed }
  try {
    const url = new URL(trimmed)
    const code = url.searchParams.get('claim')
    if (!code) return { code: trimmed }
    return { code, ...(url.searchParams.get('site') ? { site: url.searchParams.get('site')! } : {}) }
  } catch {
    return { code: trimmed }
  }
}
