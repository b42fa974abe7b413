// The in-memory index the target summary finds report rows by: hashes to candidate rows, loaded per target, bounded.
import t from 'tap'
import { hashReportId, IdHashes, ReportIdIndex } from '../../projections/report-id-index.js'

t.test('every row added under a hash is a candidate for it, in the order added; others are not', async (t) => {
  const hashes = new IdHashes()
  hashes.add(7, 70n)
  hashes.add(9, 90n)
  hashes.add(7, 71n)
  t.strictSame(hashes.candidates(7), [70n, 71n])
  t.strictSame(hashes.candidates(9), [90n])
  t.strictSame(hashes.candidates(8), [])
  t.equal(hashes.size, 3)
})

t.test('growing keeps every entry, including hashes that share their first slot', async (t) => {
  const hashes = new IdHashes()
  const ids = Array.from({ length: 5_000 }, (_, i) => `report-${i}`)
  ids.forEach((id, i) => hashes.add(hashReportId(id), BigInt(i)))
  // Same low bits, different hashes: probed past each other in any table size.
  hashes.add(0x1_0000, 9_001n)
  hashes.add(0x2_0000, 9_002n)
  t.equal(hashes.size, 5_002)
  t.ok(
    ids.every((id, i) => hashes.candidates(hashReportId(id)).includes(BigInt(i))),
    'each id finds its row',
  )
  t.strictSame([hashes.candidates(0x1_0000), hashes.candidates(0x2_0000)], [[9_001n], [9_002n]])
})

t.test('hashReportId: FNV-1a, never 0 (the free slot)', async (t) => {
  t.equal(hashReportId(''), 0x811c9dc5)
  t.equal(hashReportId('a'), 0xe40c292c)
  t.not(hashReportId('f2a868685cb5'), 0)
  t.equal(hashReportId('f2a868685cb5'), hashReportId('f6de4e25817c'), 'a known collision: the SQL test relies on it')
})

t.test('a target is loaded once, on first use; rows added later join it', async (t) => {
  const loads: string[] = []
  const tables: Record<string, [bigint, string][]> = { a: [[1n, 'x'], [2n, 'y']], b: [[3n, 'x']] }
  const index = new ReportIdIndex<string>((key) => {
    loads.push(key)
    return tables[key]!
  })
  t.strictSame(index.candidates('a', 'x'), [1n])
  t.strictSame(index.candidates('a', 'y'), [2n])
  t.strictSame(index.candidates('b', 'x'), [3n], 'ids are per target')
  t.strictSame(index.candidates('a', 'z'), [])
  index.add('a', 'z', 5n)
  t.strictSame(index.candidates('a', 'z'), [5n])
  t.strictSame(loads, ['a', 'b'])
})

t.test('adding to a target not loaded records nothing: its load reads the row', async (t) => {
  const table: [bigint, string][] = []
  const index = new ReportIdIndex<string>(() => table)
  index.add('a', 'x', 1n)
  table.push([1n, 'x'])
  t.strictSame(index.candidates('a', 'x'), [1n], 'once, from the load')
})

t.test('past its limit the least recently used targets are dropped, then loaded again when asked for', async (t) => {
  const loads: string[] = []
  const rows = (key: string): [bigint, string][] => [[1n, `${key}1`], [2n, `${key}2`]]
  const index = new ReportIdIndex<string>((key) => {
    loads.push(key)
    return rows(key)
  }, 4)
  index.candidates('a', 'a1')
  index.candidates('b', 'b1')
  index.candidates('a', 'a2') // a is now the most recent
  index.candidates('c', 'c1') // 6 ids > 4: b goes
  t.strictSame(index.candidates('a', 'a1'), [1n])
  t.strictSame(index.candidates('b', 'b2'), [2n], 'b again, loaded anew')
  t.strictSame(loads, ['a', 'b', 'c', 'b'])
  const small = new ReportIdIndex<string>(rows, 1)
  t.strictSame(small.candidates('a', 'a2'), [2n], 'a target over the limit on its own is still answered from')
})
