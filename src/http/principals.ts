// Who may call the API: principals loaded from PRINCIPALS_FILE (sha256 token hashes) or, in demo mode
// only, from seeds/principals.demo.json (tokens in clear), and the directory that authenticates a token.
import { createHash, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { roles } from '../../domain/target.js'
import { packageRoot } from '../../seeds/catalog-loader.js'
import { zoneIds } from '../../seeds/zones.js'
import { ConfigError, principalsFileRequired, type Config } from '../config.js'
import type { Principal } from './principal.js'

export interface PrincipalDirectory {
  /** The principal holding `token`, found in constant time; undefined for an unknown token. */
  authenticate(token: string): Principal | undefined
  readonly principals: readonly Principal[]
}

export interface PrincipalRecord extends Principal {
  /** Lower-case hex sha256 of the UTF-8 token. */
  tokenSha256: string
}

export const demoPrincipalsFile = join('seeds', 'principals.demo.json')

export const sha256Hex = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

const principalFields = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'must be lower-case letters, digits and hyphens (at most 80)')
    .describe('Recorded as the actor of every event the principal causes'),
  name: z.string().trim().min(1).max(200),
  role: z.enum(roles),
  zones: z.array(z.enum(zoneIds)).min(1).optional(),
}

// An agency acts for its zones (the decider checks them); for any other role zones would mean nothing.
const zonesMatchRole = (entry: { role: string; zones?: readonly string[] | undefined }, ctx: z.RefinementCtx): void => {
  if (entry.role === 'agency' && entry.zones === undefined) {
    ctx.addIssue({ code: 'custom', path: ['zones'], message: 'an agency needs the zones it reports for' })
  }
  if (entry.role !== 'agency' && entry.zones !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['zones'], message: `only agencies have zones, not a ${entry.role}` })
  }
}

const fileEntrySchema = z
  .strictObject({
    ...principalFields,
    tokenSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the token’s sha256')
      .transform((hex) => hex.toLowerCase()),
  })
  .superRefine(zonesMatchRole)

const demoEntrySchema = z
  .strictObject({ ...principalFields, token: z.string().regex(/^demo-[a-z0-9-]+$/, 'demo tokens read demo-…') })
  .superRefine(zonesMatchRole)

export type DemoPrincipal = z.output<typeof demoEntrySchema>

const principalOf = (entry: { id: string; name: string; role: Principal['role']; zones?: readonly string[] | undefined }): Principal => ({
  id: entry.id,
  name: entry.name,
  role: entry.role,
  zones: entry.zones ?? [],
})

const label = (source: string, index: number, entry: unknown): string => {
  const id = typeof entry === 'object' && entry !== null && 'id' in entry ? entry.id : undefined
  return `${source}[${index}]${typeof id === 'string' ? ` (id "${id}")` : ''}`
}

const readJson = (file: string, source: string): unknown => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError([`${source}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`])
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigError([`${source}: ${file} is not valid JSON (${(err as Error).message})`])
  }
}

const parseEntries = <S extends z.ZodType>(json: unknown, schema: S, source: string): z.output<S>[] => {
  if (!Array.isArray(json)) throw new ConfigError([`${source}: must be a JSON array of principals`])
  const problems: string[] = []
  const entries: z.output<S>[] = []
  json.forEach((entry, index) => {
    const result = schema.safeParse(entry)
    if (result.success) entries.push(result.data)
    else for (const issue of result.error.issues) problems.push(`${label(source, index, entry)}: ${[...issue.path].join('.') || 'entry'}: ${issue.message}`)
  })
  if (problems.length > 0) throw new ConfigError(problems)
  if (entries.length === 0) throw new ConfigError([`${source}: holds no principals; nobody could call the API`])
  return entries
}

/**
 * The entries of a principals file, validated. An entry with a clear-text `token` is refused whatever
 * NODE_ENV says: this is how the demo file is kept out of production when PRINCIPALS_FILE names it.
 */
