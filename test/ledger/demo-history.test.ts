import t from 'tap'
import { daysBetween, endOfMonth } from '../../domain/calendar.js'
import type { TargetCommand } from '../../domain/commands.js'
import { loadCatalog } from '../../seeds/catalog-loader.js'
import { readDemoPrincipals } from '../../src/http/principals.js'
import { defaultDemoSeed, generateDemoHistory, type DemoStep } from '../../src/ledger/demo-history.js'
import { DemoHistoryConflict, loadDemoHistory } from '../../src/ledger/demo-loader.js'
import { verifyLedger } from '../../src/ledger/ledger-verification.js'
import { seedActor, seedCatalog } from '../../src/ledger/seed.js'
import type { EventStore } from '../../src/store/event-store.js'
import { openTestLedger } from '../helpers/app.js'

const catalog = loadCatalog()
const history = generateDemoHistory(catalog)
const definitionOf = new Map(catalog.map((definition) => [definition.id, definition]))

type Data<T extends TargetCommand['type']> = Extract<TargetCommand, { type: T }>['data']
const commandsOf = <T extends TargetCommand['type']>(steps: readonly DemoStep[], type: T) =>
  steps.flatMap((step) => (step.command.type === type ? [{ ...step, data: step.command.data as Data<T> }] : []))

/** The day a step happens, in Beijing. */
const beijingDay = (at: string): string => new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10)

const onlyTargets = (steps: readonly DemoStep[], ids: readonly string[]) => steps.filter((step) => ids.includes(step.targetId))

const readLog = async (store: EventStore) => {
  const events = []
  for await (const event of store.readAll()) events.push(event)
  return events
}

const eventTypeOf: Record<TargetCommand['type'], string> = {
  DefineTarget: 'TargetDefined',
  ReportProgress: 'ProgressReported',
  CorrectReport: 'ReportCorrected',
  AcceptReport: 'ReportAccepted',
  RejectReport: 'ReportRejected',
  ReviseTarget: 'TargetRevised',
  CloseTarget: 'TargetClosed',
}

t.test('the same seed gives the same history; another seed another', async (t) => {
  t.same(generateDemoHistory(catalog, { seed: defaultDemoSeed }), history)
  const other = generateDemoHistory(catalog, { seed: 7 })
  const values = (steps: readonly DemoStep[]) => commandsOf(steps, 'ReportProgress').map((report) => report.data.value ?? report.data.stage)
  t.notSame(values(other), values(history))
})

t.test('a seed that is not a 32-bit unsigned integer is refused', async (t) => {
  t.throws(() => generateDemoHistory(catalog, { seed: -1 }), RangeError)
  t.throws(() => generateDemoHistory(catalog, { seed: 1.5 }), RangeError)
})

t.test('every target is defined first and then gets reports from the agency of its zone', async (t) => {
  for (const definition of catalog) {
    const steps = history.filter((step) => step.targetId === definition.id)
    t.equal(steps[0]?.command.type, 'DefineTarget', `${definition.id} is defined first`)
    const reports = commandsOf(steps, 'ReportProgress')
    t.ok(reports.length >= 1, `${definition.id} gets reports`)
    t.ok(
      reports.every((report) => report.actor.id === `agency-${definition.zoneId}` && report.actor.zones?.includes(definition.zoneId)),
      `${definition.id} is reported by its zone's agency`,
    )
  }
  const monthly = catalog.filter((d) => d.kind !== 'milestone' && !history.some((s) => s.targetId === d.id && s.command.type === 'CloseTarget'))
  t.ok(
    monthly.every((d) => commandsOf(history, 'ReportProgress').filter((r) => r.targetId === d.id).length === 12),
    'open reach, growth and ceiling targets are reported every month',
  )
})

t.test('reports are posted after the day they report on, most a few days after the month ends', async (t) => {
  const reports = commandsOf(history, 'ReportProgress')
  t.ok(reports.every((report) => daysBetween(report.data.asOf, beijingDay(report.at)) >= 1), 'never on or before asOf')
  const monthly = reports.filter((report) => report.data.asOf === endOfMonth(report.data.asOf))
  const prompt = monthly.filter((report) => daysBetween(report.data.asOf, beijingDay(report.at)) <= 10)
  t.ok(prompt.length / monthly.length > 0.95, 'almost all within ten days of the month end')
  t.ok(history.every((step, i) => i === 0 || step.at >= history[i - 1]!.at), 'steps are in recorded order')
  t.ok(history[0]!.at >= '2023-01-01' && history[history.length - 1]!.at < '2024-03-01', 'all recorded in 2023 or early 2024')
})

