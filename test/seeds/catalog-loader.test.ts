// The loader: validates the catalog, names the entry and field of every problem, finds the report text.
import { join } from 'node:path'
import t from 'tap'
import type { TargetDefinition } from '../../domain/target.js'
import { catalog } from '../../seeds/catalog.js'
import {
  CatalogError,
  countOccurrences,
  loadCatalog,
  packageRoot,
  parseCatalog,
  readSourceDocument,
  sourceQuoteProblems,
} from '../../seeds/catalog-loader.js'

const text = readSourceDocument()
const first = catalog[0] as TargetDefinition

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof CatalogError) return error.problems
    throw error
  }
  return []
}

t.test('loadCatalog returns every seeded target, validated and unchanged', async (t) => {
  t.same(loadCatalog(), catalog)
})

t.test('readSourceDocument returns the report, sections (六)–(九) included', async (t) => {
  t.ok(text.includes('\n(六)聚焦主责主业'), 'section (六)')
  t.ok(text.includes('\n三、加强政府自身建设\n'), 'the heading that ends the target sections')
})

t.test('packageRoot finds package.json from the source and from the compiled layout', async (t) => {
  const root = packageRoot()
  t.equal(packageRoot(join(root, 'seeds')), root, 'seeds/')
  t.equal(packageRoot(join(root, 'dist', 'seeds')), root, 'dist/seeds/')
})

t.test('an invalid field is reported with the entry id and the field path', async (t) => {
  const problems = problemsOf(() => parseCatalog([{ ...first, weight: -1 }], text))
  t.equal(problems.length, 1)
  t.match(problems[0], new RegExp(`^catalog entry "${first.id}" \\(#0\\) weight: `))
})

t.test('an entry without an id is reported by its position', async (t) => {
  const problems = problemsOf(() => parseCatalog([catalog[1], { kind: 'reach' }], text))
  t.ok(problems.length > 0)
  t.ok(problems.every((p) => p.startsWith('catalog entry #1 ')), problems.join('\n'))
})

t.test('a quote missing from the report is refused', async (t) => {
  const invented = { ...first, source: { ...first.source, quote: '引进亿元以上项目99个' } }
  t.same(problemsOf(() => parseCatalog([invented], text)), [
    `catalog entry "${first.id}" source.quote: not found in the report: "引进亿元以上项目99个"`,
  ])
})

t.test('a duplicate id is refused', async (t) => {
  t.same(problemsOf(() => parseCatalog([first, first], text)), [`catalog entry "${first.id}" id: duplicate id`])
})

t.test('an entry citing another document is refused', async (t) => {
  const other = { ...first, source: { ...first.source, document: 'another-report' } }
  t.same(problemsOf(() => parseCatalog([other], text)), [
    `catalog entry "${first.id}" source.document: must be "qingdao-west-coast-2023-work-report"`,
  ])
})

t.test('the error carries a stable code and lists every problem in its message', async (t) => {
  t.throws(() => parseCatalog([{ ...first, weight: 0 }, { ...first, id: 'Bad' }], text), {
    name: 'CatalogError',
    code: 'CATALOG.INVALID',
    message: /weight[\s\S]*Bad/,
  })
})

t.test('sourceQuoteProblems returns exactly the entries whose quote is not in the text', async (t) => {
  const missing = { ...first, id: 'missing-quote', source: { ...first.source, quote: '不存在的句子' } }
  t.same(sourceQuoteProblems([first, missing], text), [missing])
})

t.test('countOccurrences counts overlapping occurrences and treats an empty quote as absent', async (t) => {
  t.equal(countOccurrences('aaa', 'aa'), 2)
  t.equal(countOccurrences(text, '引进亿元以上项目30个'), 3)
  t.equal(countOccurrences(text, ''), 0)
})