export const parsePrincipalsFile = (json: unknown, source: string): PrincipalRecord[] => {
  if (Array.isArray(json)) {
    const clear = json.flatMap((entry, index) =>
      typeof entry === 'object' && entry !== null && 'token' in entry ? [label(source, index, entry)] : [],
    )
    if (clear.length > 0) {
      const which = clear.length === 1 ? clear[0] : `${clear[0]} and ${clear.length - 1} more entries`
      throw new ConfigError([
        `${which}: a clear-text "token" (the demo principals file?). A principals file holds "tokenSha256" ` +
          'hashes instead (README "Authentication"); demo principals are never loaded in production.',
      ])
    }
  }
  return parseEntries(json, fileEntrySchema, source).map((entry) => ({ ...principalOf(entry), tokenSha256: entry.tokenSha256 }))
}

/** The demo principals with their tokens in clear. For demo mode and tests only. */
export const readDemoPrincipals = (root: string = packageRoot()): DemoPrincipal[] =>
  parseEntries(readJson(join(root, demoPrincipalsFile), demoPrincipalsFile), demoEntrySchema, demoPrincipalsFile)

export const createPrincipalDirectory = (records: readonly PrincipalRecord[], source: string): PrincipalDirectory => {
  const problems: string[] = []
  const seenIds = new Set<string>()
  const seenHashes = new Map<string, string>()
  for (const record of records) {
    if (seenIds.has(record.id)) problems.push(`${source}: id "${record.id}" is listed twice`)
    seenIds.add(record.id)
    const other = seenHashes.get(record.tokenSha256)
    if (other !== undefined) problems.push(`${source}: "${other}" and "${record.id}" share a token; each principal needs its own`)
    seenHashes.set(record.tokenSha256, record.id)
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const entries = records.map(({ tokenSha256, ...principal }) => ({ principal, hash: Buffer.from(tokenSha256, 'hex') }))
  return {
    principals: entries.map((entry) => entry.principal),
    authenticate(token) {
      // Hashing first makes every comparison 32 bytes against 32 bytes, whatever the token's length;
      // comparing with every entry, with no early exit, keeps the time independent of which one matches.
      const presented = createHash('sha256').update(token, 'utf8').digest()
      let found: Principal | undefined
      for (const entry of entries) {
        const equal = timingSafeEqual(presented, entry.hash)
        found = equal ? entry.principal : found
      }
      return found
    },
  }
}

/** Reads and checks PRINCIPALS_FILE; the demo tokens, published in the README, are refused in it. */
export const loadPrincipalsFile = (file: string, root: string = packageRoot()): PrincipalDirectory => {
  const source = `PRINCIPALS_FILE ${file}`
  const records = parsePrincipalsFile(readJson(resolve(file), source), source)
  const demoFile = join(root, demoPrincipalsFile)
  if (existsSync(demoFile)) {
    const published = new Map(readDemoPrincipals(root).map((demo) => [sha256Hex(demo.token), demo.id]))
    const reused = records.filter((record) => published.has(record.tokenSha256))
    if (reused.length > 0) {
      throw new ConfigError(
        reused.map((record) => `${source}: "${record.id}" uses the published demo token of "${published.get(record.tokenSha256)}"; issue a new token`),
      )
    }
  }
  return createPrincipalDirectory(records, source)
}

export const loadDemoPrincipals = (root: string = packageRoot()): PrincipalDirectory =>
  createPrincipalDirectory(
    readDemoPrincipals(root).map(({ token, ...entry }) => ({ ...principalOf(entry), tokenSha256: sha256Hex(token) })),
    demoPrincipalsFile,
  )

export type PrincipalSource = { kind: 'file'; file: string } | { kind: 'demo'; file: string }

/**
 * Where the principals come from: PRINCIPALS_FILE when set; otherwise the demo file, which is
 * refused outright when NODE_ENV=production (parseConfig already stops such a boot; this is the last guard).
 */
export const principalSource = (config: Pick<Config, 'PRINCIPALS_FILE' | 'NODE_ENV'>): PrincipalSource => {
  if (config.PRINCIPALS_FILE !== undefined) return { kind: 'file', file: config.PRINCIPALS_FILE }
  if (config.NODE_ENV === 'production') throw new ConfigError([principalsFileRequired])
  return { kind: 'demo', file: demoPrincipalsFile }
}

export const openPrincipalDirectory = (
  config: Pick<Config, 'PRINCIPALS_FILE' | 'NODE_ENV'>,
  root: string = packageRoot(),
): { source: PrincipalSource; directory: PrincipalDirectory } => {
  const source = principalSource(config)
  return { source, directory: source.kind === 'file' ? loadPrincipalsFile(source.file, root) : loadDemoPrincipals(root) }
}
