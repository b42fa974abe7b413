// Every quantified or concretely checkable target of report sections (六)–(九), one entry per target.
//
// Conventions (see also seeds/README.md):
// - `source.quote` is the shortest readable clause that occurs exactly once in the report; where a
//   clause repeats across zones ("引进亿元以上项目30个") it is extended to the next clause's named
//   project, so the quote alone proves which zone paragraph it comes from.
// - `unit` is the report's own Chinese unit ("个", "万人", "%", "亩"); goals keep the report's
//   magnitude ("7万人" → goal 7, unit "万人"). Milestones use the unit "阶段".
// - `pacing` is `monthly` for the human-resources and social-insurance figures that are published as
//   monthly statistics (序时进度); everything else is `linear`.
// - `weight` is 1 throughout: the report ranks no target above another.
import type { Pacing, Stage, TargetDefinition } from '../domain/target.js'
import type { ChapterId } from './chapters.js'
import { reportPeriod, sourceDocument } from './report.js'
import type { ZoneId } from './zones.js'

interface EntryBase {
  id: string
  zh: string
  en: string
  zone: ZoneId
  chapter: ChapterId
  quote: string
  pacing?: Pacing
}

const common = (e: EntryBase, unit: string) => ({
  id: e.id,
  title: { zh: e.zh, en: e.en },
  zoneId: e.zone,
  chapter: e.chapter,
  unit,
  period: { ...reportPeriod },
  weight: 1,
  pacing: e.pacing ?? 'linear',
  source: { document: sourceDocument, quote: e.quote },
})

const reach = (e: EntryBase & { goal: number; unit: string }): TargetDefinition => ({
  ...common(e, e.unit),
  kind: 'reach',
  goal: e.goal,
})

const growth = (e: EntryBase & { goal: number }): TargetDefinition => ({ ...common(e, '%'), kind: 'growth', goal: e.goal })

const ceiling = (e: EntryBase & { limit: number; unit: string }): TargetDefinition => ({
  ...common(e, e.unit),
  kind: 'ceiling',
  limit: e.limit,
})

const milestone = (e: EntryBase & { stages: Stage[] }): TargetDefinition => ({
  ...common(e, '阶段'),
  kind: 'milestone',
  stages: e.stages,
})

const stage = (id: string, zh: string, en: string, weight = 1): Stage => ({ id, title: { zh, en }, weight })

// Stage templates for the usual shapes of a deliverable; weights reflect the share of the work.
const buildStages = (): Stage[] => [
  stage('main-works-done', '主体完工', 'Main works completed', 2),
  stage('completed', '竣工验收', 'Completed and accepted'),
]
const productionStages = (): Stage[] => [
  stage('main-works-done', '主体完工', 'Main works completed', 2),
  stage('equipment-commissioned', '设备安装调试完成', 'Equipment installed and commissioned'),
  stage('in-production', '竣工投产', 'Completed and in production'),
]
const openingStages = (): Stage[] => [
  stage('ready', '竣工验收', 'Completed and accepted'),
  stage('opened', '正式启用', 'Opened to the public'),
]
const eventStages = (): Stage[] => [
  stage('plan-approved', '筹备方案确定', 'Preparation plan approved'),
  stage('held', '成功举办', 'Held', 2),
]

// ---------------------------------------------------------------------------------------------
// (六) Functional zones: per zone, projects introduced (引进亿元以上项目), key projects advanced
// (推进重点项目) and projects completed and put into production (竣工投产).

const zones = 'functional-zones'
const introduced = { zh: '引进亿元以上项目', en: 'Projects of CNY 100 million or more introduced', unit: '个' }
const advanced = { zh: '推进重点项目', en: 'Key projects advanced', unit: '个' }
const completed = { zh: '竣工投产项目', en: 'Projects completed and put into production', unit: '个' }

