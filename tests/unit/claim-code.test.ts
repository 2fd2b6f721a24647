import { describe, expect, it } from 'vitest'
import { ClaimCode } from '../../server/admin/machine-schemas'
import { ROLES } from '../../server/auth/types'
import { claimCodeOf, claimLink, parseClaimInput } from '../../utils/claim-code'
import { USER_ROLES } from '../../composables/useUsers'

const ORIGIN = 'https://telemetry.example.com'

describe('claim codes in the browser', () => {
  it('are what the server\'s claim route parses back into the gateway and PLC', () => {
    const machines: [string, string][] = [['granix-ba-gw-01', 'plc-03'], ['gw:1_a', 'line 2/press#3'], ['g', 'ñandú-%20']]
    for (const [gatewayId, plcId] of machines) {
      const code = claimCodeOf({ gatewayId, plcId })!
      expect(ClaimCode.parse(code)).toEqual({ gatewayId, plcId })
    }
  })

  it('exist only for machines that sent through a gateway', () => {
    expect(claimCodeOf({ gatewayId: null, plcId: 'plc-01' })).toBeNull()
  })

  it('survive the round trip through a claim link, with the site', () => {
    for (const code of ['granix-ba-gw-01/plc-03', 'gw/a&b=c?d#e f/g', 'gw/ñandú']) {
      const link = claimLink(ORIGIN, code, 'planta-1')
      expect(link.startsWith(`${ORIGIN}/admin/machines?claim=`)).toBe(true)
      expect(parseClaimInput(link)).toEqual({ code, site: 'planta-1' })
      expect(parseClaimInput(` ${claimLink(ORIGIN, code)} `)).toEqual({ code })
    }
  })

  it('are taken as typed when not a claim link', () => {
    expect(parseClaimInput('  gw-1/plc-2 ')).toEqual({ code: 'gw-1/plc-2' })
    expect(parseClaimInput('https://example.com/other')).toEqual({ code: 'https://example.com/other' })
    expect(parseClaimInput('http://[bad')).toEqual({ code: 'http://[bad' })
  })
})

describe('the browser\'s roles', () => {
  it('are the server\'s', () => {
    expect([...USER_ROLES]).toEqual([...ROLES])
  })
})
