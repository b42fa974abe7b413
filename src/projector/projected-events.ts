// Stored events as projections see them: target events decoded, anything else skipped.
//
// Why most events skip zod here: every event in a target stream was built by the ledger from a
// command zod had validated and the decider had accepted, and its hash chain (`target-ledger
// verify`) is what catches a later edit. Replaying the log needs only the guarantee that nothing
// the projections compute with is malformed, so the four report event types, nearly all of any
// long log, get a structural check instead (~0.3 µs against ~3.6 µs): every field known and of its
// type, no field missing, and the formats of the values the projections compute with (the report
// date `asOf`, the instant `recordedAt`, the hashes). Carried values are not re-checked against
// what the write path demanded (evidence URLs); an event the check does not pass, and every event
// of the rare types (definitions, revisions, closures), goes through the ledger's zod codec, which
// either decodes it exactly as the ledger's reads do or throws `CorruptEvent` naming the problem.
import { z } from 'zod'
import { roles, type RecordedTargetEvent } from '../../domain/index.js'
import type { ProjectedEvent } from '../../projections/projected-event.js'
import { decodeTargetEvent } from '../ledger/event-codec.js'
import type { EventMetadata } from '../ledger/event-metadata.js'
import { targetStreamPrefix } from '../ledger/target-ledger.js'
import type { StoredEvent } from '../store/event-store.js'

/** The same patterns as the event schemas (`z.iso.date()`, `z.iso.datetime({ offset: true })`). */
const datePattern = z.regexes.date
const instantPattern = z.regexes.datetime({ offset: true, local: false, precision: null })
const roleSet: ReadonlySet<unknown> = new Set(roles)

type Field = 'id' | 'date' | 'string' | 'number' | 'evidence'
type Shape = Readonly<Record<string, { kind: Field; required: boolean }>>

const field = (kind: Field, required = false) => ({ kind, required })

/** The data schemas of the report events (src/ledger/event-schemas.ts), as the check below reads them. */
const shapes: Readonly<Record<string, Shape>> = {
  ProgressReported: {
    reportId: field('id', true),
    asOf: field('date', true),
    value: field('number'),
    stage: field('string'),
    note: field('string'),
    evidence: field('evidence'),
    reason: field('string'),
  },
  ReportCorrected: {
    reportId: field('id', true),
    asOf: field('date'),
    value: field('number'),
    stage: field('string'),
    note: field('string'),
    reason: field('string', true),
  },
  ReportAccepted: { reportId: field('id', true), comment: field('string') },
  ReportRejected: { reportId: field('id', true), reason: field('string', true) },
}

/** /^[0-9a-f]{64}$/ without the regex engine, which costs several times more on these short strings. */
const isHash = (value: unknown): boolean => {
  if (typeof value !== 'string' || value.length !== 64) return false
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Evidence as the schema's zod output has it: trimmed non-empty titles (zod trims; an untrimmed title takes the zod path). */
const isEvidence = (value: unknown): boolean => {
  if (!Array.isArray(value)) return false
  for (const item of value) {
    if (!isObject(item) || typeof item['url'] !== 'string') return false
    const title = item['title']
    if (typeof title !== 'string' || title.length === 0 || title.trim() !== title) return false
    for (const key in item) if (key !== 'title' && key !== 'url') return false
  }
  return true
}

const fits = (kind: Field, value: unknown): boolean => {
  switch (kind) {
    case 'id':
      return typeof value === 'string' && value.length > 0
    case 'date':
      return typeof value === 'string' && datePattern.test(value)
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'evidence':
      return isEvidence(value)
    default: {
      const _exhaustive: never = kind
      return _exhaustive
    }
  }
}

const fitsShape = (shape: Shape, data: unknown): data is Record<string, unknown> => {
  if (!isObject(data)) return false
  let required = 0
  for (const key in data) {
    const spec = Object.hasOwn(shape, key) ? shape[key] : undefined
    const value = data[key]
    // An explicit undefined cannot come out of JSON; the check stays exact for in-memory stores.
    if (spec === undefined || value === undefined || !fits(spec.kind, value)) return false
    if (spec.required) required += 1
  }
  for (const key in shape) if (shape[key]!.required) required -= 1
  return required === 0
}

const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string'

/** The metadata fields projections read, checked as `eventMetadataSchema` checks them. */
const fitsMetadata = (metadata: unknown): metadata is Record<string, unknown> & { actor: { id: string; role: string } } => {
  if (!isObject(metadata)) return false
  const { actor, recordedAt, correlationId, causationId, idempotencyKey, schemaVersion, prevHash, hash } = metadata
  if (!isObject(actor) || typeof actor['id'] !== 'string' || actor['id'].length === 0 || !roleSet.has(actor['role'])) return false
  const zones = actor['zones']
  if (zones !== undefined && !(Array.isArray(zones) && zones.every((zone) => typeof zone === 'string'))) return false
  const synthetic = metadata['synthetic']
  return (
    (synthetic === undefined || synthetic === true) &&
    typeof recordedAt === 'string' &&
    instantPattern.test(recordedAt) &&
    typeof correlationId === 'string' &&
    correlationId.length > 0 &&
    optionalString(causationId) &&
    optionalString(idempotencyKey) &&
    typeof schemaVersion === 'number' &&
    Number.isInteger(schemaVersion) &&
    schemaVersion > 0 &&
    isHash(prevHash) &&
    isHash(hash)
  )
}

/** A report event that passes the structural check, without copying its data; undefined for the zod path. */
const decodeReportEvent = (stored: StoredEvent): { event: RecordedTargetEvent; metadata: EventMetadata } | undefined => {
  const shape = shapes[stored.type]
  const { data, metadata } = stored
  if (shape === undefined || !fitsShape(shape, data) || !fitsMetadata(metadata)) return undefined
  const { actor } = metadata
  const event = {
    type: stored.type,
    data,
    context: { actor: { id: actor.id, role: actor.role }, recordedAt: metadata['recordedAt'] },
  } as RecordedTargetEvent
  // fitsMetadata checked every field eventMetadataSchema reads.
  return { event, metadata: metadata as unknown as EventMetadata }
}

/** null for events outside target streams: the checkpoint moves past them, no projection sees them. */
export const toProjectedEvent = (stored: StoredEvent): ProjectedEvent | null => {
  if (!stored.streamId.startsWith(targetStreamPrefix)) return null
  const fast = decodeReportEvent(stored)
  // The zod path may normalise the data: projections then keep the stored form beside it.
  const { event, metadata } = fast ?? decodeTargetEvent(stored)
  return {
    event,
    targetId: stored.streamId.slice(targetStreamPrefix.length),
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? null,
    idempotencyKey: metadata.idempotencyKey ?? null,
    schemaVersion: metadata.schemaVersion,
    synthetic: metadata.synthetic === true,
    prevHash: metadata.prevHash,
    hash: metadata.hash,
    ...(fast === undefined ? { storedData: stored.data } : {}),
  }
}
