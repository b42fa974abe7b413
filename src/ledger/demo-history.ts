// A made-up year of progress for the catalog's targets (`target-ledger demo`): commands, who gives each
// and when it is recorded. Pure and deterministic: the same catalog and seed give the same steps.
import { addDays, compareDates, daysBetween, endOfMonth } from '../../domain/calendar.js'
import type { TargetCommand } from '../../domain/commands.js'
import { decide, evolve, initialState } from '../../domain/decider.js'
import { isDomainError } from '../../domain/errors.js'
import type { Evidence } from '../../domain/events.js'
import { reportingDeadlineDay } from '../../domain/overdue.js'
import type { TargetState } from '../../domain/state.js'
import type { Actor, DefinitionOf, Instant, IsoDate, TargetDefinition } from '../../domain/target.js'
import { deterministicEventId } from './event-ids.js'
import { seedActor } from './seed.js'

/** One command of the demo history, as the loader runs it through the ledger. */
export interface DemoStep {
  /** When it happens: the loader moves the ledger's clock here, so this becomes the events' `recordedAt`. */
  at: Instant
  targetId: string
  actor: Actor
  command: TargetCommand
  /** Shared by the reports one agency posts in one sitting, and by one report's audit follow-ups. */
  correlationId: string
  /** Unique per actor and target; makes the event ids deterministic. Definitions use the seed loader's key. */
  idempotencyKey: string
}

export const defaultDemoSeed = 2023

/** Seeds are 32-bit unsigned integers. */
export const isDemoSeed = (seed: number): boolean => Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff

export interface DemoHistoryOptions {
  /** Default `defaultDemoSeed`. */
  seed?: number
}

// The demo principals (seeds/principals.demo.json) the history is written by.
export const demoAdmin: Actor = { id: 'admin', role: 'admin' }
export const demoAuditors: readonly [Actor, Actor] = [
  { id: 'auditor-a', role: 'auditor' },
  { id: 'auditor-b', role: 'auditor' },
]
export const demoAgencyFor = (zoneId: string): Actor => ({ id: `agency-${zoneId}`, role: 'agency', zones: [zoneId] })

/** The catalog is defined before the first monthly report (January's, posted in February). */
const definedOn: IsoDate = '2023-01-16'

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, one generator per purpose and target, so a target's history does not
// change when another target is added to the catalog.

interface Random {
  /** [0, 1) */
  next(): number
  between(min: number, max: number): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** Standard normal. */
  normal(): number
}

const hashString = (text: string): number => {
  let hash = 0x811c9dc5
  for (const char of text) {
    hash ^= char.codePointAt(0)!
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

const createRandom = (key: string): Random => {
  let a = hashString(key)
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    between: (min, max) => min + next() * (max - min),
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)]!,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  }
}

// ---------------------------------------------------------------------------------------------
// Time: Beijing office hours on working days. Times are kept as epoch milliseconds until the end.

type Moment = number

const beijingOffsetMs = 8 * 3_600_000

/** `minuteOfDay` past midnight in Beijing on `date`. */
const moment = (date: IsoDate, minuteOfDay: number): Moment => Date.parse(`${date}T00:00:00Z`) - beijingOffsetMs + minuteOfDay * 60_000

const beijingDate = (at: Moment): IsoDate => new Date(at + beijingOffsetMs).toISOString().slice(0, 10)

const days = (from: IsoDate, to: IsoDate): IsoDate[] => {
  const list: IsoDate[] = []
  for (let day = from; compareDates(day, to) <= 0; day = addDays(day, 1)) list.push(day)
  return list
}

/** Public holidays of 2023 and early 2024 (State Council schedule). */
const holidays = new Set([
  ...days('2023-01-01', '2023-01-02'),
  ...days('2023-01-21', '2023-01-27'),
  '2023-04-05',
  ...days('2023-04-29', '2023-05-03'),
  ...days('2023-06-22', '2023-06-24'),
  ...days('2023-09-29', '2023-10-06'),
  ...days('2023-12-30', '2024-01-01'),
  ...days('2024-02-10', '2024-02-17'),
])

