import { describe, expect, it } from 'vitest'
import { asStoredJson, canonicalEntry, entryHash, type HashedEntry } from '../../server/audit/hash'
import { merkleLeaf, merkleNode, merkleProof, merkleRoot, verifyMerkleProof } from '../../server/audit/merkle'

// Expected values were computed outside this code: the canonical string written out by hand from
// RFC 8785's rules, and every digest with Python's hashlib (sha256 of those bytes).

const ENTRY: HashedEntry = {
  prevHash: null,
  tenantId: '11111111-1111-1111-1111-111111111111',
  actor: 'admin@demo.local (uid-1)',
  action: 'plant.create',
  entity: 'plant',
  entityId: 'p-1',
  before: null,
  // Key order by UTF-16 code unit ('z' < 'é'), -0 and 1e21 in ECMAScript number form.
  after: { é: 'ñ', z: 1e21, ok: true, name: 'Planta 1', n: 1.5, list: [3, 'b'], a: -0 },
  at: 1700000000000
}

const CANONICAL = '{"action":"plant.create","actor":"admin@demo.local (uid-1)","after":{"a":0,"list":[3,"b"],"n":1.5,"name":"Planta 1","ok":true,"z":1e+21,"é":"ñ"},'
  + '"at":1700000000000,"before":null,"entity":"plant","entityId":"p-1","prevHash":null,"tenantId":"11111111-1111-1111-1111-111111111111"}'

describe('entry hash', () => {
  it('hashes the RFC 8785 canonical form of exactly the nine fields', () => {
    expect(canonicalEntry(ENTRY)).toBe(CANONICAL)
    expect(entryHash(ENTRY)).toBe('1555d0d645ffbe78f542cc1b915ba5cace2436bd602efc3384dc82e9c14b2c30')
  })

  it('ignores anything but the nine fields, and treats a missing before/after as null', () => {
    const extra = { ...ENTRY, id: 42, hash: 'x', before: undefined } as HashedEntry
    expect(entryHash(extra)).toBe(entryHash(ENTRY))
  })

  it('changes with every field, the previous hash included', () => {
    const base = entryHash(ENTRY)
    const variants: Partial<HashedEntry>[] = [
      { prevHash: '00'.repeat(32) }, { tenantId: null }, { actor: 'x' }, { action: 'plant.update' }, { entity: 'gateway' },
      { entityId: null }, { before: {} }, { after: { ...ENTRY.after as object, n: 1.6 } }, { at: ENTRY.at + 1 }
    ]
    for (const v of variants) expect(entryHash({ ...ENTRY, ...v }), JSON.stringify(v)).not.toBe(base)
  })

  it('hashes values as a jsonb column gives them back', () => {
    expect(asStoredJson({ a: undefined, d: new Date(0), n: [1, undefined] })).toEqual({ d: '1970-01-01T00:00:00.000Z', n: [1, null] })
    expect(asStoredJson(undefined)).toBeNull()
  })
})

// sha256('a') … sha256('e'), as entry hashes.
const H = [
  'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb',
  '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d',
  '2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6',
  '18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4',
  '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea'
]
const LEAF = [
  'a23bd5b06da9048238a65b3f1d9d0b9e15fae3dde262688e6489aa4c763d1820',
  'a0d9f0a50b35b9f7d7edc57fb64f4771ddef0fefeaca4e6f949a1514db5b136d',
  '6a3fc11b79f836bda340e75c8906e961b8adf4d6a08a2b992e3f38cd6ff38ebf',
  'de22f76c222682c331f7dda7349654b6a9f4f710077025e9b29130023712780f',
  'ccfa4ba2b7ea0f00e2ab8e295f288befbfd9f316b854edaccb5bfdca87970fc6'
]
const N01 = 'ad5ca6cddc0b27c6a83e332bf28011769236e6c6a1f786ebf7b5267b37a5bd22'
const N23 = '52840e7b1da66a39188d5d2fa2b2bc5bff35fd3df4fe16781c8425b92115d077'
const N0123 = '3baac34fdbf4f2297a37c0613822d0c48efdcd6602ca7a4f48ceb31339ffb3d5'
const ROOT3 = 'cac3d448d4e20a2ad5eae1f500e63c2a7f9217cd14572ba7fd22e26dc1ec2648'
const ROOT5 = '4dc1abc938a0141a3c7cd1fed88948c35c4452e7e8aff9b1503eb5100a2c77b3'

describe('Merkle root', () => {
  it('hashes leaves with 0x00 and nodes with 0x01', () => {
    expect(H.map(merkleLeaf)).toEqual(LEAF)
    expect(merkleNode(LEAF[0]!, LEAF[1]!)).toBe(N01)
  })

  it('of one entry is its leaf; an odd last node moves up unpaired', () => {
    expect(merkleRoot(H.slice(0, 1))).toBe(LEAF[0])
    expect(merkleRoot(H.slice(0, 2))).toBe(N01)
    expect(merkleRoot(H.slice(0, 3))).toBe(ROOT3)
    expect(merkleRoot(H)).toBe(ROOT5)
    expect(() => merkleRoot([])).toThrow()
  })

  it('gives proofs that lead to the root, and only from the right entry', () => {
    expect(merkleProof(H.slice(0, 3), 2)).toEqual([{ side: 'left', hash: N01 }])
    expect(merkleProof(H.slice(0, 3), 0)).toEqual([{ side: 'right', hash: LEAF[1] }, { side: 'right', hash: LEAF[2] }])
    expect(merkleProof(H, 3)).toEqual([{ side: 'left', hash: LEAF[2] }, { side: 'left', hash: N01 }, { side: 'right', hash: LEAF[4] }])
    expect(merkleProof(H, 4)).toEqual([{ side: 'left', hash: N0123 }])
    expect(merkleProof(H, 2)[1]).toEqual({ side: 'left', hash: N01 })
    expect(merkleProof(H, 0)[1]).toEqual({ side: 'right', hash: N23 })
    for (let i = 0; i < H.length; i++) {
      const path = merkleProof(H, i)
      expect(verifyMerkleProof(H[i]!, path, ROOT5)).toBe(true)
      expect(verifyMerkleProof(H[(i + 1) % H.length]!, path, ROOT5)).toBe(false)
    }
  })
})
