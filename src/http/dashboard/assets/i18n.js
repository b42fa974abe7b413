// The dashboard's words in Chinese (default: the report's language) and English, and number formats.

const STORAGE_KEY = 'target-ledger.lang'

const strings = {
  title: { zh: '目标台账', en: 'Target ledger' },
  subtitle: { zh: '2023年青岛西海岸新区政府工作报告量化目标进度', en: 'Progress on the quantified targets of the 2023 Qingdao West Coast New Area work report' },
  asOf: { zh: '截至', en: 'As of' },
  knownAt: { zh: '记录截至', en: 'Known at' },
  knownNow: { zh: '最新', en: 'Latest' },
  replaying: { zh: '重放：只计入此时刻（北京时间）前记录的事件：', en: 'Replay: only the events recorded by this time (Beijing): ' },
  otherLang: { zh: 'English', en: '中文' },
  signOut: { zh: '清除令牌', en: 'Forget token' },
  ranking: { zh: '功能区排名', en: 'Zone ranking' },
  rank: { zh: '排名', en: 'Rank' },
  zone: { zh: '功能区', en: 'Zone' },
  chapter: { zh: '报告章节', en: 'Chapter' },
  chapterRanking: { zh: '报告章节排名', en: 'Chapter ranking' },
  groupBy: { zh: '排名方式', en: 'Rank by' },
  byZone: { zh: '按功能区', en: 'By zone' },
  byChapter: { zh: '按报告章节', en: 'By chapter' },
  completion: { zh: '完成率', en: 'Completion' },
  expected: { zh: '序时进度', en: 'Expected' },
  verified: { zh: '已核实', en: 'Verified' },
  lights: { zh: '红绿灯', en: 'Traffic lights' },
  targets: { zh: '目标', en: 'Targets' },
  targetCount: { zh: '目标数', en: 'Targets' },
  green: { zh: '正常', en: 'green' },
  yellow: { zh: '滞后', en: 'yellow' },
  red: { zh: '落后', en: 'red' },
  back: { zh: '← 返回排名', en: '← Back to the ranking' },
  backToZone: { zh: '← 返回功能区', en: '← Back to the zone' },
  burnUp: { zh: '月度进度(序时 vs 实际)', en: 'Monthly burn-up (expected vs actual)' },
  actual: { zh: '实际完成率', en: 'Reported completion' },
  target: { zh: '目标', en: 'Target' },
  kind: { zh: '类型', en: 'Kind' },
  valueGoal: { zh: '当前值 / 目标值', en: 'Value / goal' },
  status: { zh: '状态', en: 'Status' },
  latestReport: { zh: '最新报送', en: 'Latest report' },
  none: { zh: '尚未报送', en: 'none yet' },
  noTargets: { zh: '该功能区暂无目标。', en: 'This zone has no targets.' },
  noChapterTargets: { zh: '该章节暂无目标。', en: 'This chapter has no targets.' },
  source: { zh: '报告原文', en: 'In the report' },
  period: { zh: '周期', en: 'Period' },
  pacing: { zh: '序时方式', en: 'Pacing' },
  linear: { zh: '按日', en: 'by day' },
  monthly: { zh: '按月', en: 'by month' },
  timeline: { zh: '进度时间线', en: 'Timeline' },
  noPoints: { zh: '截至该日尚无报送。', en: 'No report up to this day.' },
  reports: { zh: '报送记录', en: 'Reports' },
  noReports: { zh: '截至该日尚无报送记录。', en: 'No report effective up to this day.' },
  effective: { zh: '生效日期', en: 'Effective' },
  value: { zh: '数值', en: 'Value' },
  note: { zh: '说明', en: 'Note' },
  reportedBy: { zh: '报送人', en: 'Reported by' },
  recordedAt: { zh: '记录时间', en: 'Recorded' },
  verification: { zh: '审核', en: 'Verification' },
  corrections: { zh: '更正', en: 'Corrections' },
  reason: { zh: '理由', en: 'Reason' },
  revisions: { zh: '目标调整', en: 'Goal revisions' },
  authority: { zh: '依据', en: 'Authority' },
  from: { zh: '起', en: 'from' },
  audit: { zh: '审计轨迹', en: 'Audit trail' },
  auditNote: {
    zh: '每个事件都链接到前一个事件的哈希:hash = sha256(prevHash ‖ JCS(事件))。',
    en: 'Each event chains to the previous one: hash = sha256(prevHash ‖ JCS(event)).',
  },
  position: { zh: '位置', en: 'Position' },
  revision: { zh: '版本', en: 'Revision' },
  event: { zh: '事件', en: 'Event' },
  actor: { zh: '操作人', en: 'Actor' },
  hash: { zh: '哈希', en: 'Hash' },
  prevHash: { zh: '前一哈希', en: 'Previous hash' },
  more: { zh: '加载更多', en: 'Load more' },
  tokenTitle: { zh: '需要读取令牌', en: 'A reader token is needed' },
  tokenHelp: {
    zh: '此服务的读取接口需要授权。请输入令牌(仅保存在本标签页的会话中)。',
    en: 'Reads on this service need authorisation. Enter a token (kept only in this tab’s session).',
  },
  tokenRejected: { zh: '令牌无效,请重新输入。', en: 'The token was not accepted; enter another.' },
  token: { zh: '令牌', en: 'Token' },
  useToken: { zh: '使用', en: 'Use' },
  error: { zh: '读取失败', en: 'The read failed' },
  notFound: { zh: '未找到', en: 'Not found' },
  position_at: { zh: '台账位置', en: 'Ledger position' },
  api: { zh: '数据接口', en: 'API' },
  stage: { zh: '阶段', en: 'Stage' },
  stagesDone: { zh: '已完成阶段', en: 'Stages done' },
  unreported: { zh: '未报送', en: 'unreported' },
  overdue: { zh: '逾期未报', en: 'overdue' },
  synthetic: { zh: '演示', en: 'demo' },
  syntheticNote: { zh: '演示数据(合成,非真实上报)', en: 'made-up demo data, not a real report' },
  closedOn: { zh: '关闭于', en: 'closed on' },
}