/** Weekends worked in exchange (调休). */
const makeUpWorkdays = new Set(['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08', '2024-02-04', '2024-02-18'])

const isWorkday = (date: IsoDate): boolean => {
  if (makeUpWorkdays.has(date)) return true
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday !== 0 && weekday !== 6 && !holidays.has(date)
}

const workdayOnOrAfter = (date: IsoDate): IsoDate => {
  let day = date
  while (!isWorkday(day)) day = addDays(day, 1)
  return day
}

/**
 * The day an agency posts `month`'s reports: a working day from the 2nd to the 5th of the next
 * month (the reporting deadline), or the first one after it when holidays leave none.
 */
const sittingDay = (random: Random, month: number): IsoDate => {
  const end = monthEnd(month)
  const preferred = workdayOnOrAfter(addDays(end, random.int(2, reportingDeadlineDay)))
  if (daysBetween(end, preferred) <= reportingDeadlineDay) return preferred
  for (let day = addDays(end, reportingDeadlineDay); daysBetween(end, day) >= 2; day = addDays(day, -1)) if (isWorkday(day)) return day
  return preferred
}

/** A time in office hours (09:00–17:30) on the first working day at least `minDays`..`maxDays` after `after`. */
const officeTimeAfter = (random: Random, after: Moment, minDays: number, maxDays: number): Moment =>
  moment(workdayOnOrAfter(addDays(beijingDate(after), random.int(minDays, maxDays))), random.int(9 * 60, 17 * 60 + 30))

/** `2023-03` for 3: the demo year is the report's. */
const monthLabel = (month: number): string => `2023-${String(month).padStart(2, '0')}`
const monthEnd = (month: number): IsoDate => endOfMonth(`${monthLabel(month)}-01`)
const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const monthName = (month: number): string => monthNames[month - 1]!

// ---------------------------------------------------------------------------------------------
// The plan: which targets get the year's unusual events, chosen once for the whole catalog.

/** Unusual months of one target; at most one per month, two months apart at least. */
type MonthCase = 'late' | 'typo' | 'inflated' | 'recount'

interface Plan {
  /** Reaches its goal in `month`, and is closed as achieved once that report is accepted. */
  closedAchieved: { targetId: string; month: number } | undefined
  /** Ahead of schedule at mid-year: the goal is raised by a revision effective 1 July. */
  revised: string | undefined
  /** Cancelled by the admin in `month`. */
  cancelled: { targetId: string; month: number } | undefined
  /** The one ceiling breach of the year. */
  breach: { targetId: string; month: number } | undefined
  cases: Map<string, Map<number, MonthCase>>
}

/** Decimal places of a value in `unit`: counts are whole, amounts in 万/亿 units are not. */
const decimalsOf = (definition: TargetDefinition): number => {
  if (definition.unit === '%') return 1
  if (['个', '家', '处', '辆', '部', '场', '人', '亩', '位次'].includes(definition.unit)) return 0
  const size = definition.kind === 'ceiling' ? definition.limit : definition.kind === 'milestone' ? 1 : definition.goal
  return size < 10 ? 2 : size < 1000 ? 1 : 0
}

