// The report chapters whose targets the catalog holds: sections (六)–(九) of part two.
import type { Bilingual } from '../domain/target.js'

export interface Chapter {
  id: string
  /** The section number as printed, e.g. `(六)`. */
  ordinal: string
  /** A short name for dashboards; `zh` is a phrase taken from the heading. */
  title: Bilingual
  /** The full heading; `zh` is verbatim from the report (without the ordinal and the closing 。). */
  heading: Bilingual
}

export const chapters = [
  {
    id: 'functional-zones',
    ordinal: '(六)',
    title: { zh: '功能区高能级建设', en: 'Functional zones' },
    heading: {
      zh: '聚焦主责主业、激发内生动力,在加快功能区高能级建设上实现全新跃升',
      en: 'Focus on core responsibilities and inner drive: a new leap in building high-level functional zones',
    },
  },
  {
    id: 'green-development',
    ordinal: '(七)',
    title: { zh: '绿色发展', en: 'Green development' },
    heading: {
      zh: '聚焦绿色发展、建设美丽新区,在促进人与自然和谐共生上实现全新跃升',
      en: 'Focus on green development and a beautiful new area: a new leap in harmony between people and nature',
    },
  },
  {
    id: 'culture-tourism',
    ordinal: '(八)',
    title: { zh: '繁荣文化', en: 'Culture and tourism' },
    heading: {
      zh: '聚焦繁荣文化、涵养城市文明,在增强发展软实力上实现全新跃升',
      en: 'Focus on a flourishing culture and civic civility: a new leap in soft power',
    },
  },
  {
    id: 'livelihood',
    ordinal: '(九)',
    title: { zh: '民生关切', en: "People's livelihood" },
    heading: {
      zh: '聚焦民生关切、创造美好生活,在打造共同富裕标杆样板上实现全新跃升',
      en: "Focus on people's concerns and a better life: a new leap towards a model of common prosperity",
    },
  },
] as const satisfies readonly Chapter[]

export type ChapterId = (typeof chapters)[number]['id']

export const chapterIds = chapters.map((chapter) => chapter.id) as [ChapterId, ...ChapterId[]]
