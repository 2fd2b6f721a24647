import { describe, expect, it } from 'vitest'
import { SiteDirectory, type SiteLookup } from '../../server/realtime/site-directory'

function countingLookup(plants: Record<string, { tenantId: string, plantId: string }>) {
  const calls: string[] = []
  const lookup: SiteLookup = {
    async plant(tenant, site) {
      calls.push(`${tenant}/${site}`)
      return plants[`${tenant}/${site}`] ?? null
    },
    async tenantId(tenant) {
      calls.push(tenant)
      return Object.entries(plants).find(([k]) => k.startsWith(`${tenant}/`))?.[1].tenantId ?? null
    }
  }
  return { lookup, calls }
}

describe('SiteDirectory', () => {
  it('looks a plant up once, sharing one query between concurrent callers', async () => {
    const { lookup, calls } = countingLookup({ 'acme/p1': { tenantId: 'tA', plantId: 'pA1' } })
    const dir = new SiteDirectory(lookup)
    expect(dir.peek('acme', 'p1')).toBeUndefined()
    const [a, b] = await Promise.all([dir.plant('acme', 'p1'), dir.plant('acme', 'p1')])
    expect(a).toEqual({ tenantId: 'tA', plantId: 'pA1' })
    expect(b).toBe(a)
    expect(dir.peek('acme', 'p1')).toBe(a)
    await dir.plant('acme', 'p1')
    expect(calls).toEqual(['acme/p1'])
  })

  it('remembers a miss briefly, then looks again (a plant created meanwhile is found)', async () => {
    const plants: Record<string, { tenantId: string, plantId: string }> = {}
    const { lookup, calls } = countingLookup(plants)
    let now = 1000
    const dir = new SiteDirectory(lookup, { missTtlMs: 5000, now: () => now })
    expect(await dir.plant('acme', 'new')).toBeNull()
    expect(dir.peek('acme', 'new')).toBeNull()
    plants['acme/new'] = { tenantId: 'tA', plantId: 'pNew' }
    now += 5001
    expect(dir.peek('acme', 'new')).toBeUndefined()
    expect(await dir.plant('acme', 'new')).toEqual({ tenantId: 'tA', plantId: 'pNew' })
    expect(calls).toEqual(['acme/new', 'acme/new'])
  })

  it('resolves tenant slugs too', async () => {
    const { lookup } = countingLookup({ 'acme/p1': { tenantId: 'tA', plantId: 'pA1' } })
    const dir = new SiteDirectory(lookup)
    expect(await dir.tenantId('acme')).toBe('tA')
    expect(await dir.tenantId('nobody')).toBeNull()
  })
})
