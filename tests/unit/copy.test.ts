import { describe, expect, it } from 'vitest'
import { toCopyText } from '../../server/db/copy'

describe('toCopyText', () => {
  it('writes tab-separated rows, \\N for NULL', () => {
    expect(toCopyText([['a', 1, true, null], ['b', 2.5, false, 'x']])).toBe('a\t1\ttrue\t\\N\nb\t2.5\tfalse\tx\n')
  })

  it('escapes what would break a row or a column', () => {
    expect(toCopyText([['tab\there', 'new\nline', 'cr\rx', 'back\\slash']])).toBe('tab\\there\tnew\\nline\tcr\\rx\tback\\\\slash\n')
  })

  it('keeps a literal \\N text apart from NULL', () => {
    expect(toCopyText([['\\N', null]])).toBe('\\\\N\t\\N\n')
  })
})
