// The queries the read endpoints call: worked examples by hand, a scripted history in both kinds of
// time, and the projections checked against the ledger's own fold.
import t, { type Test } from 'tap'
import type { TargetCommand, TargetDefinition } from '../../domain/index.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { createProjector } from '../../src/projector/projector.js'
import { createReadModelQueries } from '../../src/projector/read-model-queries.js'
import { auditTrailReader } from '../../projections/audit-trail-sql.js'
import { seedCatalog } from '../../src/ledger/seed.js'
import { targetStreamPrefix, type TargetLedger } from '../../src/ledger/target-ledger.js'
import { craftCentre, projects, tourism, unemployment } from '../domain/fixtures/targets.js'
import { openSqliteDatabase } from '../../src/store/sqlite-database.js'
import { openTestLedger } from '../helpers/app.js'
import { writeHistory } from './fixtures/history.js'

const admin = { id: 'admin-1', role: 'admin' } as const
const auditor = { id: 'auditor-1', role: 'auditor' } as const
const agencyOf = (zone: string) => ({ id: `agency-${zone}`, role: 'agency', zones: [zone] }) as const

/** A ledger with a live projector and the queries over it; `write` answers once the write is readable. */
const setUp = async (t: Test, now: string) => {
  const testLedger = openTestLedger(t, { now })
  const { store, ledger } = testLedger
  const projector = createProjector({ store, db: store.db })
  await projector.start()
  t.teardown(() => projector.stop())
  const queries = createReadModelQueries({ db: store.db, ledger, today: ledger.today })
  const write = async (targetId: string, command: TargetCommand, actor: Parameters<TargetLedger['execute']>[2]['actor']) => {
    const result = await ledger.execute(targetId, command, { actor, correlationId: `${command.type}-${targetId}` })
    t.equal(await projector.waitFor(result.position, { timeoutMs: 2_000 }), true, `${command.type} applied`)
    return result
  }
  return { ...testLedger, projector, queries, write }
}

