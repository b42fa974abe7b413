// Tampering with the SQLite file behind the app's back, each kind found at its exact stream and revision.
import Database from 'better-sqlite3'
import t from 'tap'
import { genesisHash, hashEvent } from '../../src/ledger/event-hash.js'
import type { Json } from '../../src/store/event-store.js'
import { build } from '../helpers/app.js'
import { checkReceipt, digest, givenReports, headOf, tamper, verify, X, Y, Z } from './helpers/ledger-scenario.js'

t.test('an untouched log verifies ok and extends its receipt', async (t) => {
  const { app, store } = await build(t)
  await givenReports(app)
  const result = await verify(app)
  t.match(result, { ok: true, position: String(await store.headPosition()), brokenStreams: 0, breaks: [] })
  t.equal(result.firstBreak, undefined)
  t.equal(result.events, Number(await store.headPosition()), 'every event was walked')
  const receipt = await digest(app)
  t.same(await checkReceipt(app, receipt), { extends: true, receiptIntact: true, headPosition: receipt.position, differences: [] })
})

t.test('a changed value: hash_mismatch at that event', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  t.equal(tamper(file, `UPDATE events SET data = json_set(data, '$.value', 80) WHERE stream_id = ? AND revision = 2`, X), 1)
  const result = await verify(app)
  t.match(result, { ok: false, firstBreak: { stream: X, revision: '2', reason: 'hash_mismatch' }, brokenStreams: 1 })
})

t.test('a changed actor: hash_mismatch at that event', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  t.equal(tamper(file, `UPDATE events SET metadata = json_set(metadata, '$.actor.id', 'agency-dongjiakou') WHERE stream_id = ? AND revision = 1`, X), 1)
  t.match(await verify(app), { ok: false, firstBreak: { stream: X, revision: '1', reason: 'hash_mismatch' } })
})

t.test('an event deleted in the middle: revision_gap names the missing revision', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 2', X)
  t.match(await verify(app), { ok: false, firstBreak: { stream: X, revision: '2', reason: 'revision_gap' } })
})

t.test('an event deleted and the rest renumbered to close the gap: prev_hash_mismatch where it was', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 2', X)
  tamper(file, 'UPDATE events SET revision = revision - 1 WHERE stream_id = ? AND revision > 2', X)
  t.match(await verify(app), { ok: false, firstBreak: { stream: X, revision: '2', reason: 'prev_hash_mismatch' } })
})

t.test('an event moved into another stream: event_moved there, naming where it came from; a gap where it was', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  // X's revision 2 becomes Y's next event, revision 2: it fits Y's numbering, not Y's chain.
  tamper(file, 'UPDATE events SET stream_id = ?, revision = 2 WHERE stream_id = ? AND revision = 2', Y, X)
  const result = await verify(app)
  t.match(result.firstBreak, { stream: Y, revision: '2', reason: 'event_moved', movedFrom: { stream: X, revision: '2' } })
  t.match(result.breaks, [
    { stream: Y, revision: '2', reason: 'event_moved' },
    { stream: X, revision: '2', reason: 'revision_gap' },
  ])
  t.equal(result.brokenStreams, 2)
})

t.test('a stream tail truncated: the chain still verifies, the earlier receipt says truncated', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  tamper(file, 'DELETE FROM events WHERE stream_id = ? AND revision = 3', X)
  t.match(await verify(app), { ok: true }, 'what is left is a valid chain: only a receipt can tell')
  const check = await checkReceipt(app, receipt)
  t.match(check, { extends: false, receiptIntact: true })
  t.same(check.differences, [
    { streamId: X, problem: 'truncated', receipt: headOf(receipt, X), current: { revision: '2', hash: check.differences[0].current.hash } },
  ])
})

t.test('a whole stream removed: the earlier receipt says stream_missing', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  t.equal(tamper(file, 'DELETE FROM events WHERE stream_id = ?', Y), 2)
  t.match(await verify(app), { ok: true })
  const check = await checkReceipt(app, receipt)
  t.same(check.differences, [{ streamId: Y, problem: 'stream_missing', receipt: headOf(receipt, Y) }])
  t.equal(check.extends, false)
})

t.test('an event moved after a receipt: the source truncated, the target backdated', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  // X's last event becomes Z's revision 1: X looks complete but shorter, Z grew in the past.
  tamper(file, 'UPDATE events SET stream_id = ?, revision = 1 WHERE stream_id = ? AND revision = 3', Z, X)
  t.match((await verify(app)).firstBreak, { stream: Z, revision: '1', reason: 'event_moved', movedFrom: { stream: X, revision: '3' } })
  const check = await checkReceipt(app, receipt)
  // By streamId: Z (…-projects-completed) sorts before X (…-projects-introduced).
  t.match(check.differences, [
    { streamId: Z, problem: 'backdated', receipt: headOf(receipt, Z), current: { revision: '1', reason: 'event_moved' } },
    { streamId: X, problem: 'truncated', receipt: headOf(receipt, X), current: { revision: '2' } },
  ])
  t.equal(check.differences.length, 2)
})

t.test('a value changed and the chain recomputed to hide it: verify passes, the receipt says rewritten', async (t) => {
  const { app, file } = await build(t)
  await givenReports(app)
  const receipt = await digest(app)
  // What an intruder who knows the hash formula does: edit revision 1, then re-hash it and everything after.
  const db = new Database(file)
  t.teardown(() => db.close())
  const rows = db
    .prepare<[string], { position: number; revision: number; type: string; data: string; metadata: string }>(
      'SELECT position, revision, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision',
    )
    .all(X)
  const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?')
  let prevHash = genesisHash
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, Json>
    if (row.revision === 1) data['value'] = 50
    const { hash: _old, ...metadata } = JSON.parse(row.metadata) as Record<string, Json>
    metadata['prevHash'] = prevHash
    const hash = hashEvent(prevHash, { streamId: X, revision: BigInt(row.revision), type: row.type, data, metadata })
    update.run(JSON.stringify(data), JSON.stringify({ ...metadata, hash }), row.position)
    prevHash = hash
  }
  db.close()
  t.match(await verify(app), { ok: true }, 'a recomputed chain is internally consistent')
  const check = await checkReceipt(app, receipt)
  t.same(check.differences, [{ streamId: X, problem: 'rewritten', receipt: headOf(receipt, X), current: { revision: '3', hash: prevHash } }])
})
