// Numbers in report sections (六)–(九) that are deliberately not targets, each with the reason.
// Together with the catalog this accounts for every Arabic number in those sections (a test checks
// it), and lists the Chinese numerals and unquantified comparisons that were judged not to be targets.

export const exclusionCategories = ['name', 'descriptor', 'proposal', 'comparative', 'unquantified'] as const
export type ExclusionCategory = (typeof exclusionCategories)[number]

export interface Exclusion {
  /** A verbatim substring of the report, occurring exactly once. */
  quote: string
  category: ExclusionCategory
  reason: string
}

export const excluded: readonly Exclusion[] = [
  // Arabic numerals
  {
    quote: '强力推进“131工程”',
    category: 'name',
    reason: 'The name of a programme for the functional zones, not a quantity to reach; the zones’ own targets follow it.',
  },
  {
    quote: '总投资700亿元',
    category: 'descriptor',
    reason: 'Describes the combined investment of the 40 culture and tourism projects; the target is the 40 projects (culture-tourism-projects-opened).',
  },
  {
    quote: '打造15分钟医保服务圈',
    category: 'descriptor',
    reason: 'A service-radius slogan with no measurable year-end value; the measurable work is the 54 medical-insurance stations (medical-insurance-service-stations).',
  },
  {
    quote: '我们梳理了25件拟选民生实事',
    category: 'proposal',
    reason: 'A count of candidate projects put to the congress for a vote, not a commitment; the adopted projects are decided later.',
  },
  // Chinese numerals
  {
    quote: '打造研发设计等五大中心',
    category: 'name',
    reason: '“Five major centres” names a set of functions (research and design and others) without a countable deliverable.',
  },
  {
    quote: '海洋科技园二期',
    category: 'name',
    reason: 'Phase II is part of a project name, the exemplar of the 61 key projects (qingdao-etdz-key-projects-advanced).',
  },
  {
    quote: '落实“双碳”行动',
    category: 'name',
    reason: '“Dual carbon” is the name of the carbon-peak and carbon-neutrality policy.',
  },
  {
    quote: '推进城市排水“两个清零、一个提标”',
    category: 'name',
    reason: 'A slogan for drainage work (two eliminations, one standard upgrade) that names no quantity.',
  },
  {
    quote: '优化“三山、九水、三岛、九湾”自然风貌',
    category: 'name',
    reason: 'Names the district’s landscape (three mountains, nine rivers, three islands, nine bays), not a quantity to reach.',
  },
  {
    quote: '实施“两湾一岛一线”重点任务攻坚',
    category: 'name',
    reason: 'Names the tourism priority areas (two bays, one island, one coastline), not a quantity to reach.',
  },
  {
    quote: '推动“四张国际名片”提质升级',
    category: 'name',
    reason: '“Four international calling cards” names the district’s flagship events and brands, not a quantity to reach.',
  },
  {
    quote: '加快区中医医院、区第二中医院迁建',
    category: 'name',
    reason: '“Second” is part of a hospital’s name; the relocation has no completion point stated for the year.',
  },
  // Unquantified comparisons and coverage claims
  {
    quote: '空气质量优良天数高于全国平均水平',
    category: 'comparative',
    reason: 'Compared with a national average that is only known after the year ends; no fixed number to track against.',
  },
  {
    quote: '实现无害化处理全覆盖',
    category: 'unquantified',
    reason: 'The outcome of the 61-village sewage target (village-sewage-treatment), not a separate measure.',
  },
  {
    quote: '推动基本养老保险全覆盖',
    category: 'unquantified',
    reason: 'A standing policy aim (universal coverage) without a stated 2023 level; enrolment is tracked by enterprise-insurance-net-enrolment.',
  },
]
