/**
 * Whether a database error may go away by itself (connection lost, server restarting, deadlock), so
 * the batch is retried, as opposed to an error caused by the data, which is isolated and dead-lettered.
 */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return true
  // SQLSTATE classes: 08 connection, 53 resources, 57 operator intervention (shutdown), 58 system;
  // 40001/40P01 serialization failure / deadlock. Anything else with a SQLSTATE is about the data.
  if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57|58)/.test(code) || code === '40001' || code === '40P01'
  // Driver errors without a SQLSTATE (ECONNREFUSED, CONNECTION_CLOSED, …) are connection trouble.
  return true
}