const functionalZoneTargets: TargetDefinition[] = [
  reach({
    id: 'qianwan-bonded-zone-national-ranking-gain',
    zh: '综合实力全国排名再进位次',
    en: 'Places gained in the national ranking of comprehensive bonded zones',
    zone: 'qianwan-bonded-zone',
    chapter: zones,
    unit: '位次',
    goal: 2,
    quote: '综合实力在全国再进两个位次',
  }),
  milestone({
    id: 'qianwan-bonded-zone-automated-berths-under-customs-supervision',
    zh: '青岛港自动化码头泊位全部纳入海关特殊监管',
    en: 'All automated berths of Qingdao Port brought under special customs supervision',
    zone: 'qianwan-bonded-zone',
    chapter: zones,
    stages: [
      stage('inclusion-approved', '纳入海关特殊监管获批', 'Inclusion approved by customs'),
      stage('all-berths-supervised', '全部泊位通过验收纳入监管', 'All berths accepted and under supervision'),
    ],
    quote: '推动青岛港自动化码头泊位全部纳入海关特殊监管',
  }),

  reach({ ...introduced, id: 'qingdao-etdz-projects-introduced', zone: 'qingdao-etdz', chapter: zones, goal: 39, quote: '引进亿元以上项目39个' }),
  reach({ ...advanced, id: 'qingdao-etdz-key-projects-advanced', zone: 'qingdao-etdz', chapter: zones, goal: 61, quote: '推进海洋科技园二期等重点项目61个' }),
  reach({ ...completed, id: 'qingdao-etdz-projects-completed', zone: 'qingdao-etdz', chapter: zones, goal: 41, quote: '竣工投产丰谷智联等项目41个' }),

  reach({ ...introduced, id: 'dongjiakou-projects-introduced', zone: 'dongjiakou', chapter: zones, goal: 18, quote: '引进亿元以上项目18个' }),
  reach({ ...completed, id: 'dongjiakou-projects-completed', zone: 'dongjiakou', chapter: zones, goal: 28, quote: '竣工投产原油商业储备库等项目28个' }),

  reach({ ...introduced, id: 'sino-german-ecopark-projects-introduced', zone: 'sino-german-ecopark', chapter: zones, goal: 30, quote: '引进亿元以上项目30个,推进潍柴动力' }),
  reach({ ...advanced, id: 'sino-german-ecopark-key-projects-advanced', zone: 'sino-german-ecopark', chapter: zones, goal: 15, quote: '推进潍柴动力等重点项目15个' }),
  reach({ ...completed, id: 'sino-german-ecopark-projects-completed', zone: 'sino-german-ecopark', chapter: zones, goal: 20, quote: '竣工投产电子信息产业园等项目20个' }),

  reach({ ...introduced, id: 'guzhenkou-projects-introduced', zone: 'guzhenkou', chapter: zones, goal: 30, quote: '引进亿元以上项目30个,推进核安全与核应急基地' }),
  reach({ ...advanced, id: 'guzhenkou-key-projects-advanced', zone: 'guzhenkou', chapter: zones, goal: 20, quote: '推进核安全与核应急基地等重点项目20个' }),
  reach({ ...completed, id: 'guzhenkou-projects-completed', zone: 'guzhenkou', chapter: zones, goal: 20, quote: '竣工投产欧比特卫星大数据等项目20个' }),

  reach({ ...introduced, id: 'lingshan-bay-projects-introduced', zone: 'lingshan-bay', chapter: zones, goal: 30, quote: '引进亿元以上项目30个,推进国药生命港' }),
  reach({ ...advanced, id: 'lingshan-bay-key-projects-advanced', zone: 'lingshan-bay', chapter: zones, goal: 7, quote: '推进国药生命港等重点项目7个' }),
  reach({ ...completed, id: 'lingshan-bay-projects-completed', zone: 'lingshan-bay', chapter: zones, goal: 5, quote: '竣工投产海信海外总部等项目5个' }),

  reach({ ...introduced, id: 'marine-high-tech-zone-projects-introduced', zone: 'marine-high-tech-zone', chapter: zones, goal: 25, quote: '引进亿元以上项目25个' }),
  reach({ ...advanced, id: 'marine-high-tech-zone-key-projects-advanced', zone: 'marine-high-tech-zone', chapter: zones, goal: 17, quote: '推进海上风电牧场等重点项目17个' }),
  reach({ ...completed, id: 'marine-high-tech-zone-projects-completed', zone: 'marine-high-tech-zone', chapter: zones, goal: 16, quote: '竣工投产寰宇航天装备等项目16个' }),

  reach({ ...introduced, id: 'modern-agriculture-zone-projects-introduced', zone: 'modern-agriculture-zone', chapter: zones, goal: 15, quote: '引进亿元以上项目15个' }),
  reach({ ...advanced, id: 'modern-agriculture-zone-key-projects-advanced', zone: 'modern-agriculture-zone', chapter: zones, goal: 6, quote: '推进种业科技等重点项目6个' }),

  reach({ ...introduced, id: 'transportation-business-district-projects-introduced', zone: 'transportation-business-district', chapter: zones, goal: 16, quote: '引进亿元以上项目16个' }),
  reach({ ...advanced, id: 'transportation-business-district-key-projects-advanced', zone: 'transportation-business-district', chapter: zones, goal: 25, quote: '推进腾讯云等重点项目25个' }),
  reach({ ...completed, id: 'transportation-business-district-projects-completed', zone: 'transportation-business-district', chapter: zones, goal: 11, quote: '竣工投产中农批保税冷库等项目11个' }),

  reach({
    id: 'tangdao-bay-fintech-zone-financial-institutions-added',
    zh: '新增金融及相关机构',
    en: 'Financial and related institutions added',
    zone: 'tangdao-bay-fintech-zone',
    chapter: zones,
    unit: '家',
    goal: 10,
    quote: '新增金融及相关机构10家',
  }),
  reach({
    id: 'tangdao-bay-fintech-zone-tech-enterprises-introduced',
    zh: '引进科创型企业',
    en: 'Science and technology innovation enterprises introduced',
    zone: 'tangdao-bay-fintech-zone',
    chapter: zones,
    unit: '家',
    goal: 10,
    quote: '引进科创型企业10家',
  }),
  reach({ ...advanced, id: 'tangdao-bay-fintech-zone-projects-advanced', zh: '推进项目', en: 'Projects advanced', zone: 'tangdao-bay-fintech-zone', chapter: zones, goal: 5, quote: '推进力创总部等项目5个' }),
]

