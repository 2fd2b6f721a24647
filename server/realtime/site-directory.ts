/** The ids behind a (tenant slug, site slug) pair, which is all a bus event names. */
export interface PlantIds {
  tenantId: string
  plantId: string
}

/** Where slugs are looked up: the database in the platform, a map in tests. */
export interface SiteLookup {
  plant(tenant: string, site: string): Promise<PlantIds | null>
  tenantId(tenant: string): Promise<string | null>
}

export interface SiteDirectoryOptions {
  /** How long a known plant is trusted; slugs are rarely reused, but a deleted tenant's may be. */
  ttlMs: number
  /** How long a miss is remembered, so a stream of events for an unknown site does not hit the database each time. */
  missTtlMs: number
  now: () => number
}

interface Cached<T> {
  value: T
  until: number
}

const DEFAULTS: SiteDirectoryOptions = { ttlMs: 10 * 60_000, missTtlMs: 5000, now: Date.now }

/**
 * Slug → id lookups with a cache. Plants are rarely created, so an unknown pair is looked up again
 * only after `missTtlMs`; concurrent lookups of one pair share a single query.
 */
export class SiteDirectory {
  private plants = new Map<string, Cached<PlantIds | null>>()
  private tenants = new Map<string, Cached<string | null>>()
  private inFlight = new Map<string, Promise<unknown>>()
  private o: SiteDirectoryOptions

  constructor(private lookup: SiteLookup, options: Partial<SiteDirectoryOptions> = {}) {
    this.o = { ...DEFAULTS, ...options }
  }

  /** The cached answer without waiting: undefined when it has to be looked up. */
  peek(tenant: string, site: string): PlantIds | null | undefined {
    return this.fresh(this.plants, plantKey(tenant, site))
  }

  /** The plant's ids, or null when the tenant has no such site. */
  plant(tenant: string, site: string): Promise<PlantIds | null> {
    const key = plantKey(tenant, site)
    return this.cached(this.plants, key, () => this.lookup.plant(tenant, site))
  }

  /** The tenant's id, or null when there is no such tenant. */
  tenantId(tenant: string): Promise<string | null> {
    return this.cached(this.tenants, tenant, () => this.lookup.tenantId(tenant))
  }

  private async cached<T>(cache: Map<string, Cached<T | null>>, key: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = this.fresh(cache, key)
    if (hit !== undefined) return hit
    const flightKey = `${cache === this.plants ? 'p' : 't'}${key}`
    let flight = this.inFlight.get(flightKey) as Promise<T | null> | undefined
    if (!flight) {
      flight = load().then((value) => {
        cache.set(key, { value, until: this.o.now() + (value === null ? this.o.missTtlMs : this.o.ttlMs) })
        return value
      }).finally(() => this.inFlight.delete(flightKey))
      this.inFlight.set(flightKey, flight)
    }
    return flight
  }

  private fresh<T>(cache: Map<string, Cached<T>>, key: string): T | undefined {
    const entry = cache.get(key)
    if (!entry) return undefined
    if (entry.until > this.o.now()) return entry.value
    cache.delete(key)
    return undefined
  }
}

// PostgreSQL text cannot hold NUL, so no stored slug contains the separator.
const plantKey = (tenant: string, site: string) => `${tenant}\0${site}`