t.test('worked example: a zone of mixed kinds and weights, an overachiever and a cancelled target', async (t) => {
  const { queries, write, clock } = await setUp(t, '2023-07-15T02:00:00.000Z')
  const zone = { zoneId: 'lingshan-bay', chapter: 'culture-tourism' }
  const agency = agencyOf('lingshan-bay')
  const targets: TargetDefinition[] = [
    { ...projects, ...zone, id: 'a-projects', goal: 40, weight: 2 },
    { ...unemployment, ...zone, id: 'b-unemployment', chapter: 'livelihood' },
    { ...tourism, ...zone, id: 'c-tourists' },
    { ...craftCentre, ...zone, id: 'd-craft-centre' },
    { ...projects, ...zone, id: 'e-cancelled', goal: 100, weight: 3, chapter: 'green-development' },
  ]
  clock.set('2023-01-01T02:00:00.000Z')
  for (const definition of targets) await write(definition.id, { type: 'DefineTarget', data: definition }, admin)
  clock.set('2023-07-05T02:00:00.000Z')
  const reports: [string, { value: number } | { stage: string }][] = [
    ['a-projects', { value: 50 }],
    ['b-unemployment', { value: 5.2 }],
    ['c-tourists', { value: 5 }],
    ['d-craft-centre', { stage: 'design' }],
    ['e-cancelled', { value: 60 }],
  ]
  for (const [id, content] of reports) {
    await write(id, { type: 'ReportProgress', data: { reportId: `${id}-jun`, asOf: '2023-06-30', ...content } }, agency)
  }
  await write('a-projects', { type: 'AcceptReport', data: { reportId: 'a-projects-jun' } }, auditor)
  await write('c-tourists', { type: 'AcceptReport', data: { reportId: 'c-tourists-jun' } }, auditor)
  clock.set('2023-07-15T02:00:00.000Z')
  await write('e-cancelled', { type: 'CloseTarget', data: { outcome: 'cancelled', reason: 'merged into the district target' } }, admin)

  /** Linear pacing on 15 July 2023: 195 of 364 days. */
  const e = 195 / 364
  const { zones, asOf } = await queries.listZones()
  t.equal(asOf, '2023-07-15', 'today by default')
  t.equal(zones.length, 1, 'only zones with targets')
  const [lingshan] = zones

  t.test('completion: a 50/40 = 1.25 clamps to 1, the cancelled one is out: (2·1 + 1·1 + 1·0.25 + 1·0.25) / 5 = 0.7', async (t) => {
    t.equal(lingshan!.completion, 0.7)
    t.match(lingshan, { groupId: 'lingshan-bay', name: { zh: '灵山湾文化区' }, weight: 5, targets: 4, cancelled: 1, rank: 1 })
  })
  t.test('statuses: achieved (1.25), met (5.2 ≤ 5.5), behind (growth gap 1 − 0.25), lagging (gap e − 0.25 ≈ 0.286)', async (t) => {
    t.match(lingshan!.counts, { achieved: 1, met: 1, behind: 1, lagging: 1, on_track: 0, closed: 0 })
    t.equal(lingshan!.onTrackShare, 0.5, 'achieved and met: 2 of 4')
  })
  t.test('verified: accepted reports only: (2·1 + 1·1 [ceiling, no verified value: 0 ≤ 5.5] + 1·0.25 + 1·0) / 5 = 0.65', async (t) => {
    t.equal(lingshan!.verifiedCompletion, 0.65)
  })
  t.test('expected: (2e + e + 1 [growth] + e) / 5 with e = 195/364', async (t) => {
    t.equal(lingshan!.expected, (2 * e + e + 1 + e) / 5)
  })
  t.test('zone detail: the same rollup with its targets, the cancelled one listed as closed', async (t) => {
    const detail = await queries.zone('lingshan-bay')
    t.equal(detail!.zone.completion, 0.7)
    t.same(
      detail!.targets.map((target) => [target.id, target.status]),
      [
        ['a-projects', 'achieved'],
        ['b-unemployment', 'met'],
        ['c-tourists', 'behind'],
        ['d-craft-centre', 'lagging'],
        ['e-cancelled', 'closed'],
      ],
    )
    t.equal(await queries.zone('qingdao-etdz'), undefined, 'a zone without targets is not found')
  })
  t.test('by chapter: culture-tourism (2·1 + 1·0.25 + 1·0.25) / 4 = 0.625, livelihood 1, green-development only cancelled', async (t) => {
    const { chapters } = await queries.listChapters()
    t.same(
      chapters.map((chapter) => [chapter.rank, chapter.groupId, chapter.completion, chapter.cancelled]),
      [
        [1, 'livelihood', 1, 0],
        [2, 'culture-tourism', 0.625, 0],
        [3, 'green-development', null, 1],
      ],
    )
    t.match((await queries.chapter('livelihood'))!, { chapter: { name: { zh: '民生关切' } }, targets: [{ id: 'b-unemployment' }] })
  })
  t.test('zone timeline: month-ends, then today', async (t) => {
    const timeline = await queries.zoneTimeline('lingshan-bay')
    t.same(
      timeline!.points.map((point) => point.date),
      ['2023-01-31', '2023-02-28', '2023-03-31', '2023-04-30', '2023-05-31', '2023-06-30', '2023-07-15'],
    )
    // Before the reports only the ceiling counts (value 0 ≤ 5.5), the cancelled target is still open (w 3): 1 / 8.
    t.equal(timeline!.points[0]!.completion, 1 / 8)
    t.equal(timeline!.points[0]!.expected, (7 * (30 / 364) + 1) / 8, 'Jan 31: (2e + e + 1 + e + 3e) / 8 with e = 30/364')
    // 30 June: (2·1 + 1·1 + 1·0.25 + 1·0.25 + 3·0.6) / 8 = 5.3 / 8, the cancelled target still counting until 15 July.
    t.ok(Math.abs(timeline!.points[5]!.completion! - 5.3 / 8) < 1e-12)
    t.equal(timeline!.points[6]!.completion, 0.7)
    t.equal(await queries.zoneTimeline('nowhere'), undefined)
  })
})

