// The ten functional zones of report section (六), plus `district` for district-wide targets.
import type { Bilingual } from '../domain/target.js'

export interface Zone {
  id: string
  /** `zh` is the name exactly as printed in the report, parenthetical and ASCII parentheses included. */
  name: Bilingual
}

export const zones = [
  { id: 'qianwan-bonded-zone', name: { zh: '前湾综保区', en: 'Qianwan Comprehensive Bonded Zone' } },
  { id: 'qingdao-etdz', name: { zh: '青岛开发区', en: 'Qingdao Economic and Technological Development Zone' } },
  { id: 'dongjiakou', name: { zh: '董家口循环经济区', en: 'Dongjiakou Circular Economy Zone' } },
  {
    id: 'sino-german-ecopark',
    name: { zh: '中德生态园(国际经济合作区)', en: 'Sino-German Ecopark (International Economic Cooperation Zone)' },
  },
  { id: 'guzhenkou', name: { zh: '古镇口核心区', en: 'Guzhenkou Core Area' } },
  { id: 'lingshan-bay', name: { zh: '灵山湾文化区', en: 'Lingshan Bay Cultural Zone' } },
  { id: 'marine-high-tech-zone', name: { zh: '海洋高新区', en: 'Marine High-tech Zone' } },
  { id: 'modern-agriculture-zone', name: { zh: '现代农业示范区', en: 'Modern Agriculture Demonstration Zone' } },
  { id: 'transportation-business-district', name: { zh: '交通商务区', en: 'Transportation Business District' } },
  {
    id: 'tangdao-bay-fintech-zone',
    name: {
      zh: '唐岛湾金融科创区(国际旅游度假区)',
      en: 'Tangdao Bay Fintech Innovation Zone (International Tourism Resort)',
    },
  },
  { id: 'district', name: { zh: '全区', en: 'District-wide' } },
] as const satisfies readonly Zone[]

export type ZoneId = (typeof zones)[number]['id']

export const zoneIds = zones.map((zone) => zone.id) as [ZoneId, ...ZoneId[]]

/** The zone of targets that apply to the whole district rather than one functional zone. */
export const districtZoneId = 'district' satisfies ZoneId
