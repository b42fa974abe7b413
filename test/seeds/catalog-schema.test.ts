// The catalog schema: valid entries of every kind parse unchanged; each invariant rejects its violation.
import t from 'tap'
import type { TargetDefinition } from '../../domain/target.js'
import { catalogEntrySchema } from '../../seeds/catalog-schema.js'

const base = {
  id: 'qingdao-etdz-projects-introduced',
  title: { zh: '引进亿元以上项目', en: 'Projects of CNY 100 million or more introduced' },
  zoneId: 'qingdao-etdz',
  chapter: 'functional-zones',
  unit: '个',
  period: { start: '2023-01-01', end: '2023-12-31' },
  weight: 1,
  pacing: 'linear',
  source: { document: 'qingdao-west-coast-2023-work-report', quote: '引进亿元以上项目39个' },
} as const

const reach: TargetDefinition = { ...base, kind: 'reach', goal: 39 }
const growth: TargetDefinition = { ...base, id: 'tourist-arrivals-growth', unit: '%', kind: 'growth', goal: 20 }
const ceiling: TargetDefinition = { ...base, id: 'surveyed-unemployment-rate', unit: '%', kind: 'ceiling', limit: 5.5 }
const milestone: TargetDefinition = {
  ...base,
  id: 'qingdao-international-handicraft-center',
  unit: '阶段',
  kind: 'milestone',
  stages: [
    { id: 'main-works-done', title: { zh: '主体完工', en: 'Main works completed' }, weight: 2, plannedBy: '2023-06-30' },
    { id: 'completed', title: { zh: '竣工验收', en: 'Completed and accepted' }, weight: 1 },
  ],
}

/** The paths of the issues the schema reports for `entry`, or [] when it parses. */
function rejectedPaths(entry: unknown): string[] {
  const result = catalogEntrySchema.safeParse(entry)
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'))
}

t.test('a valid entry of each kind parses to itself', async (t) => {
  for (const entry of [reach, growth, ceiling, milestone]) {
    t.same(catalogEntrySchema.parse(entry), entry, entry.kind)
  }
})

t.test('rejects an id that is not a kebab-case slug', async (t) => {
  t.same(rejectedPaths({ ...reach, id: 'Qingdao_ETDZ' }), ['id'])
  t.same(rejectedPaths({ ...reach, id: 'double--hyphen' }), ['id'])
})

t.test('rejects an unknown zone', async (t) => {
  t.same(rejectedPaths({ ...reach, zoneId: 'atlantis' }), ['zoneId'])
})

t.test('rejects an unknown chapter', async (t) => {
  t.same(rejectedPaths({ ...reach, chapter: 'foreign-affairs' }), ['chapter'])
})

t.test('rejects a goal or limit that is not greater than 0', async (t) => {
  t.same(rejectedPaths({ ...reach, goal: 0 }), ['goal'])
  t.same(rejectedPaths({ ...growth, goal: -5 }), ['goal'])
  t.same(rejectedPaths({ ...ceiling, limit: 0 }), ['limit'])
  t.same(rejectedPaths({ ...reach, goal: Number.POSITIVE_INFINITY }), ['goal'])
})

t.test('rejects a measure that belongs to another kind', async (t) => {
  const { goal: _goal, ...withoutGoal } = { ...growth }
  t.same(rejectedPaths({ ...withoutGoal, limit: 20 }), ['goal', ''])
  t.same(rejectedPaths({ ...reach, kind: 'target' }), ['kind'])
})

t.test('rejects a period outside 2023, reversed, or not a calendar date', async (t) => {
  t.same(rejectedPaths({ ...reach, period: { start: '2022-12-31', end: '2023-12-31' } }), ['period.start'])
  t.same(rejectedPaths({ ...reach, period: { start: '2023-01-01', end: '2024-01-01' } }), ['period.end'])
  t.same(rejectedPaths({ ...reach, period: { start: '2023-07-01', end: '2023-06-30' } }), ['period.end'])
  t.same(rejectedPaths({ ...reach, period: { start: '2023-02-29', end: '2023-12-31' } }), ['period.start'])
})

t.test('rejects a weight that is not greater than 0', async (t) => {
  t.same(rejectedPaths({ ...reach, weight: 0 }), ['weight'])
})

t.test('rejects an empty or blank quote', async (t) => {
  t.same(rejectedPaths({ ...reach, source: { ...reach.source, quote: '' } }), ['source.quote'])
  t.same(rejectedPaths({ ...reach, source: { ...reach.source, quote: '  ' } }), ['source.quote'])
})

t.test('rejects a pacing other than linear or monthly', async (t) => {
  t.same(rejectedPaths({ ...reach, pacing: 'quarterly' }), ['pacing'])
})

t.test('rejects a milestone without stages or with repeated stage ids', async (t) => {
  t.same(rejectedPaths({ ...milestone, stages: [] }), ['stages'])
  const stage = { id: 'done', title: { zh: '完成', en: 'Done' }, weight: 1 }
  t.same(rejectedPaths({ ...milestone, stages: [stage, stage] }), ['stages'])
})

t.test('rejects a stage planned outside the report year or with no weight', async (t) => {
  const stage = { id: 'done', title: { zh: '完成', en: 'Done' }, weight: 1 }
  t.same(rejectedPaths({ ...milestone, stages: [{ ...stage, plannedBy: '2024-03-01' }] }), ['stages.0.plannedBy'])
  t.same(rejectedPaths({ ...milestone, stages: [{ ...stage, weight: 0 }] }), ['stages.0.weight'])
})

t.test('rejects properties the domain does not know', async (t) => {
  t.same(rejectedPaths({ ...reach, paragraph: 9 }), [''])
})

t.test('rejects a missing English title', async (t) => {
  t.same(rejectedPaths({ ...reach, title: { zh: '引进亿元以上项目', en: '' } }), ['title.en'])
})