// ---------------------------------------------------------------------------------------------
// (七) Green development: district-wide.

const green = { zone: 'district', chapter: 'green-development' } as const

const greenDevelopmentTargets: TargetDefinition[] = [
  reach({ ...green, id: 'green-low-carbon-key-projects', zh: '建设绿色低碳高质量发展重点项目', en: 'Green, low-carbon, high-quality development key projects built', unit: '个', goal: 160, quote: '建设160个绿色低碳高质量发展重点项目' }),
  reach({ ...green, id: 'industrial-technical-upgrade-projects', zh: '工业技改项目', en: 'Industrial technical upgrading projects', unit: '个', goal: 200, quote: '200个工业技改项目' }),
  reach({ ...green, id: 'new-energy-key-projects', zh: '加快新能源重点项目', en: 'New-energy key projects accelerated (offshore photovoltaics and others)', unit: '个', goal: 10, quote: '加快海上光伏等10个新能源重点项目' }),
  reach({ ...green, id: 'wind-farms-completed', zh: '完成风电场建设', en: 'Wind farms completed (Caochengshan and others)', unit: '处', goal: 2, quote: '完成曹城山等2处风电场建设' }),
  milestone({
    ...green,
    id: 'meijin-hydrogen-fuel-cell-vehicle-plant',
    zh: '美锦氢燃料电池商用车项目竣工投产',
    en: 'Meijin hydrogen fuel-cell commercial vehicle project completed and in production',
    stages: productionStages(),
    quote: '美锦氢燃料电池商用车项目竣工投产',
  }),
  reach({ ...green, id: 'meijin-hydrogen-fuel-cell-vehicle-output', zh: '美锦氢燃料电池商用车产量', en: 'Meijin hydrogen fuel-cell commercial vehicles produced', unit: '辆', goal: 1000, quote: '产量达到1000辆' }),
  reach({ ...green, id: 'new-energy-buses-renewed', zh: '更新新能源公交车', en: 'Buses replaced with new-energy buses', unit: '辆', goal: 100, quote: '更新新能源公交车100辆' }),
  milestone({
    ...green,
    id: 'china-eu-environment-climate-forum',
    zh: '筹办中欧环境与气候论坛',
    en: 'China-EU Environment and Climate Forum organised',
    stages: eventStages(),
    quote: '筹办中欧环境与气候论坛',
  }),
  milestone({
    ...green,
    id: 'natural-carbon-sink-exchange-in-operation',
    zh: '自然碳汇交易中心(山东)投入运行',
    en: 'Natural Carbon Sink Exchange Center (Shandong) in operation',
    stages: [
      stage('platform-ready', '交易平台建设完成', 'Trading platform built'),
      stage('in-operation', '投入运行', 'In operation'),
    ],
    quote: '推动自然碳汇交易中心(山东)投入运行',
  }),
  reach({ ...green, id: 'building-energy-efficiency-retrofits', zh: '实施建筑节能', en: 'Building floor area given energy-efficiency works', unit: '万平方米', goal: 92, quote: '实施92万平方米建筑节能' }),
  reach({ ...green, id: 'rural-clean-heating-retrofits', zh: '农村清洁取暖改造', en: 'Rural households converted to clean heating', unit: '万户', goal: 1, quote: '1万户农村清洁取暖改造' }),
  milestone({
    ...green,
    id: 'xifeng-nanxinan-river-regulation',
    zh: '完成西冯河、南辛安河等河道整治',
    en: 'River regulation of the Xifeng, Nanxin’an and other rivers completed',
    stages: [
      stage('xifeng-river-done', '西冯河整治完成', 'Xifeng River regulated'),
      stage('nanxinan-river-done', '南辛安河整治完成', 'Nanxin’an River regulated'),
    ],
    quote: '完成西冯河、南辛安河等河道整治',
  }),
  reach({ ...green, id: 'village-sewage-treatment', zh: '完成村庄生活污水治理', en: 'Villages with domestic sewage treatment completed', unit: '个', goal: 61, quote: '完成61个村庄生活污水治理' }),
  reach({ ...green, id: 'forest-tending', zh: '实施森林抚育', en: 'Forest tending carried out', unit: '亩', goal: 10000, quote: '实施森林抚育10000亩' }),
  reach({ ...green, id: 'water-safety-smart-water-projects', zh: '建设安全防护及智慧水务工程', en: 'Safety-protection and smart-water projects built (Tieshan Reservoir and others)', unit: '个', goal: 4, quote: '建设铁山水库等4个安全防护及智慧水务工程' }),
]

