import type { PlantIds } from './site-directory'
import type { Subscription } from './subscription'

/**
 * Which clients may want an event: those subscribed to its PLC, its plant, its tenant or
 * everything. An event then only looks at those clients, not at every connection of the plant:
 * with a thousand clients each following one PLC, that is the difference between a few checks per
 * event and a thousand.
 */
export class SubscriberIndex<C> {
  private slots = new Map<string, Set<C>>()

  add(client: C, s: Subscription): void {
    for (const key of slotsOf(s)) {
      let set = this.slots.get(key)
      if (!set) this.slots.set(key, (set = new Set()))
      set.add(client)
    }
  }

  /** Removes the client from the subscription's slots, except those its `others` still need. */
  remove(client: C, s: Subscription, others: Iterable<Subscription>): void {
    const kept = new Set([...others].flatMap(slotsOf))
    for (const key of slotsOf(s)) {
      if (kept.has(key)) continue
      const set = this.slots.get(key)
      set?.delete(client)
      if (set?.size === 0) this.slots.delete(key)
    }
  }

  /** The candidate sets for an event of this plant and PLC; a client may appear in more than one. */
  candidates(plant: PlantIds, plcId: string | undefined): Set<C>[] {
    const keys = ['*', `t ${plant.tenantId}`, `p ${plant.plantId}`,
      // A plant-level event (no PLC) also concerns the subscriptions narrowed to one of its PLCs.
      plcId === undefined ? `plcs ${plant.plantId}` : `plc ${plant.plantId} ${plcId}`]
    const sets: Set<C>[] = []
    for (const key of keys) {
      const set = this.slots.get(key)
      if (set) sets.push(set)
    }
    return sets
  }
}

function slotsOf(s: Subscription): string[] {
  if (s.plantId && s.plcId) return [`plc ${s.plantId} ${s.plcId}`, `plcs ${s.plantId}`]
  if (s.plantId) return [`p ${s.plantId}`]
  if (s.tenantId) return [`t ${s.tenantId}`]
  return ['*']
}
