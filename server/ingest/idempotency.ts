/**
 * Idempotency keys (SPEC §3 rule 5): a QoS 1 redelivery yields the same key, so it is stored once.
 *
 * The seeds' keys are `tenant|province|plant|machine|seq` (shape B) and
 * `tenant|plant|gateway|plc|metric|timestamp` (shape A). A stored value's primary key is
 * (plc_id, metric, ts, key), and plc_id already stands for tenant, province, plant and machine, so
 * `key` keeps only what those columns do not say: the seq for shape B, the gateway for shape A. A
 * short key keeps the primary-key index narrow, which is much of what an insert costs.
 */

/** Shape B: the machine's sequence number. */
export function machineBatchKey(seq: number): string {
  return `s${seq}`
}

/** Shape A: the gateway that reported the value. */
export function gatewayEventKey(gatewayId: string): string {
  return `g:${gatewayId}`
}