// ---------------------------------------------------------------------------------------------
// (八) Culture, tourism and city appeal: district-wide.

const culture = { zone: 'district', chapter: 'culture-tourism' } as const

const cultureTourismTargets: TargetDefinition[] = [
  milestone({
    ...culture,
    id: 'civic-center-opened',
    zh: '启用市民中心,开放图书馆、科技馆、博物馆',
    en: 'Civic Center opened, with its library, science museum and museum',
    stages: [
      stage('civic-center-opened', '启用市民中心', 'Civic Center opened'),
      stage('library-opened', '开放图书馆', 'Library opened'),
      stage('science-museum-opened', '开放科技馆', 'Science museum opened'),
      stage('museum-opened', '开放博物馆', 'Museum opened'),
    ],
    quote: '启用市民中心,开放图书馆、科技馆、博物馆',
  }),
  reach({ ...culture, id: 'university-town-public-venues', zh: '建成大学城公共场馆', en: 'University Town public venues completed (six major venues)', unit: '个', goal: 6, quote: '建成大学城六大公共场馆' }),
  reach({ ...culture, id: 'culture-sports-facilities-added', zh: '增建文体设施', en: 'Cultural and sports facilities added', unit: '处', goal: 20, quote: '增建文体设施20处' }),
  reach({ ...culture, id: 'public-cultural-events', zh: '举办群众性文化活动', en: 'Public cultural events held', unit: '万场次', goal: 1.5, quote: '举办群众性文化活动1.5万场次' }),
  milestone({
    ...culture,
    id: 'qingdao-international-handicraft-center',
    zh: '建成青岛国际手造中心',
    en: 'Qingdao International Handicraft Center completed',
    stages: buildStages(),
    quote: '建成青岛国际手造中心',
  }),
  milestone({
    ...culture,
    id: 'olympic-sports-center-gymnasium-opened',
    zh: '启用奥体中心体育馆',
    en: 'Olympic Sports Center gymnasium opened',
    stages: openingStages(),
    quote: '启用奥体中心体育馆',
  }),
  milestone({
    ...culture,
    id: 'league-matches-hosted',
    zh: '承办中甲联赛、山东冰球联赛、青少年足球邀请赛',
    en: 'China League One, Shandong Ice Hockey League and youth football invitational hosted',
    stages: [
      stage('china-league-one-hosted', '承办中甲联赛', 'China League One matches hosted'),
      stage('shandong-ice-hockey-league-hosted', '承办山东冰球联赛', 'Shandong Ice Hockey League hosted'),
      stage('youth-football-invitational-hosted', '承办青少年足球邀请赛', 'Youth football invitational hosted'),
    ],
    quote: '承办中甲联赛、山东冰球联赛、青少年足球邀请赛',
  }),
  reach({ ...culture, id: 'culture-tourism-projects-opened', zh: '文旅项目早日建成运营', en: 'Culture and tourism projects completed and operating (CNY 70 billion in total)', unit: '个', goal: 40, quote: '40个文旅项目早日建成运营' }),
  milestone({
    ...culture,
    id: 'live-action-show-launched',
    zh: '推出全市首个大型实景演艺项目',
    en: 'The city’s first large live-action performance launched',
    stages: [
      stage('production-ready', '完成创排', 'Show produced and rehearsed'),
      stage('premiered', '首演推出', 'Premiered'),
    ],
    quote: '推出全市首个大型实景演艺项目',
  }),
  milestone({
    ...culture,
    id: 'multi-stop-sea-route-opened',
    zh: '开通“一程多站式”海上航线',
    en: 'Multi-stop sea route opened',
    stages: [
      stage('route-approved', '航线获批', 'Route approved'),
      stage('route-opened', '开通运营', 'Route in service'),
    ],
    quote: '开通“一程多站式”海上航线',
  }),
  reach({ ...culture, id: 'seaside-corridor-upgraded', zh: '整修提升“亲海长廊”', en: 'Length of the seaside corridor refurbished', unit: '公里', goal: 78, quote: '整修提升78公里“亲海长廊”' }),
  growth({ ...culture, id: 'tourist-arrivals-growth', zh: '游客接待量增长', en: 'Growth in tourist arrivals', goal: 20, quote: '游客接待量增长20%' }),
  reach({ ...culture, id: 'tourism-revenue', zh: '旅游收入', en: 'Tourism revenue', unit: '亿元', goal: 300, quote: '旅游收入突破300亿元' }),
  reach({ ...culture, id: 'film-companies-introduced', zh: '新引进影视企业', en: 'Film and television companies newly introduced', unit: '家', goal: 100, quote: '新引进影视企业100家' }),
  reach({ ...culture, id: 'film-productions-registered', zh: '备案拍摄作品', en: 'Film and television productions registered for shooting', unit: '部', goal: 100, quote: '备案拍摄作品100部' }),
  milestone({
    ...culture,
    id: 'online-audiovisual-summit-and-film-expo-held',
    zh: '中国网络视听精品创作峰会、青岛影视博览会顺利举办',
    en: 'China Online Audiovisual Creation Summit and Qingdao Film and TV Expo held',
    stages: [
      stage('summit-held', '中国网络视听精品创作峰会举办', 'Online audiovisual summit held'),
      stage('expo-held', '青岛影视博览会举办', 'Film and TV expo held'),
    ],
    quote: '推动中国网络视听精品创作峰会、青岛影视博览会顺利举办',
  }),
  milestone({
    ...culture,
    id: 'ohmiller-piano-industrial-park',
    zh: '建成欧米勒钢琴产业园',
    en: 'Ohmiller piano industrial park completed',
    stages: buildStages(),
    quote: '建成欧米勒钢琴产业园',
  }),
  milestone({
    ...culture,
    id: 'phoenix-music-festival',
    zh: '筹办凤凰音乐节',
    en: 'Phoenix Music Festival organised',
    stages: eventStages(),
    quote: '筹办凤凰音乐节',
  }),
  reach({ ...culture, id: 'high-end-exhibitions-hosted', zh: '承办高端展会', en: 'High-end exhibitions hosted', unit: '场', goal: 300, quote: '承办青岛数字文化应用产品交易会等高端展会300场' }),
]

