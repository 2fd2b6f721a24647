/** Idempotency keys of SPEC §3 rule 5. A QoS 1 redelivery yields the same key, so it is stored once. */

/** Shape B: `tenant|province|plant|machine|seq`. */
export function machineBatchKey(m: { tenant: string, province: string, plant: string, machine: string, seq: number }): string {
  return `${m.tenant}|${m.province}|${m.plant}|${m.machine}|${m.seq}`
}

/** Shape A: `tenant|plant|gateway|plc|metric|timestamp`. */
export function gatewayEventKey(m: { tenant: string, plant: string, gatewayId: string, plcId: string, metric: string, ts: number }): string {
  return `${m.tenant}|${m.plant}|${m.gatewayId}|${m.plcId}|${m.metric}|${m.ts}`
}