t.test('scripted history: report, correction, rejection, acceptance and goal revision in both kinds of time', async (t) => {
  const { queries, write, clock, ledger, store } = await setUp(t, '2023-01-01T02:00:00.000Z')
  await seedCatalog(ledger, loadCatalog())
  const id = 'qingdao-etdz-projects-introduced'
  const agency = agencyOf('qingdao-etdz')
  const at = async (instant: string, command: TargetCommand, actor: Parameters<typeof write>[2]) => {
    clock.set(instant)
    await write(id, command, actor)
  }
  await at('2023-04-05T02:00:00.000Z', { type: 'ReportProgress', data: { reportId: 'r-mar', asOf: '2023-03-31', value: 9 } }, agency)
  await at('2023-07-05T02:00:00.000Z', { type: 'ReportProgress', data: { reportId: 'r-jun', asOf: '2023-06-30', value: 21 } }, agency)
  await at('2023-07-10T02:00:00.000Z', { type: 'CorrectReport', data: { reportId: 'r-jun', value: 18, reason: 'a project counted twice' } }, agency)
  await at('2023-07-12T02:00:00.000Z', { type: 'AcceptReport', data: { reportId: 'r-mar' } }, auditor)
  await at('2023-07-12T03:00:00.000Z', { type: 'RejectReport', data: { reportId: 'r-jun', reason: 'no contracts attached' } }, auditor)
  await at('2023-07-20T02:00:00.000Z', { type: 'ReportProgress', data: { reportId: 'r-jun-2', asOf: '2023-06-30', value: 19 } }, agency)
  await at('2023-07-25T02:00:00.000Z', { type: 'AcceptReport', data: { reportId: 'r-jun-2' } }, auditor)
  await at(
    '2023-08-01T02:00:00.000Z',
    { type: 'ReviseTarget', data: { changes: { goal: 45 }, effectiveFrom: '2023-07-01', reason: 'two zones merged', authority: 'district congress' } },
    { id: 'admin-1', role: 'admin' },
  )
  clock.set('2023-08-10T02:00:00.000Z')

  // [knownAt, asOf, reported value, verified value, goal in force]: the documented answer.
  const cases: [string | undefined, string, number, number, number][] = [
    // 1 June: only the March report is known, still pending.
    ['2023-06-01T00:00:00.000Z', '2023-03-31', 9, 0, 39],
    ['2023-06-01T00:00:00.000Z', '2023-06-30', 9, 0, 39],
    ['2023-06-01T00:00:00.000Z', '2023-07-31', 9, 0, 39],
    // 6 July: the June report (21) is known, pending.
    ['2023-07-06T00:00:00.000Z', '2023-03-31', 9, 0, 39],
    ['2023-07-06T00:00:00.000Z', '2023-06-30', 21, 0, 39],
    // 11 July: June corrected to 18.
    ['2023-07-11T00:00:00.000Z', '2023-06-30', 18, 0, 39],
    ['2023-07-11T00:00:00.000Z', '2023-07-31', 18, 0, 39],
    // 15 July: March accepted, June rejected: back to 9, now verified.
    ['2023-07-15T00:00:00.000Z', '2023-06-30', 9, 9, 39],
    // 22 July: a new June report (19), pending.
    ['2023-07-22T00:00:00.000Z', '2023-06-30', 19, 9, 39],
    // Now: 19 accepted, and the goal revised to 45 from 1 July (June keeps 39).
    [undefined, '2023-03-31', 9, 9, 39],
    [undefined, '2023-06-30', 19, 19, 39],
    [undefined, '2023-07-31', 19, 19, 45],
    // Known after the last event: answered from the rows, the same as now.
    ['2023-08-05T00:00:00.000Z', '2023-07-31', 19, 19, 45],
  ]
  for (const [knownAt, asOf, reportedValue, verifiedValue, goal] of cases) {
    const options = knownAt === undefined ? { asOf } : { asOf, knownAt }
    const target = await queries.target(id, options)
    t.match(
      target,
      {
        reported: { value: reportedValue, completion: reportedValue / goal },
        verified: { value: verifiedValue, completion: verifiedValue / goal },
        definition: { goal },
      },
      `known at ${knownAt ?? 'now'}, as of ${asOf}: reported ${reportedValue}/${goal}, verified ${verifiedValue}/${goal}`,
    )
    const { view } = await ledger.view(id, options)
    const { latestReport: _latest, reportCounts: _counts, revision: _revision, knownAt: echoed, position: _position, ...fromRows } = target!
    t.strictSame(fromRows, view, 'the same as the ledger folding the stream')
    t.equal(echoed, knownAt ?? null, 'the knownAt asked for is echoed, as lists do')
  }

  t.test('knownAt folds only the streams with events recorded after it', async (t) => {
    const loads: string[] = []
    const watched = createReadModelQueries({
      db: store.db,
      ledger: { load: (targetId, options) => (loads.push(targetId), ledger.load(targetId, options)) },
      today: ledger.today,
    })
    const zones = await watched.listZones({ knownAt: '2023-07-15T00:00:00.000Z' })
    t.same(loads, [id], 'one stream folded, 79 read from the rows')
    t.equal(zones.knownAt, '2023-07-15T00:00:00.000Z')
    loads.length = 0
    await watched.listTargets({ knownAt: '2023-08-05T00:00:00.000Z' })
    t.same(loads, [], 'nothing recorded since: everything from the rows')
    t.equal((await watched.listTargets({ knownAt: '2022-12-31T00:00:00.000Z' })).targets.length, 0, 'nothing was defined yet')
  })

  t.test('the target timeline: one point per effective date, with its reports, corrections and verdicts', async (t) => {
    const timeline = await queries.targetTimeline(id)
    t.same(
      timeline!.points.map((point) => [point.asOf, point.goal, point.reported.value, point.verified.value, point.reports.map((report) => report.reportId)]),
      [
        ['2023-03-31', 39, 9, 9, ['r-mar']],
        ['2023-06-30', 39, 19, 19, ['r-jun', 'r-jun-2']],
      ],
    )
    t.match(timeline!.points[1]!.reports[0], {
      value: 18,
      verification: 'rejected',
      corrections: [{ changes: { value: 18 }, reason: 'a project counted twice', by: { id: 'agency-qingdao-etdz' } }],
      verdict: { verdict: 'rejected', reason: 'no contracts attached', by: { id: 'auditor-1' } },
    })
    t.match(timeline!.revisions, [{ changes: { goal: 45 }, effectiveFrom: '2023-07-01' }])
    const then = await queries.targetTimeline(id, { knownAt: '2023-07-11T00:00:00.000Z' })
    t.same(then!.points.map((point) => [point.asOf, point.reported.value]), [['2023-03-31', 9], ['2023-06-30', 18]], 'as known on 11 July')
    t.equal(await queries.targetTimeline('no-such-target'), undefined)
  })

  t.test('the target history: every event with its actor, recorded time, reason and hash chain', async (t) => {
    const history = await queries.targetHistory(id)
    t.same(
      history!.events.map((event) => [event.revision, event.type, event.actor.id, event.reason]),
      [
        ['0', 'TargetDefined', 'seed-loader', null],
        ['1', 'ProgressReported', 'agency-qingdao-etdz', null],
        ['2', 'ProgressReported', 'agency-qingdao-etdz', null],
        ['3', 'ReportCorrected', 'agency-qingdao-etdz', 'a project counted twice'],
        ['4', 'ReportAccepted', 'auditor-1', null],
        ['5', 'ReportRejected', 'auditor-1', 'no contracts attached'],
        ['6', 'ProgressReported', 'agency-qingdao-etdz', null],
        ['7', 'ReportAccepted', 'auditor-1', null],
        ['8', 'TargetRevised', 'admin-1', 'two zones merged'],
      ],
    )
    t.equal(history!.events[0]!.prevHash, '0'.repeat(64))
    t.ok(history!.events.every((event, index) => index === 0 || event.prevHash === history!.events[index - 1]!.hash), 'each prevHash is the hash before it')
    t.match(history!.events[1], { recordedAt: '2023-04-05T02:00:00.000Z', data: { reportId: 'r-mar', value: 9 } })
    t.equal(history!.next, null, 'one page')
  })

  t.test('the history pages by position and filters by knownAt', async (t) => {
    const first = await queries.targetHistory(id, { limit: 4 })
    t.equal(first!.events.length, 4)
    const second = await queries.targetHistory(id, { after: BigInt(first!.next!), limit: 4 })
    t.same(second!.events.map((event) => event.revision), ['4', '5', '6', '7'])
    const known = await queries.targetHistory(id, { knownAt: '2023-07-11T00:00:00.000Z' })
    t.same(known!.events.map((event) => event.type).at(-1), 'ReportCorrected')
    t.equal(await queries.targetHistory('no-such-target'), undefined)
  })

  t.test('the global feed pages through every target event in position order', async (t) => {
    const seen: string[] = []
    for (let after = 0n; ; ) {
      const page = await queries.events({ after, limit: 25 })
      seen.push(...page.events.map((event) => event.position))
      if (page.next === null) break
      after = BigInt(page.next)
    }
    t.equal(seen.length, 80 + 8)
    t.same(seen, [...seen].sort((a, b) => Number(BigInt(a) - BigInt(b))))
  })
})

