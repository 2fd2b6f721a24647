/**
 * A minimal `--name value` / `--name=value` / `--flag` parser: the bench needs a handful of numeric
 * flags and nothing more, so no dependency.
 */
export function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`)
    const eq = arg.indexOf('=')
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1))
      continue
    }
    const next = argv[i + 1]
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next)
      i++
    } else {
      flags.set(arg.slice(2), 'true')
    }
  }
  return flags
}

/** A numeric flag, or the fallback; throws on anything that is not a finite number in range. */
export function numberFlag(flags: Map<string, string>, name: string, fallback: number, min = 0): number {
  const raw = flags.get(name)
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got "${raw}")`)
  return n
}

/** An optional numeric flag: undefined when absent. */
export function optionalNumberFlag(flags: Map<string, string>, name: string, min = 0): number | undefined {
  return flags.has(name) ? numberFlag(flags, name, 0, min) : undefined
}

/** A flag restricted to a set of values. */
export function choiceFlag<T extends string>(flags: Map<string, string>, name: string, choices: readonly T[], fallback: T): T {
  const raw = flags.get(name) ?? fallback
  if (!(choices as readonly string[]).includes(raw)) throw new Error(`--${name} must be one of ${choices.join(', ')} (got "${raw}")`)
  return raw as T
}

/** Refuses flags the script does not know, so a typo does not silently run the defaults. */
export function rejectUnknown(flags: Map<string, string>, known: readonly string[]): void {
  const unknown = [...flags.keys()].filter(k => !known.includes(k))
  if (unknown.length) throw new Error(`unknown flag(s): ${unknown.map(k => `--${k}`).join(', ')}; known: ${known.map(k => `--${k}`).join(', ')}`)
}