const roundTo = (value: number, decimals: number): number => {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

/** The goal in the unit's smallest step, e.g. 7 万人 at 0.01 → 700. */
const goalSteps = (definition: DefinitionOf<'reach'>): number => definition.goal * 10 ** decimalsOf(definition)

const choose = <T>(random: Random, items: readonly T[]): T | undefined => (items.length === 0 ? undefined : random.pick(items))

const makePlan = (catalog: readonly TargetDefinition[], seed: number): Plan => {
  const random = createRandom(`${seed}/plan`)
  const reach = catalog.filter((d): d is DefinitionOf<'reach'> => d.kind === 'reach')
  const closer = choose(random, reach.filter((d) => goalSteps(d) >= 10))
  const closedAchieved = closer === undefined ? undefined : { targetId: closer.id, month: random.int(8, 10) }
  const milestones = catalog.filter((d) => d.kind === 'milestone' && d.stages.length >= 2)
  const cancelledTarget = choose(random, milestones) ?? choose(random, reach.filter((d) => d.id !== closer?.id))
  const cancelled = cancelledTarget === undefined ? undefined : { targetId: cancelledTarget.id, month: random.int(7, 9) }
  const special = new Set([closedAchieved?.targetId, cancelled?.targetId])
  const revised = choose(random, reach.filter((d) => !special.has(d.id) && goalSteps(d) >= 10))?.id
  const ceiling = catalog.find((d) => d.kind === 'ceiling')
  const breach = ceiling === undefined ? undefined : { targetId: ceiling.id, month: random.int(6, 8) }

  const cases = new Map<string, Map<number, MonthCase>>()
  const place = (kind: MonthCase, count: number, candidates: readonly TargetDefinition[], months: [number, number]) => {
    for (let placed = 0, tries = 0; placed < count && tries < 200 && candidates.length > 0; tries++) {
      const target = random.pick(candidates)
      const month = random.int(...months)
      const taken = cases.get(target.id) ?? new Map<number, MonthCase>()
      if ([...taken.keys()].some((other) => Math.abs(other - month) < 2)) continue
      taken.set(month, kind)
      cases.set(target.id, taken)
      placed++
    }
  }
  const ordinary = reach.filter((d) => !special.has(d.id))
  place('recount', 3, ordinary.filter((d) => goalSteps(d) >= 20), [6, 11])
  place('inflated', 5, ordinary.filter((d) => goalSteps(d) >= 10), [2, 11])
  place('typo', 3, ordinary, [2, 11])
  place('late', 6, catalog.filter((d) => d.kind !== 'milestone' && !special.has(d.id)), [1, 11])
  return { closedAchieved, revised, cancelled, breach, cases }
}

// ---------------------------------------------------------------------------------------------
// One target's year, drafted as steps, then checked against the domain in time order.

interface Draft {
  at: Moment
  actor: Actor
  command: TargetCommand
  correlationId: string
  idempotencyKey: string
}

interface TargetContext {
  seed: number
  definition: TargetDefinition
  plan: Plan
  random: Random
  agency: Actor
  /** The auditor who reviews this target's reports first; the other one takes a second look. */
  auditor: Actor
  otherAuditor: Actor
  /** When the agency's sitting for `month`'s reports starts, and this target's turn in it. */
  sittingAt: (month: number) => Moment
  drafts: Draft[]
}

const key = (ctx: TargetContext, what: string): string => `demo-${ctx.seed}/${what}`

const reportIdFor = (ctx: TargetContext, label: string): string =>
  deterministicEventId(`demo-report/${ctx.seed}`, `${ctx.definition.id}/${label}`, 0)

/** As a person writes it: 0.69, 1, 12.5. */
const format = (value: number, decimals: number): string => String(roundTo(value, decimals))

interface ReportPlan {
  label: string
  /** The month whose sitting posts the report. */
  month: number
  at: Moment
  late: boolean
  data: Extract<TargetCommand, { type: 'ReportProgress' }>['data']
  /** What happens after posting. */
  follow: 'review' | 'typo' | 'inflated' | 'accept'
  /** typo / inflated: the value the report should have carried. */
  trueValue?: number
}

const acceptComments = ['核对台账及佐证材料,数据属实 / checked against the records and evidence', '抽查项目现场,数据属实 / sites sampled, figure confirmed']

/** Posts the report, then its audit: a verdict, or a correction and a verdict, or a rejection and its follow-up. */
const draftReport = (ctx: TargetContext, report: ReportPlan): void => {
  const { random, definition, agency } = ctx
  const caseId = key(ctx, `${definition.id}/${report.label}`)
  const sitting = `${agency.id}/${monthLabel(report.month)}${report.late ? '/late' : ''}`
  ctx.drafts.push({
    at: report.at,
    actor: agency,
    command: { type: 'ReportProgress', data: report.data },
    correlationId: key(ctx, sitting),
    idempotencyKey: key(ctx, `report/${report.label}`),
  })
  const { reportId } = report.data
  const unit = definition.unit
  const decimals = decimalsOf(definition)
  let reviewAfter = report.at
  if (report.follow === 'typo') {
    const at = officeTimeAfter(random, report.at, 1, 2)
    const typo = format(report.data.value!, decimals)
    const value = format(report.trueValue!, decimals)
    ctx.drafts.push({
      at,
      actor: agency,
      command: { type: 'CorrectReport', data: { reportId, value: report.trueValue!, reason: `录入错误,${typo}应为${value} / data-entry error: ${typo} should read ${value}` } },
      correlationId: caseId,
      idempotencyKey: key(ctx, `correction/${report.label}`),
    })
    reviewAfter = at
  }
  if (report.follow === 'inflated') {
    const extra = format(report.data.value! - report.trueValue!, decimals)
    const rejectedAt = officeTimeAfter(random, report.at, 4, 10)
    ctx.drafts.push({
      at: rejectedAt,
      actor: ctx.auditor,
      command: {
        type: 'RejectReport',
        data: { reportId, reason: `其中${extra}${unit}缺少佐证材料,不予认定 / ${extra} ${unit} lack supporting evidence; not recognised` },
      },
      correlationId: caseId,
      idempotencyKey: key(ctx, `verdict/${report.label}`),
    })
    if (!random.chance(0.7)) return
    const correctedAt = officeTimeAfter(random, rejectedAt, 1, 4)
    ctx.drafts.push({
      at: correctedAt,
      actor: agency,
      command: {
        type: 'CorrectReport',
        data: { reportId, value: report.trueValue!, reason: `按审计意见核减${extra}${unit} / reduced by ${extra} ${unit} as the audit found` },
      },
      correlationId: caseId,
      idempotencyKey: key(ctx, `correction/${report.label}`),
    })
    ctx.drafts.push({
      at: officeTimeAfter(random, correctedAt, 2, 7),
      actor: ctx.otherAuditor,
      command: { type: 'AcceptReport', data: { reportId, comment: '更正后数据与台账一致 / the corrected figure matches the records' } },
      correlationId: caseId,
      idempotencyKey: key(ctx, `re-verdict/${report.label}`),
    })
    return
  }
  // The audit bureau samples: about three reports in four get a verdict, the rest stay pending.
  if (report.follow !== 'accept' && !random.chance(0.75)) return
  const comment = random.chance(0.4) ? random.pick(acceptComments) : undefined
  ctx.drafts.push({
    at: officeTimeAfter(random, reviewAfter, 3, 14),
    actor: ctx.auditor,
    command: { type: 'AcceptReport', data: comment === undefined ? { reportId } : { reportId, comment } },
    correlationId: caseId,
    idempotencyKey: key(ctx, `verdict/${report.label}`),
  })
}

const lateNotes = [
  '迟报:统计部门数据延迟发布 / late: the statistics office published the data late',
  '迟报:经办人员岗位调整 / late: the officer in charge changed post',
  '迟报:等待项目单位补充材料 / late: waiting for project units to send their records',
]

/** When `month`'s report is posted: at the agency's sitting a few days after the month ends, or late. */
const postingTime = (ctx: TargetContext, month: number, late: boolean): Moment =>
  late ? officeTimeAfter(ctx.random, moment(monthEnd(month), 0), 12, 20) : ctx.sittingAt(month)

const evidenceFor = (ctx: TargetContext, label: string, title: string): Evidence[] => [
  { title, url: `https://evidence.example/${ctx.definition.id}/${label}.pdf` },
]

/** Cumulative value at each month end (index 1..12): a curve towards goal × ratio, with noise, never falling. */
const reachPath = (ctx: TargetContext, definition: DefinitionOf<'reach'>): number[] => {
  const { random, plan } = ctx
  const decimals = decimalsOf(definition)
  const closing = plan.closedAchieved?.targetId === definition.id ? plan.closedAchieved.month : undefined
  const revised = plan.revised === definition.id
  const profile = random.next()
  // Most targets track their goal; some run ahead, some lag, a few fall far behind.
  const ratio =
    closing !== undefined ? random.between(1.02, 1.1)
    : revised ? random.between(1.22, 1.32)
    : profile < 0.2 ? random.between(1.08, 1.3)
    : profile < 0.65 ? random.between(0.96, 1.06)
    : profile < 0.9 ? random.between(0.75, 0.92)
    : random.between(0.45, 0.7)
  // Below 1: front-loaded; above 1: the usual rush towards the year end.
  const shape = closing !== undefined || revised ? random.between(0.75, 0.95) : random.between(0.75, 1.5)
  const horizon = closing ?? 12
  const path = [0]
  let highest = 0
  for (let month = 1; month <= 12; month++) {
    const x = Math.min(month / horizon, 1)
    const noise = month < horizon ? 1 + random.normal() * 0.04 : 1
    highest = Math.max(highest, roundTo(definition.goal * ratio * x ** shape * noise, decimals))
    path.push(highest)
  }
  return path
}

const draftReach = (ctx: TargetContext, definition: DefinitionOf<'reach'>): void => {
  const { random, plan } = ctx
  const decimals = decimalsOf(definition)
  const step = 10 ** -decimals
  const path = reachPath(ctx, definition)
  const cases = plan.cases.get(definition.id)
  const closing = plan.closedAchieved?.targetId === definition.id ? plan.closedAchieved.month : undefined
  const lastMonth = closing ?? 12
  for (let month = 1; month <= lastMonth; month++) {
    const label = monthLabel(month)
    const monthCase = cases?.get(month)
    const trueValue = path[month]!
    const previous = path[month - 1]!
    let value = trueValue
    let reason: string | undefined
    let follow: ReportPlan['follow'] = month === closing ? 'accept' : 'review'
    if (monthCase === 'typo') {
      // A slipped decimal point or an extra zero: always larger, so it needs no reason when posted.
      value = trueValue > 0 ? roundTo(trueValue * 10, decimals) : roundTo(10 * step, decimals)
      follow = 'typo'
    } else if (monthCase === 'inflated') {
      value = roundTo(trueValue + Math.max(step, trueValue * random.between(0.08, 0.15)), decimals)
      follow = 'inflated'
    } else if (monthCase === 'recount' && previous >= 2 * step) {
      const removed = roundTo(Math.max(step, Math.min(previous - step, previous * random.between(0.05, 0.12))), decimals)
      value = roundTo(previous - removed, decimals)
      reason = `统计口径调整:${format(removed, decimals)}${definition.unit}经核查不符合统计标准,予以剔除 / recount: ${format(removed, decimals)} ${definition.unit} did not meet the statistical definition and were removed`
    }
    const late = monthCase === 'late'
    const note = [
      `截至${month}月末累计${format(value, decimals)}${definition.unit} / cumulative to ${monthEnd(month)}`,
      ...(late ? [random.pick(lateNotes)] : []),
    ].join(';')
    draftReport(ctx, {
      label,
      month,
      at: postingTime(ctx, month, late),
      late,
      data: {
        reportId: reportIdFor(ctx, label),
        asOf: monthEnd(month),
        value,
        note,
        ...(random.chance(0.3) ? { evidence: evidenceFor(ctx, label, `${month}月${definition.title.zh}台账 / records for ${monthName(month)}`) } : {}),
        ...(reason !== undefined ? { reason } : {}),
      },
      follow,
      trueValue,
    })
  }
  if (plan.revised === definition.id) draftRevision(ctx, definition, path)
}

const draftRevision = (ctx: TargetContext, definition: DefinitionOf<'reach'>, path: number[]): void => {
  const { random } = ctx
  const decimals = decimalsOf(definition)
  // Raised to about what the first half promises, at least one step above the old goal.
  const goal = Math.max(roundTo(definition.goal + 10 ** -decimals, decimals), roundTo(Math.min(path[12]!, definition.goal * random.between(1.15, 1.22)), decimals))
  ctx.drafts.push({
    at: moment(workdayOnOrAfter(`2023-07-${String(random.int(17, 21))}`), random.int(9 * 60, 11 * 60)),
    actor: demoAdmin,
    command: {
      type: 'ReviseTarget',
      data: {
        changes: { goal },
        effectiveFrom: '2023-07-01',
        reason: `上半年已完成全年目标的${Math.round((path[6]! / definition.goal) * 100)}%,年中计划调整上调目标 / ${Math.round((path[6]! / definition.goal) * 100)}% of the year's goal done by June; raised at the mid-year plan adjustment`,
        authority: '区人大常委会关于调整2023年国民经济和社会发展计划的决定 / decision of the District People’s Congress Standing Committee adjusting the 2023 plan',
      },
    },
    correlationId: key(ctx, 'mid-year-plan-adjustment'),
    idempotencyKey: key(ctx, 'revision/2023-07'),
  })
}

/** Year-to-date growth in percent: high against a weak base early in the year, wobbling towards the goal. */
const draftGrowth = (ctx: TargetContext, definition: DefinitionOf<'growth'>): void => {
  const { random, plan } = ctx
  const start = definition.goal * random.between(1.6, 2.2)
  const end = definition.goal * random.between(0.9, 1.3)
  for (let month = 1; month <= 12; month++) {
    const label = monthLabel(month)
    const value = roundTo(end + (start - end) * Math.exp(-(month - 1) / 3) + random.normal() * definition.goal * 0.06, 1)
    const late = plan.cases.get(definition.id)?.get(month) === 'late'
    draftReport(ctx, {
      label,
      month,
      at: postingTime(ctx, month, late),
      late,
      data: {
        reportId: reportIdFor(ctx, label),
        asOf: monthEnd(month),
        value,
        note: [`1—${month}月累计同比增长${format(value, 1)}% / year-to-date growth to ${monthEnd(month)}`, ...(late ? [random.pick(lateNotes)] : [])].join(';'),
      },
      follow: 'review',
    })
  }
}

/** The latest measured value: seasonal, mostly within the limit; the plan's breach month goes over it. */
const draftCeiling = (ctx: TargetContext, definition: DefinitionOf<'ceiling'>): void => {
  const { random, plan } = ctx
  const decimals = decimalsOf(definition)
  const step = 10 ** -decimals
  const level = definition.limit * random.between(0.9, 0.95)
  for (let month = 1; month <= 12; month++) {
    const label = monthLabel(month)
    const breach = plan.breach?.targetId === definition.id && plan.breach.month === month
    // Higher after the Spring Festival and when graduates leave school in summer.
    const seasonal = month === 2 || month === 7 ? 0.03 : month === 6 || month === 8 ? 0.015 : 0
    const value = breach
      ? roundTo(definition.limit + step * random.int(1, 3), decimals)
      : roundTo(Math.min(definition.limit - step, level + definition.limit * (seasonal + random.normal() * 0.01)), decimals)
    const late = plan.cases.get(definition.id)?.get(month) === 'late'
    draftReport(ctx, {
      label,
      month,
      at: postingTime(ctx, month, late),
      late,
      data: {
        reportId: reportIdFor(ctx, label),
        asOf: monthEnd(month),
        value,
        note: [
          `${month}月${definition.title.zh}${format(value, decimals)}${definition.unit} / ${monthName(month)} figure`,
          ...(breach ? ['高校毕业生集中进入就业市场,阶段性超出控制目标 / graduates entering the job market pushed the rate over the limit'] : []),
          ...(late ? [random.pick(lateNotes)] : []),
        ].join(';'),
      },
      follow: 'review',
    })
  }
}

/** Stages are done one after another through the year; one in three milestones ends the year unfinished. */
const draftMilestone = (ctx: TargetContext, definition: DefinitionOf<'milestone'>): void => {
  const { random, plan } = ctx
  const { stages } = definition
  const cancelMonth = plan.cancelled?.targetId === definition.id ? plan.cancelled.month : undefined
  const done = stages.length === 1 || random.chance(0.65) ? stages.length : random.int(1, stages.length - 1)
  const lastMonth = cancelMonth === undefined ? 12 : cancelMonth - 1
  const months = Array.from({ length: done }, () => random.int(2, lastMonth)).sort((a, b) => a - b)
  // A cancelled target still reported something before it was dropped.
  if (cancelMonth !== undefined) months[0] = Math.min(months[0]!, cancelMonth - 2)
  let previousAsOf = '2023-01-31'
  months.forEach((month, index) => {
    const stage = stages[index]!
    let asOf = addDays(`${monthLabel(month)}-01`, random.int(0, 27))
    if (compareDates(asOf, previousAsOf) <= 0) asOf = addDays(previousAsOf, 1)
    previousAsOf = asOf
    const reportMonth = Number(asOf.slice(5, 7))
    const label = `stage-${stage.id}`
    draftReport(ctx, {
      label,
      month: reportMonth,
      // Posted with the month's other reports: after the sitting of the month the stage was done in.
      at: ctx.sittingAt(reportMonth) + index * 60_000,
      late: false,
      data: {
        reportId: reportIdFor(ctx, label),
        asOf,
        stage: stage.id,
        note: `${stage.title.zh}(${asOf}) / ${stage.title.en} on ${asOf}`,
        evidence: evidenceFor(ctx, label, `${stage.title.zh}证明材料 / evidence: ${stage.title.en}`),
      },
      follow: 'review',
    })
  })
}

const cancelReasons = [
  '项目调整,由市级统筹实施 / reassigned: the city government takes the project over',
  '选址涉及生态保护红线,经研究暂缓实施 / the site touches the ecological red line; postponed after review',
  '投资主体变更,项目终止 / the investor withdrew; project terminated',
]

/** The closures the plan gives this target; steps after a closure are dropped (nobody may act on a closed target). */
const draftClosure = (ctx: TargetContext): void => {
  const { plan, definition, random } = ctx
  let closeAt: Moment | undefined
  if (plan.cancelled?.targetId === definition.id) {
    closeAt = moment(workdayOnOrAfter(`${monthLabel(plan.cancelled.month)}-${random.int(10, 25)}`), random.int(9 * 60, 17 * 60))
    ctx.drafts.push({
      at: closeAt,
      actor: demoAdmin,
      command: { type: 'CloseTarget', data: { outcome: 'cancelled', reason: random.pick(cancelReasons) } },
      correlationId: key(ctx, `${definition.id}/close`),
      idempotencyKey: key(ctx, 'close'),
    })
  }
  if (plan.closedAchieved?.targetId === definition.id) {
    const accepted = ctx.drafts.filter((draft) => draft.command.type === 'AcceptReport').map((draft) => draft.at)
    closeAt = officeTimeAfter(random, Math.max(...accepted), 1, 5)
    ctx.drafts.push({
      at: closeAt,
      actor: demoAdmin,
      command: { type: 'CloseTarget', data: { outcome: 'achieved', reason: '提前完成全年目标 / the year’s goal reached ahead of time' } },
      correlationId: key(ctx, `${definition.id}/close`),
      idempotencyKey: key(ctx, 'close'),
    })
  }
  if (closeAt !== undefined) {
    const until = closeAt
    ctx.drafts = ctx.drafts.filter((draft) => draft.at <= until)
  }
}

const decreaseReasons = {
  growth: '上年同期基数抬高,累计增速回落 / a higher base a year earlier slows year-to-date growth',
  reach: '上月数据经复核调整 / last month’s figure was revised on review',
} as const

/**
 * Runs one target's drafts through the decider in time order: every step must be accepted, and a
 * value lower than the latest earlier report gets the reason the domain asks for.
 */
const settle = (definition: TargetDefinition, drafts: readonly Draft[]): Draft[] => {
  let state: TargetState = initialState
  const ordered = drafts.map((draft, index) => ({ draft, index })).sort((a, b) => a.draft.at - b.draft.at || a.index - b.index)
  return ordered.map(({ draft }) => {
    const recordedAt = new Date(draft.at).toISOString()
    const context = { actor: draft.actor, now: recordedAt, today: beijingDate(draft.at) }
    let { command } = draft
    let events
    try {
      events = decide(command, state, context)
    } catch (error) {
      if (!(isDomainError(error) && error.code === 'REPORT.DECREASE_NEEDS_REASON' && command.type === 'ReportProgress')) {
        const why = error instanceof Error ? error.message : String(error)
        throw new Error(`demo history for ${definition.id}: ${command.type} at ${recordedAt} is refused: ${why}`)
      }
      command = { ...command, data: { ...command.data, reason: definition.kind === 'growth' ? decreaseReasons.growth : decreaseReasons.reach } }
      events = decide(command, state, context)
    }
    for (const event of events) state = evolve(state, { ...event, context: { actor: draft.actor, recordedAt } })
    return { ...draft, command }
  })
}

/**
 * Every catalog target's 2023, from its definition (mid-January) to the audit of December's report
 * (early 2024): monthly reports by the zone's agency, verdicts by two auditors, corrections, one goal
 * revision, one cancelled and one early-achieved target, in the order they are to be recorded.
 */
export const generateDemoHistory = (catalog: readonly TargetDefinition[], { seed = defaultDemoSeed }: DemoHistoryOptions = {}): DemoStep[] => {
  if (!isDemoSeed(seed)) throw new RangeError(`demo seed must be an integer from 0 to ${0xffff_ffff}, not ${seed}`)
  const plan = makePlan(catalog, seed)
  const definedAt = moment(definedOn, 9 * 60 + 30)
  const agencyTargets = new Map<string, string[]>()
  for (const definition of catalog) agencyTargets.set(definition.zoneId, [...(agencyTargets.get(definition.zoneId) ?? []), definition.id])
  // Each agency posts its month's reports in one sitting, one report every 90 seconds.
  const sittings = new Map<string, Moment>()
  const sittingStart = (zoneId: string, month: number): Moment => {
    const id = `${zoneId}/${month}`
    let start = sittings.get(id)
    if (start === undefined) {
      const random = createRandom(`${seed}/sitting/${id}`)
      start = moment(sittingDay(random, month), random.int(9 * 60, 10 * 60 + 30))
      sittings.set(id, start)
    }
    return start
  }

  const steps: { step: DemoStep; at: Moment; order: number }[] = []
  catalog.forEach((definition, order) => {
    const random = createRandom(`${seed}/target/${definition.id}`)
    const auditorIndex = random.int(0, 1)
    const turn = agencyTargets.get(definition.zoneId)!.indexOf(definition.id)
    const ctx: TargetContext = {
      seed,
      definition,
      plan,
      random,
      agency: demoAgencyFor(definition.zoneId),
      auditor: demoAuditors[auditorIndex]!,
      otherAuditor: demoAuditors[1 - auditorIndex]!,
      sittingAt: (month) => sittingStart(definition.zoneId, month) + turn * 90_000,
      drafts: [
        {
          at: definedAt,
          actor: seedActor,
          command: { type: 'DefineTarget', data: definition },
          correlationId: `demo-${seed}/definitions`,
          // The seed loader's key, so the events are the same ones seeding writes and either finds the other's.
          idempotencyKey: `seed:${definition.id}`,
        },
      ],
    }
    switch (definition.kind) {
      case 'reach':
        draftReach(ctx, definition)
        break
      case 'growth':
        draftGrowth(ctx, definition)
        break
      case 'ceiling':
        draftCeiling(ctx, definition)
        break
      case 'milestone':
        draftMilestone(ctx, definition)
        break
      default: {
        const _exhaustive: never = definition
        throw new Error(`unknown kind ${JSON.stringify(_exhaustive)}`)
      }
    }
    draftClosure(ctx)
    for (const draft of settle(definition, ctx.drafts)) {
      const { at, ...rest } = draft
      steps.push({ step: { at: new Date(at).toISOString(), targetId: definition.id, ...rest }, at, order })
    }
  })
  // Stable: within one target the settled order stays; equal times across targets go in catalog order.
  return steps.sort((a, b) => a.at - b.at || a.order - b.order).map(({ step }) => step)
}

export interface DemoHistorySummary {
  steps: number
  targets: number
  /** Steps per command type. */
  commands: Partial<Record<TargetCommand['type'], number>>
  from: Instant | undefined
  to: Instant | undefined
}

export const summarizeDemoHistory = (steps: readonly DemoStep[]): DemoHistorySummary => {
  const commands: Partial<Record<TargetCommand['type'], number>> = {}
  for (const { command } of steps) commands[command.type] = (commands[command.type] ?? 0) + 1
  return {
    steps: steps.length,
    targets: new Set(steps.map((step) => step.targetId)).size,
    commands,
    from: steps[0]?.at,
    to: steps[steps.length - 1]?.at,
  }
}