const statuses = {
  achieved: { zh: '已完成', en: 'achieved' },
  on_track: { zh: '正常推进', en: 'on track' },
  lagging: { zh: '滞后', en: 'lagging' },
  behind: { zh: '严重滞后', en: 'behind' },
  met: { zh: '达标', en: 'met' },
  breached: { zh: '超出控制', en: 'breached' },
  closed: { zh: '已关闭', en: 'closed' },
}

const kinds = {
  reach: { zh: '累计达到', en: 'reach' },
  ceiling: { zh: '控制上限', en: 'ceiling' },
  growth: { zh: '增长', en: 'growth' },
  milestone: { zh: '里程碑', en: 'milestone' },
}

const verifications = {
  pending: { zh: '待审核', en: 'pending' },
  accepted: { zh: '已通过', en: 'accepted' },
  rejected: { zh: '已驳回', en: 'rejected' },
}

const eventTypes = {
  TargetDefined: { zh: '设立目标', en: 'Target defined' },
  ProgressReported: { zh: '报送进度', en: 'Progress reported' },
  ReportCorrected: { zh: '更正报送', en: 'Report corrected' },
  ReportAccepted: { zh: '审核通过', en: 'Report accepted' },
  ReportRejected: { zh: '审核驳回', en: 'Report rejected' },
  TargetRevised: { zh: '调整目标', en: 'Target revised' },
  TargetClosed: { zh: '关闭目标', en: 'Target closed' },
}

const roles = {
  agency: { zh: '报送单位', en: 'agency' },
  auditor: { zh: '审核人', en: 'auditor' },
  admin: { zh: '管理员', en: 'admin' },
  reader: { zh: '读者', en: 'reader' },
}

/** The report's Chinese units, in English; a unit not listed shows as printed. */
const unitsEn = {
  个: '', 家: 'firms', 处: 'sites', 辆: 'vehicles', 部: 'units', 场: 'events', 人: 'people', 亩: 'mu',
  公里: 'km', 亿元: '100M yuan', 万人: '×10k people', 万户: '×10k households', 万场次: '×10k sessions',
  万平方米: '×10k m²', 位次: 'rank', '%': '%', 阶段: 'stage weight',
}

const months = {
  zh: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
}

const stored = () => {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

let lang = stored() === 'en' ? 'en' : 'zh'

export const currentLang = () => lang

export const setLang = (next) => {
  lang = next === 'en' ? 'en' : 'zh'
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
}

const pick = (table, key) => table[key]?.[lang] ?? key

export const t = (key) => pick(strings, key)
export const statusLabel = (status) => pick(statuses, status)
export const kindLabel = (kind) => pick(kinds, kind)
export const verificationLabel = (verification) => pick(verifications, verification)
export const eventLabel = (type) => pick(eventTypes, type)
export const roleLabel = (role) => pick(roles, role)
export const monthLabel = (index) => months[lang][index]

/** A bilingual `{zh, en}` from the API in the current language; the other one when it is missing. */
export const local = (bilingual) => (bilingual ? bilingual[lang] || bilingual.zh || bilingual.en : '')

export const unitLabel = (unit) => (lang === 'en' && unit in unitsEn ? unitsEn[unit] : unit)

/** A completion or expected share as a percentage with one decimal: 0.4567 → "45.7%"; null → "—". */
export const percent = (share) => (share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)}%`)

/**
 * A recorded value (a report's value, a goal, a limit) as recorded: every decimal of its shortest
 * form, with grouping. Rounding it could show 5.500000000000001 as "5.5" beside a breached limit of 5.5.
 */
export const number = (value) => {
  if (value === null || value === undefined) return '—'
  const shortest = String(value)
  // Below 1e-6 the shortest form has an exponent (1e-7): shown as is.
  if (shortest.includes('e')) return shortest
  const digits = Math.min(/\.(\d+)$/.exec(shortest)?.[1]?.length ?? 0, 20)
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)
}