// ---------------------------------------------------------------------------------------------
// (九) Livelihood: employment, social security, health, governance; district-wide.

const livelihood = { zone: 'district', chapter: 'livelihood' } as const

const livelihoodTargets: TargetDefinition[] = [
  reach({ ...livelihood, id: 'urban-jobs-created', zh: '城镇新增就业', en: 'New urban jobs', unit: '万人', goal: 7, pacing: 'monthly', quote: '城镇新增就业7万人' }),
  ceiling({ ...livelihood, id: 'surveyed-unemployment-rate', zh: '调查失业率', en: 'Surveyed unemployment rate', unit: '%', limit: 5.5, pacing: 'monthly', quote: '调查失业率控制在5.5%以内' }),
  reach({ ...livelihood, id: 'employment-internship-bases', zh: '建设就业见习基地', en: 'Employment internship bases set up', unit: '个', goal: 30, quote: '建设就业见习基地30个' }),
  reach({ ...livelihood, id: 'vocational-skills-training', zh: '职业技能精准培训', en: 'People given targeted vocational skills training', unit: '人', goal: 8000, pacing: 'monthly', quote: '职业技能精准培训8000人' }),
  reach({ ...livelihood, id: 'public-welfare-jobs-added', zh: '新增公益性岗位', en: 'Public-welfare jobs added (more than 4,000)', unit: '个', goal: 4000, pacing: 'monthly', quote: '新增公益性岗位4000多个' }),
  milestone({
    ...livelihood,
    id: 'industry-talent-alliance-founded',
    zh: '成立产才联盟',
    en: 'Industry-talent alliance founded',
    stages: [stage('founded', '成立', 'Founded')],
    quote: '成立产才联盟',
  }),
  reach({ ...livelihood, id: 'young-talent-introduced', zh: '引进青年人才', en: 'Young talent attracted', unit: '万人', goal: 3, pacing: 'monthly', quote: '引进青年人才3万人' }),
  reach({ ...livelihood, id: 'enterprise-insurance-net-enrolment', zh: '企业保险参保缴费净增', en: 'Net increase in enterprise social-insurance contributors', unit: '万人', goal: 2, pacing: 'monthly', quote: '企业保险参保缴费净增2万人' }),
  reach({ ...livelihood, id: 'medical-insurance-service-stations', zh: '建设医保工作站', en: 'Medical-insurance service stations set up', unit: '处', goal: 54, quote: '建设54处医保工作站' }),
  reach({ ...livelihood, id: 'elderly-care-service-posts', zh: '新建养老服务驿站', en: 'Elderly-care service posts built', unit: '处', goal: 15, quote: '新建养老服务驿站15处' }),
  milestone({
    ...livelihood,
    id: 'senior-university-sansha-road-campus',
    zh: '建成老年大学三沙路校区',
    en: 'Sansha Road campus of the University for the Elderly completed',
    stages: buildStages(),
    quote: '建成老年大学三沙路校区',
  }),
  reach({ ...livelihood, id: 'inclusive-childcare-projects', zh: '建设普惠托育项目', en: 'Inclusive childcare projects built', unit: '个', goal: 18, quote: '建设普惠托育项目18个' }),
  reach({ ...livelihood, id: 'childcare-places-added', zh: '新增托位', en: 'Childcare places added', unit: '个', goal: 1730, quote: '新增托位1730个' }),
  reach({ ...livelihood, id: 'high-level-medical-projects', zh: '推进建设高水平医疗项目', en: 'High-level medical projects under construction (the cancer hospital and others)', unit: '个', goal: 9, quote: '推进建设肿瘤医院等9个高水平医疗项目' }),
  milestone({
    ...livelihood,
    id: 'district-central-hospital-upgrade-started',
    zh: '启动区中心医院提升工程',
    en: 'District Central Hospital upgrade project started',
    stages: [stage('started', '启动', 'Started')],
    quote: '启动区中心医院提升工程',
  }),
  milestone({
    ...livelihood,
    id: 'women-children-hospital-west-coast-campus',
    zh: '青岛妇女儿童医院西海岸院区基本竣工',
    en: 'West Coast campus of Qingdao Women and Children’s Hospital substantially completed',
    stages: [
      stage('main-works-done', '主体完工', 'Main works completed', 2),
      stage('substantially-completed', '基本竣工', 'Substantially completed'),
    ],
    quote: '青岛妇女儿童医院西海岸院区基本竣工',
  }),
  reach({ ...livelihood, id: 'community-health-centers', zh: '建成社区卫生服务中心', en: 'Community health service centres completed', unit: '家', goal: 3, quote: '建成3家社区卫生服务中心' }),
  reach({ ...livelihood, id: 'renowned-doctor-grassroots-stations', zh: '建成名医基层工作站', en: 'Grassroots workstations of renowned doctors set up', unit: '家', goal: 35, quote: '35家名医基层工作站' }),
  reach({ ...livelihood, id: 'smart-communities', zh: '建成智慧社区', en: 'Smart communities completed', unit: '个', goal: 205, quote: '建成智慧社区205个' }),
]

export const catalog: readonly TargetDefinition[] = [
  ...functionalZoneTargets,
  ...greenDevelopmentTargets,
  ...cultureTourismTargets,
  ...livelihoodTargets,
]
