// DESIGN §1's dependency rule, run through dependency-cruiser: the real tree obeys it, and a fixture
// tree that breaks it is caught (so the rule cannot silently stop matching).
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser'
import t from 'tap'
import { packageRoot } from '../../seeds/catalog-loader.js'

const root = packageRoot()
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration

const violationsIn = async (baseDir: string, paths: string[]) => {
  const { output } = await cruise(paths, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden }, baseDir, exclude: { path: '^(node_modules|dist|coverage|data|\\.tap)/' } })
  return (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
}

t.test('the project obeys the dependency rule', async (t) => {
  t.same(await violationsIn(root, ['domain', 'src', 'seeds']), [])
})

t.test('a domain module importing node:fs and a projection importing src/ are refused', async (t) => {
  const violations = await violationsIn(join(root, 'test/fixtures/dependency-rule'), ['domain', 'projections', 'src'])
  t.same(violations.sort(), [
    'domain-is-pure: domain/reads-disk.ts → fs',
    'projections-only-domain: projections/uses-http.ts → src/leak.ts',
  ])
})