t.test('the year has the variety a demo needs', async (t) => {
  const reports = commandsOf(history, 'ReportProgress')
  const late = reports.filter((r) => definitionOf.get(r.targetId)!.kind !== 'milestone' && daysBetween(r.data.asOf, beijingDay(r.at)) > 10)
  t.ok(late.length >= 3, 'some reports are late')
  t.ok(late.every((r) => r.data.note?.includes('迟报')), 'late reports say why')

  // Loading proves the domain's rule (a decrease needs a reason); here: the history has such decreases.
  const decreases = reports.filter((report) => {
    const earlier = reports.filter((r) => r.targetId === report.targetId && r.at < report.at)
    const previous = earlier[earlier.length - 1]?.data.value
    return previous !== undefined && report.data.value !== undefined && report.data.value < previous && report.data.reason !== undefined
  })
  t.ok(decreases.some((r) => definitionOf.get(r.targetId)!.kind === 'reach'), 'a cumulative value goes down, with a reason')

  const corrections = commandsOf(history, 'CorrectReport')
  t.ok(corrections.some((c) => c.actor.role === 'agency'), 'agencies correct reports')
  t.ok(corrections.every((c) => c.data.reason.length > 0), 'corrections say why')
  t.ok(commandsOf(history, 'AcceptReport').length > 100, 'reports are accepted')
  const rejected = commandsOf(history, 'RejectReport')
  t.ok(rejected.length >= 1 && rejected.every((r) => r.data.reason.length > 0), 'reports are rejected, with reasons')
  t.same(new Set([...commandsOf(history, 'AcceptReport'), ...rejected].map((v) => v.actor.id)), new Set(['auditor-a', 'auditor-b']), 'both auditors judge')

  const revisions = commandsOf(history, 'ReviseTarget')
  t.equal(revisions.length, 1, 'one goal revision')
  t.match(revisions[0], { actor: { id: 'admin', role: 'admin' }, data: { changes: { goal: Number }, reason: /\S/, authority: /\S/ } })
  const closures = commandsOf(history, 'CloseTarget')
  t.same(closures.map((c) => c.data.outcome).sort(), ['achieved', 'cancelled'], 'one target cancelled, one closed as achieved')
  t.ok(closures.every((c) => c.actor.id === 'admin'), 'closed by the admin')

  const ceiling = catalog.find((d) => d.kind === 'ceiling')!
  const over = reports.filter((r) => r.targetId === ceiling.id && r.data.value! > (ceiling.kind === 'ceiling' ? ceiling.limit : 0))
  t.equal(over.length, 1, 'the ceiling is breached once')
})

t.test('the actors are demo principals with the roles and zones they act with', async (t) => {
  const principals = new Map(readDemoPrincipals().map((p) => [p.id, p]))
  for (const actor of new Map(history.map((step) => [step.actor.id, step.actor])).values()) {
    if (actor.id === seedActor.id) continue
    const principal = principals.get(actor.id)
    t.ok(principal, `${actor.id} is a demo principal`)
    t.equal(principal?.role, actor.role, `${actor.id} is ${actor.role}`)
    t.same(principal?.zones, actor.zones, `${actor.id} has its zones`)
  }
})

t.test('loaded through the ledger', async (t) => {
  const { store, ledger } = openTestLedger(t)
  const result = await loadDemoHistory(store, history)
  const log = await readLog(store)

  t.test('every command is accepted and appends one event, in the history order', async (t) => {
    t.same(result, { executed: history.length, present: 0, appended: history.length, seededBefore: 0 })
    t.equal(log.length, history.length)
    t.same(
      log.map((event) => [event.streamId, event.type, (event.metadata as { recordedAt: string }).recordedAt]),
      history.map((step) => [`target-${step.targetId}`, eventTypeOf[step.command.type], step.at]),
    )
  })

  t.test('every event is marked synthetic', async (t) => {
    t.ok(log.every((event) => (event.metadata as { synthetic?: unknown }).synthetic === true))
  })

  t.test('every hash chain verifies', async (t) => {
    t.match(await verifyLedger(store), { ok: true, streams: catalog.length, events: history.length })
  })

  t.test('the targets end the year as the history says', async (t) => {
    const closures = commandsOf(history, 'CloseTarget')
    for (const closure of closures) {
      t.match((await ledger.view(closure.targetId, { asOf: '2023-12-31' })).view, { closed: true, outcome: closure.data.outcome }, `${closure.targetId} is ${closure.data.outcome}`)
    }
    const revised = commandsOf(history, 'ReviseTarget')[0]!
    const original = definitionOf.get(revised.targetId)!
    t.match((await ledger.view(revised.targetId, { asOf: '2023-06-30' })).view.definition, { goal: original.kind === 'reach' ? original.goal : NaN }, 'June keeps the old goal')
    t.match((await ledger.view(revised.targetId, { asOf: '2023-12-31' })).view.definition, { goal: revised.data.changes.goal }, 'December has the new one')
  })

  t.test('loading it again appends nothing', async (t) => {
    const head = await store.headPosition()
    t.same(await loadDemoHistory(store, history), { executed: 0, present: history.length, appended: 0, seededBefore: 0 })
    t.equal(await store.headPosition(), head)
  })
})


