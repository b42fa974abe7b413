// The catalog against the report: quotes verbatim and unique, attribution to zones and chapters,
// and every Arabic number of sections (六)–(九) accounted for by a target or an exclusion.
import t from 'tap'
import type { TargetDefinition } from '../../domain/target.js'
import { catalog } from '../../seeds/catalog.js'
import { catalogEntrySchema } from '../../seeds/catalog-schema.js'
import { countOccurrences, readSourceDocument } from '../../seeds/catalog-loader.js'
import { chapters } from '../../seeds/chapters.js'
import { excluded } from '../../seeds/excluded.js'
import { sourceDocument } from '../../seeds/report.js'
import { districtZoneId, zones } from '../../seeds/zones.js'

const text = readSourceDocument()

interface Span {
  start: number
  end: number
}

/** Sections (六)–(九): from the line starting "(六)" up to the line "三、加强政府自身建设". */
function targetSections(report: string): Span {
  const start = report.indexOf('\n(六)') + 1
  const end = report.indexOf('\n三、加强政府自身建设')
  if (start <= 0 || end < start) throw new Error('sections (六)–(九) not found in the report')
  return { start, end }
}

/** The line (paragraph) starting with `prefix` inside `within`. */
function paragraph(report: string, prefix: string, within: Span): Span {
  const start = report.indexOf(`\n${prefix}`, within.start - 1) + 1
  if (start <= 0 || start >= within.end) throw new Error(`no paragraph starting with ${prefix}`)
  const newline = report.indexOf('\n', start)
  return { start, end: newline === -1 ? report.length : newline }
}

function chapterSpan(report: string, chapterIndex: number): Span {
  const sections = targetSections(report)
  const chapter = chapters[chapterIndex]
  if (chapter === undefined) throw new Error(`no chapter #${chapterIndex}`)
  const start = paragraph(report, chapter.ordinal, sections).start
  const next = chapters[chapterIndex + 1]
  return { start, end: next === undefined ? sections.end : paragraph(report, next.ordinal, sections).start }
}

function quoteSpan(report: string, quote: string): Span {
  const start = report.indexOf(quote)
  return { start, end: start + quote.length }
}

const inside = (inner: Span, outer: Span) => inner.start >= outer.start && inner.end <= outer.end

/** The clauses of sections (六)–(九): runs of text between 。,;、!? (ASCII or full-width) or line breaks. */
function clauses(report: string): { text: string; start: number }[] {
  const sections = targetSections(report)
  return [...report.slice(sections.start, sections.end).matchAll(/[^。,，;；、!！?？\n]+/g)].map((m) => ({
    text: m[0],
    start: sections.start + m.index,
  }))
}

/** Every clause holding an Arabic number that does not lie inside one of `quotes`. */
function uncoveredNumericClauses(report: string, quotes: readonly string[]): string[] {
  const covered = quotes.filter((q) => q !== '').map((q) => quoteSpan(report, q))
  return clauses(report)
    .filter((clause) =>
      [...clause.text.matchAll(/\d+(?:\.\d+)?/g)].some((number) => {
        const start = clause.start + number.index
        const span = { start, end: start + number[0].length }
        return !covered.some((quote) => inside(span, quote))
      }),
    )
    .map((clause) => clause.text.trim())
}

const chineseNumerals: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 }

/** The numbers a quote states, Arabic first; Chinese numerals only when it has no Arabic digits. */
function statedNumbers(quote: string): number[] {
  const arabic = [...quote.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]))
  if (arabic.length > 0) return arabic
  return [...quote].flatMap((char) => (char in chineseNumerals ? [chineseNumerals[char] as number] : []))
}

function measureOf(entry: TargetDefinition): number | undefined {
  switch (entry.kind) {
    case 'reach':
    case 'growth':
      return entry.goal
    case 'ceiling':
      return entry.limit
    case 'milestone':
      return undefined
    default: {
      const _exhaustive: never = entry
      return _exhaustive
    }
  }
}

const catalogQuotes = catalog.map((entry) => entry.source.quote)
const exclusionQuotes = excluded.map((exclusion) => exclusion.quote)

t.test('every catalog quote occurs verbatim, exactly once, in seeds/report-2023.txt', async (t) => {
  for (const entry of catalog) {
    t.equal(countOccurrences(text, entry.source.quote), 1, `${entry.id}: "${entry.source.quote}"`)
  }
})

t.test('every entry cites the report by its stable name', async (t) => {
  t.same(new Set(catalog.map((entry) => entry.source.document)), new Set([sourceDocument]))
})