t.test('a knownAt page looks at a bounded window of the log: an early instant pages through empty windows, never the whole log at once', async (t) => {
  const { write, ledger, clock, store } = await setUp(t, '2023-07-15T02:00:00.000Z')
  await seedCatalog(ledger, loadCatalog())
  // Another writer's clock behind: events recorded before the seeds, appended after them.
  clock.set('2023-07-01T02:00:00.000Z')
  const id = 'qingdao-etdz-projects-introduced'
  for (const month of ['01', '02', '03']) {
    await write(id, { type: 'ReportProgress', data: { reportId: `r-${month}`, asOf: `2023-${month}-28`, value: Number(month) } }, agencyOf('qingdao-etdz'))
  }
  const reader = auditTrailReader(store.db, { scanWindow: 10 })
  const knownAt = '2023-07-02T00:00:00.000Z'
  const pages: { events: number; next: bigint | null }[] = []
  const kept: bigint[] = []
  for (let after: bigint | null = 0n; after !== null; ) {
    const { entries, next } = reader.entries({ after, limit: 2, knownAt })
    pages.push({ events: entries.length, next })
    kept.push(...entries.map((entry) => entry.position))
    t.ok(pages.length < 100, 'the paging ends')
    after = next
  }
  const seeds = loadCatalog().length
  t.same(kept, [seeds + 1, seeds + 2, seeds + 3].map(BigInt), 'exactly the events recorded by then, in log order')
  t.same(pages[0], { events: 0, next: 10n }, 'the first window holds none of them: an empty page that goes on')
  t.equal(pages.at(-1)!.next, null, 'null only at the end of the log')
  t.same(reader.entries({ after: 0n, limit: 2 }), { entries: reader.entries({ after: 0n, limit: 2 }).entries, next: 2n }, 'without knownAt a page fills as before')
  const last = reader.streamEntries(targetStreamPrefix + id, { after: 0n, limit: 5, knownAt })
  t.same(last.entries.map((entry) => entry.type), ['ProgressReported', 'ProgressReported', 'ProgressReported'], 'a stream keeps the same events')
})