// A few targets' history is a history too: the tests below load only these, to stay fast.
const closedIds = commandsOf(history, 'CloseTarget').map((c) => c.targetId)
const revisedId = commandsOf(history, 'ReviseTarget')[0]!.targetId
const few = onlyTargets(history, [...closedIds, revisedId, 'surveyed-unemployment-rate'])

t.test('the same history loaded into two stores writes the same events, ids and hashes included', async (t) => {
  const load = async () => {
    const { store } = openTestLedger(t)
    await loadDemoHistory(store, few)
    return (await readLog(store)).map(({ id, position, streamId, revision, type, data, metadata }) => ({ id, position, streamId, revision, type, data, metadata }))
  }
  const [first, second] = [await load(), await load()]
  t.equal(first.length, few.length)
  t.same(second, first)
})

t.test('an interrupted load resumes where it stopped', async (t) => {
  const { store } = openTestLedger(t)
  const half = Math.floor(few.length / 2)
  await loadDemoHistory(store, few.slice(0, half))
  t.match(await loadDemoHistory(store, few), { executed: few.length - half, present: half })
  t.match(await verifyLedger(store), { ok: true, events: few.length })
})

t.test('targets seeded before the demo keep their definitions and get the rest', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const head = await store.headPosition()
  const result = await loadDemoHistory(store, few)
  const definedIn = new Set(few.map((step) => step.targetId)).size
  t.same(result, { executed: few.length - definedIn, present: definedIn, appended: few.length - definedIn, seededBefore: definedIn })
  t.equal(await store.headPosition(), head + BigInt(few.length - definedIn))
})

t.test('a store with other events is refused before anything is appended', async (t) => {
  const { store, ledger } = openTestLedger(t)
  await seedCatalog(ledger, catalog)
  const agency = { id: 'agency-district', role: 'agency', zones: ['district'] } as const
  await ledger.execute('surveyed-unemployment-rate', { type: 'ReportProgress', data: { reportId: 'real-1', asOf: '2023-06-30', value: 5.1 } }, { actor: agency, correlationId: 'real' })
  const head = await store.headPosition()
  await t.rejects(loadDemoHistory(store, few), DemoHistoryConflict)
  await t.rejects(loadDemoHistory(store, few), { code: 'DEMO.CONFLICT', count: 1, first: { type: 'ProgressReported', actorId: 'agency-district' } })
  t.equal(await store.headPosition(), head, 'nothing appended')
})

t.test('a demo of another seed is refused', async (t) => {
  const { store } = openTestLedger(t)
  await loadDemoHistory(store, few)
  const other = onlyTargets(generateDemoHistory(catalog, { seed: 7 }), ['surveyed-unemployment-rate'])
  await t.rejects(loadDemoHistory(store, other), DemoHistoryConflict)
})

t.test('once the demo is loaded, later events do not stop a reload', async (t) => {
  const { store, ledger, clock } = openTestLedger(t)
  await loadDemoHistory(store, few)
  clock.set('2024-03-01T02:00:00.000Z')
  const agency = { id: 'agency-district', role: 'agency', zones: ['district'] } as const
  await ledger.execute('surveyed-unemployment-rate', { type: 'CorrectReport', data: { reportId: commandsOf(few, 'ReportProgress').find((r) => r.targetId === 'surveyed-unemployment-rate')!.data.reportId, note: 'checked', reason: 'demo visitor' } }, { actor: agency, correlationId: 'visitor' })
  t.match(await loadDemoHistory(store, few), { executed: 0, appended: 0 })
})