t.test('target ids are unique', async (t) => {
  const ids = catalog.map((entry) => entry.id)
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [])
})

t.test('every entry parses with the catalog schema unchanged', async (t) => {
  for (const entry of catalog) {
    const result = catalogEntrySchema.safeParse(entry)
    t.ok(result.success, `${entry.id}: ${result.error?.message ?? ''}`)
    t.same(result.data, entry, entry.id)
  }
})

t.test('the catalog holds the report’s roughly seventy targets', async (t) => {
  t.ok(catalog.length >= 60 && catalog.length <= 100, `${catalog.length} targets`)
})

t.test('each numeric target states its goal or limit in its quote', async (t) => {
  for (const entry of catalog) {
    const measure = measureOf(entry)
    if (measure === undefined) continue
    t.ok(statedNumbers(entry.source.quote).includes(measure), `${entry.id}: ${measure} in "${entry.source.quote}"`)
  }
})

t.test('each quote lies within its chapter, and only (六) holds functional-zone targets', async (t) => {
  chapters.forEach((chapter, index) => {
    const span = chapterSpan(text, index)
    for (const entry of catalog.filter((e) => e.chapter === chapter.id)) {
      t.ok(inside(quoteSpan(text, entry.source.quote), span), `${entry.id} quoted from ${chapter.ordinal}`)
      const isZoneChapter = chapter.id === 'functional-zones'
      t.equal(entry.zoneId !== districtZoneId, isZoneChapter, `${entry.id} zone ${entry.zoneId}`)
    }
  })
})

t.test('chapter headings are verbatim and their short titles come from them', async (t) => {
  for (const chapter of chapters) {
    t.equal(countOccurrences(text, `\n${chapter.ordinal}${chapter.heading.zh}。`), 1, chapter.id)
    t.ok(chapter.heading.zh.includes(chapter.title.zh), `${chapter.id} title from heading`)
  }
})

t.test('functional zones', async (t) => {
  const sections = targetSections(text)
  const functionalZones = zones.filter((zone) => zone.id !== districtZoneId)
  t.equal(functionalZones.length, 10, 'ten functional zones')

  for (const zone of functionalZones) {
    t.test(zone.name.zh, async (t) => {
      const span = paragraph(text, `${zone.name.zh},`, sections)
      const targets = catalog.filter((entry) => entry.zoneId === zone.id)
      t.ok(targets.length >= 1, 'has at least one target')
      for (const entry of targets) {
        t.ok(inside(quoteSpan(text, entry.source.quote), span), `${entry.id} quoted from the zone’s paragraph`)
      }
      const paragraphNumbers = [...text.slice(span.start, span.end).matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]))
      const targetNumbers = targets
        .filter((entry) => /\d/.test(entry.source.quote))
        .map(measureOf)
        .filter((n) => n !== undefined)
      const ascending = (a: number, b: number) => a - b
      t.same(targetNumbers.sort(ascending), paragraphNumbers.sort(ascending), 'one target per number in the paragraph')
    })
  }
})

t.test('exclusions quote the report verbatim, once, within sections (六)–(九), with a reason', async (t) => {
  const sections = targetSections(text)
  for (const exclusion of excluded) {
    t.equal(countOccurrences(text, exclusion.quote), 1, `"${exclusion.quote}" once`)
    t.ok(inside(quoteSpan(text, exclusion.quote), sections), `"${exclusion.quote}" within (六)–(九)`)
    t.ok(exclusion.reason.trim().length > 0, `"${exclusion.quote}" has a reason`)
  }
})

t.test('no quote is both a target and an exclusion', async (t) => {
  t.same(catalogQuotes.filter((quote) => exclusionQuotes.includes(quote)), [])
})

t.test('coverage: every number in sections (六)–(九) is a catalog target or an exclusion', async (t) => {
  const numeric = clauses(text).filter((clause) => /\d/.test(clause.text))
  t.ok(numeric.length > 60, `the extraction finds the numeric clauses (${numeric.length})`)
  t.same(uncoveredNumericClauses(text, [...catalogQuotes, ...exclusionQuotes]), [])
})

t.test('coverage check reports a numeric clause that nothing accounts for', async (t) => {
  const withoutForestTending = catalogQuotes.filter((quote) => quote !== '实施森林抚育10000亩')
  t.same(uncoveredNumericClauses(text, [...withoutForestTending, ...exclusionQuotes]), ['实施森林抚育10000亩'])
})