t.test('a write is readable as soon as waitFor resolves for its position', async (t) => {
  const { queries, write, ledger } = await setUp(t, '2023-07-15T02:00:00.000Z')
  await seedCatalog(ledger, loadCatalog())
  const id = 'qingdao-etdz-projects-introduced'
  await write(id, { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-07-14', value: 20 } }, agencyOf('qingdao-etdz'))
  t.match(await queries.target(id), { reported: { value: 20, reportId: 'r1' }, latestReport: { reportId: 'r1' }, reportCounts: { total: 1, pending: 1 } })
  t.match(await queries.listTargets({ zone: 'qingdao-etdz', kind: 'reach', status: 'on_track' }), { targets: [{ id }] })
})

t.test('repeated reads of a day reuse its deciding reports until the target moves, never a stale answer', async (t) => {
  const { queries, write, ledger } = await setUp(t, '2023-07-15T02:00:00.000Z')
  await seedCatalog(ledger, loadCatalog())
  const id = 'qingdao-etdz-projects-introduced'
  const agency = agencyOf('qingdao-etdz')
  const reported = async (asOf?: string) => (await queries.listTargets({ zone: 'qingdao-etdz', ...(asOf ? { asOf } : {}) })).targets.find((target) => target.id === id)?.reported
  await write(id, { type: 'ReportProgress', data: { reportId: 'r1', asOf: '2023-06-30', value: 20 } }, agency)
  t.match(await reported(), { value: 20, reportId: 'r1' })
  t.match(await reported(), { value: 20, reportId: 'r1' }, 'asked again: the same answer')
  await write(id, { type: 'CorrectReport', data: { reportId: 'r1', value: 25, reason: 'recount' } }, agency)
  t.match(await reported(), { value: 25, reportId: 'r1' }, 'a correction keeps the report id and position order, and shows')
  t.match(await reported('2023-05-31'), { value: 0, reportId: null }, 'another day: nothing reported by then')
  t.match(await reported(), { value: 25 }, 'and back to today')
  await write(id, { type: 'RejectReport', data: { reportId: 'r1', reason: 'no evidence' } }, { id: 'auditor-1', role: 'auditor' })
  t.match(await reported(), { value: 0, reportId: null }, 'a rejection takes the report out')
  await write(id, { type: 'ReportProgress', data: { reportId: 'r2', asOf: '2023-07-10', value: 30 } }, agency)
  t.match(await reported(), { value: 30, reportId: 'r2' })
})

t.test('list filters: zone, chapter, kind and status', async (t) => {
  const { queries, ledger, store, projector } = await setUp(t, '2023-07-15T02:00:00.000Z')
  const catalog = loadCatalog()
  await seedCatalog(ledger, catalog)
  t.equal(await projector.waitFor(await store.headPosition()), true)
  const count = async (filter: Parameters<typeof queries.listTargets>[0]) => (await queries.listTargets(filter)).targets.length
  t.equal(await count({}), catalog.length)
  t.equal(await count({ zone: 'district' }), catalog.filter((d) => d.zoneId === 'district').length)
  t.equal(await count({ chapter: 'livelihood' }), catalog.filter((d) => d.chapter === 'livelihood').length)
  t.equal(await count({ kind: 'milestone' }), catalog.filter((d) => d.kind === 'milestone').length)
  t.equal(await count({ status: 'met' }), catalog.filter((d) => d.kind === 'ceiling').length, 'no report yet: a ceiling counts 0, within its limit')
  t.equal(await count({ zone: 'district', kind: 'growth' }), 1)
})

t.test('over a long generated history, every answer from the rows equals the ledger folding the streams', async (t) => {
  const { store, ledger } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(store, { events: 6_000, seed: 7 })
  const projector = createProjector({ store, db: store.db })
  await projector.rebuild()
  const queries = createReadModelQueries({ db: store.db, ledger, today: ledger.today })
  const strip = ({ latestReport: _l, reportCounts: _c, revision: _r, knownAt: _k, position: _p, ...view }: Record<string, unknown>) => view
  // Every target in definition order, each folded from its own stream (a target not yet defined at knownAt is left out).
  const targetIds: string[] = []
  for await (const stored of store.readAll()) {
    if (stored.revision === 0n && stored.streamId.startsWith(targetStreamPrefix)) targetIds.push(stored.streamId.slice(targetStreamPrefix.length))
  }
  for (const knownAt of [undefined, '2023-05-01T00:00:00.000Z', '2023-10-01T00:00:00.000Z']) {
    for (const asOf of ['2023-02-15', '2023-06-30', '2023-11-30', '2024-01-10']) {
      const options = knownAt === undefined ? { asOf } : { asOf, knownAt }
      const { targets } = await queries.listTargets(options)
      const folded = (
        await Promise.all(targetIds.map((id) => ledger.view(id, options).then(({ view }) => [view], () => [])))
      ).flat()
      t.strictSame(targets.map(strip), folded.map(({ reports: _reports, ...view }) => view), `as of ${asOf}, known at ${knownAt ?? 'now'}`)
    }
  }
  const busiest = (await queries.listTargets()).targets.reduce((a, b) => (b.reportCounts.total > a.reportCounts.total ? b : a))
  const { view } = await ledger.view(busiest.id, { asOf: '2023-09-30' })
  t.strictSame(strip((await queries.target(busiest.id, { asOf: '2023-09-30' })) as never), view, 'a target’s detail lists its reports as the ledger does')
})

t.test('read models in a file of their own (the EventStoreDB layout) answer as those beside the log', async (t) => {
  const { store, ledger, dir } = openTestLedger(t, { now: '2024-01-10T02:00:00.000Z' })
  await writeHistory(store, { events: 2_000, seed: 3 })
  // Beside the log the audit trail is a view over it; in a file of its own, a copy of every event.
  const own = openSqliteDatabase(`${dir}/read-models.db`)
  t.teardown(() => own.close())
  for (const db of [store.db, own]) await createProjector({ store, db }).rebuild()
  const beside = createReadModelQueries({ db: store.db, ledger, today: ledger.today })
  const apart = createReadModelQueries({ db: own, ledger, today: ledger.today })
  const objectType = (db: typeof own) => db.prepare("SELECT type FROM sqlite_master WHERE name = 'audit_trail'").pluck().get()
  t.same([objectType(store.db), objectType(own)], ['view', 'table'])

  const ask = async (queries: typeof beside) => {
    const { targets } = await queries.listTargets()
    const busiest = targets.reduce((a, b) => (b.reportCounts.total > a.reportCounts.total ? b : a)).id
    const firstPage = await queries.targetHistory(busiest, { limit: 7 })
    return {
      zones: await queries.listZones({ asOf: '2023-09-30' }),
      targets,
      firstPage,
      secondPage: await queries.targetHistory(busiest, { after: BigInt(firstPage!.next!), limit: 7 }),
      knownEarly: await queries.targetHistory(busiest, { knownAt: '2023-03-01T00:00:00+08:00' }),
      feed: await queries.events({ after: 500n, limit: 50 }),
      feedKnown: await queries.events({ limit: 50, knownAt: '2023-02-01T00:00:00.000Z' }),
    }
  }
  const answers = await ask(beside)
  t.ok(answers.firstPage!.events.length === 7 && answers.feed.events.length === 50 && answers.feedKnown.events.length > 0, 'the questions have answers')
  t.strictSame(await ask(apart), answers)
})
