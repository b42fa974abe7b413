// Loads the target catalog: schema-validated, ids unique, every quote found in the report's text.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TargetDefinition } from '../domain/target.js'
import { catalog } from './catalog.js'
import { catalogEntrySchema } from './catalog-schema.js'
import { sourceDocument, sourceDocumentFile } from './report.js'

export class CatalogError extends Error {
  readonly code = 'CATALOG.INVALID'

  constructor(readonly problems: readonly string[]) {
    super(`invalid target catalog:\n  ${problems.join('\n  ')}`)
    this.name = 'CatalogError'
  }
}

/**
 * The directory holding package.json, found by walking up from `from`. The loader runs both from
 * `seeds/*.ts` (tests) and from `dist/seeds/*.js` (built), so a fixed relative path would break one.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json found above ${from}`)
  }
}

/** The report's text, exactly as stored in seeds/report-2023.txt. */
export function readSourceDocument(): string {
  return readFileSync(join(packageRoot(), sourceDocumentFile), 'utf8')
}

export function countOccurrences(text: string, quote: string): number {
  if (quote === '') return 0
  let count = 0
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) count++
  return count
}

/** The entries whose `source.quote` does not occur verbatim in `text`. */
export function sourceQuoteProblems<T extends Pick<TargetDefinition, 'id' | 'source'>>(
  entries: readonly T[],
  text: string,
): T[] {
  return entries.filter((entry) => countOccurrences(text, entry.source.quote) === 0)
}

/** Validates raw entries against the schema and the report text; throws a CatalogError naming every problem. */
export function parseCatalog(entries: readonly unknown[], text: string): TargetDefinition[] {
  const problems: string[] = []
  const parsed: TargetDefinition[] = []
  entries.forEach((raw, index) => {
    const result = catalogEntrySchema.safeParse(raw)
    if (!result.success) {
      const label = entryLabel(raw, index)
      for (const issue of result.error.issues) {
        problems.push(`${label} ${issue.path.join('.') || '(entry)'}: ${issue.message}`)
      }
      return
    }
    parsed.push(result.data)
  })

  const seen = new Set<string>()
  for (const entry of parsed) {
    if (seen.has(entry.id)) problems.push(`${entryLabel(entry)} id: duplicate id`)
    seen.add(entry.id)
    if (entry.source.document !== sourceDocument) {
      problems.push(`${entryLabel(entry)} source.document: must be "${sourceDocument}"`)
    }
  }
  for (const entry of sourceQuoteProblems(parsed, text)) {
    problems.push(`${entryLabel(entry)} source.quote: not found in the report: "${entry.source.quote}"`)
  }

  if (problems.length > 0) throw new CatalogError(problems)
  return parsed
}

/** The seeded targets, validated. */
export function loadCatalog(): TargetDefinition[] {
  return parseCatalog(catalog, readSourceDocument())
}

function entryLabel(raw: unknown, index?: number): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined
  const at = index === undefined ? '' : ` (#${index})`
  return typeof id === 'string' ? `catalog entry "${id}"${at}` : `catalog entry #${index ?? '?'}`
}
