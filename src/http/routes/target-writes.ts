// Write routes: every POST becomes one command on one target, appended through the ledger.
import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { TargetCommand } from '../../../domain/commands.js'
import { requireRole } from '../../../domain/decider.js'
import { countOccurrences, readSourceDocument } from '../../../seeds/catalog-loader.js'
import { chapters } from '../../../seeds/chapters.js'
import { sourceDocument } from '../../../seeds/report.js'
import { zones } from '../../../seeds/zones.js'
import { deterministicEventId, idempotencySeed } from '../../ledger/event-ids.js'
import {
  bilingualSchema,
  evidenceSchema,
  isoDate,
  periodSchema,
  slug,
  stageSchema,
  targetDefinitionInputSchema,
  text,
} from '../../ledger/event-schemas.js'
import type { TargetLedger, WriteResult } from '../../ledger/target-ledger.js'
import { ifMatchRevisions } from '../conditional.js'
import { actorOf } from '../principal.js'
import { problem, sendProblem } from '../problem.js'
import { problemResponses } from '../schemas/problem.js'
import type { PreparedResponse } from '../idempotency.js'
import { writeResultBody, writeResultSchema, type WriteResultBody } from '../schemas/write-result.js'

const writeHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'Makes the POST safe to retry (IETF httpapi Idempotency-Key draft), scoped to the caller: the same key and request return the ' +
        'first response unchanged with `Idempotency-Replayed: true`; the same key with another request is a 422 ' +
        '(IDEMPOTENCY.KEY_REUSED); a duplicate still running is a 409 (IDEMPOTENCY.IN_FLIGHT). Keys expire after IDEMPOTENCY_TTL (24 h): ' +
        'an expired key may then be sent with a new request; the same request sent again after that is answered from the events it appended, ' +
        'as the first time, and appends nothing.',
    ),
  'if-match': z
    .string()
    .optional()
    .describe(
      '`"<revision>"` from the target’s ETag: the write happens only if the target is still at that revision (412 otherwise). ' +
        'RFC 9110: a list matches if any tag is current; `*` only asks that the target exist; weak tags never match.',
    ),
})

const targetParams = z.object({ id: slug.describe('Target id') })
const reportParams = targetParams.extend({ reportId: z.string().min(1).max(120).describe('Report id, from the report’s 201 response') })

const reportBody = z
  .strictObject({
    asOf: isoDate.describe('The day the value is true for (YYYY-MM-DD), within the target’s period and not after today'),
    value: z.number().optional().describe('reach/growth/ceiling: the cumulative year-to-date or latest value, never a delta; within ±1e15'),
    stage: slug.optional().describe('milestone: the id of the stage completed'),
    note: z.string().max(2000).optional(),
    evidence: z.array(evidenceSchema).max(20).optional(),
    reason: text.max(2000).optional().describe('Required when a reach or growth value is lower than the latest earlier report (not for a ceiling, where lower is better)'),
  })
  .meta({
    examples: [
      { asOf: '2023-06-30', value: 21, note: '上半年引进亿元以上项目21个', evidence: [{ title: '区投资促进局月报', url: 'https://example.org/2023-06.pdf' }] },
      { asOf: '2023-09-30', stage: 'main-works-done', note: '主体完工' },
    ],
  })

const correctionBody = z
  .strictObject({
    asOf: isoDate.optional(),
    value: z.number().optional(),
    stage: slug.optional(),
    note: z.string().max(2000).optional(),
    reason: text.max(2000).describe('Why the report is corrected; the correction resets its verification to pending'),
  })
  .meta({ examples: [{ value: 19, reason: '统计口径调整:两个项目投资额未达亿元' }] })

const verdictBody = z
  .discriminatedUnion('verdict', [
    z.strictObject({ verdict: z.literal('accepted'), comment: z.string().max(2000).optional() }),
    z.strictObject({ verdict: z.literal('rejected'), reason: text.max(2000) }),
  ])
  .meta({ examples: [{ verdict: 'accepted', comment: '与统计局数据一致' }, { verdict: 'rejected', reason: '缺少佐证材料' }] })

const revisionBody = z
  .strictObject({
    changes: z
      .strictObject({
        goal: z.number().optional(),
        limit: z.number().optional(),
        stages: z.array(stageSchema).min(1).optional(),
        title: bilingualSchema.optional(),
        weight: z.number().positive().optional(),
        pacing: z.enum(['linear', 'monthly']).optional(),
        period: periodSchema.optional(),
      })
      .describe('The parts of the definition that change; history keeps the old values'),
    effectiveFrom: isoDate.optional().describe('Completion uses the revised definition from this day on (default: today)'),
    reason: text.max(2000),
    authority: text.max(500).describe('The decision that authorises the change'),
  })
  .meta({ examples: [{ changes: { goal: 35 }, reason: '年中调整', authority: '区人大常委会2023年第5号决议' }] })

const closeBody = z
  .strictObject({
    outcome: z.enum(['achieved', 'cancelled']),
    reason: text.max(2000).optional().describe('Required when cancelling'),
  })
  // A 400 like every other missing reason (the decider's own check answers callers other than HTTP).
  .refine((body) => body.outcome !== 'cancelled' || body.reason !== undefined, { message: 'required when cancelling', path: ['reason'] })
  .meta({ examples: [{ outcome: 'cancelled', reason: '项目调整,由市级统筹实施' }] })

const writeResponses = {
  201: writeResultSchema,
  ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 429),
}

export interface TargetWriteOptions {
  ledger: TargetLedger
  /**
   * Resolves true once the read models have applied `position`, false when the bounded wait ran out:
   * a write answers after its own effects are readable on this node (DESIGN §4), or after the wait.
   */
  readModelsReached(position: bigint): Promise<boolean>
}

export const targetWriteRoutes: FastifyPluginAsyncZod<TargetWriteOptions> = async (fastify, { ledger, readModelsReached }) => {
  const reportText = readSourceDocument()
  /** The 201 of a write, built from its result alone: inside the write's transaction for its Idempotency-Key record, then to send. */
  const created = (result: WriteResult): PreparedResponse => ({
    status: 201,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      etag: `"${result.revision}"`,
      location: `/v1/targets/${result.targetId}`,
    },
    body: JSON.stringify(writeResultBody(result)),
  })
  const execute = async (
    request: FastifyRequest<{ Headers: z.output<typeof writeHeaders> }>,
    reply: FastifyReply,
    targetId: string,
    command: TargetCommand,
  ) => {
    const field = request.headers['if-match']
    const ifMatch = field === undefined ? undefined : ifMatchRevisions(field)
    if (field !== undefined && ifMatch === undefined) {
      return sendProblem(
        reply,
        problem(400, 'REQUEST.INVALID', 'Bad Request', 'If-Match must be * or a list of entity-tags, such as "3".', [
          { path: 'headers.if-match', message: 'expected * or "<revision>"[, …]' },
        ]),
      )
    }
    const principal = request.principal!
    const key = request.idempotencyKey
    // Built once, inside the write's transaction, when the key's record rides along with it.
    let prepared: PreparedResponse | undefined
    const result = await ledger.execute(targetId, command, {
      actor: actorOf(principal),
      correlationId: request.id,
      ...(key !== undefined
        ? {
            idempotencyKey: key,
            ...(request.idempotencyFingerprint !== undefined ? { requestFingerprint: request.idempotencyFingerprint } : {}),
            whileWriting: (written: WriteResult) => request.recordWithWrite((prepared = created(written))),
          }
        : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    })
    request.logFields = { targetId, revision: result.revision.toString(), position: result.position.toString(), replayed: result.replayed }
    // The write is durable either way; a late read model only delays what reads show.
    if (!(await readModelsReached(result.position))) {
      request.log.warn({ position: result.position.toString() }, 'read models did not reach the write in time; answering anyway')
    }
    const response = prepared ?? created(result)
    // Serialised here, so that what the key's record holds and what is sent are the same bytes.
    return reply.code(201).headers(response.headers).send(response.body as unknown as WriteResultBody)
  }

  const knownZones = new Set<string>(zones.map((zone) => zone.id))
  const knownChapters = new Set<string>(chapters.map((chapter) => chapter.id))

  /** A report id the retry of the same request gets again. */
  const newReportId = (request: FastifyRequest<{ Headers: z.output<typeof writeHeaders> }>, targetId: string) => {
    const key = request.idempotencyKey
    return key === undefined
      ? randomUUID()
      : deterministicEventId(`report/${request.principal!.id}/${targetId}`, idempotencySeed(key, request.idempotencyFingerprint), 0)
  }

  fastify.post(
    '/targets',
    {
      schema: {
        tags: ['writes'],
        summary: 'Define a target (admin)',
        description:
          'Appends TargetDefined. A target citing the report (`source.document` = `qingdao-west-coast-2023-work-report`) must quote it verbatim. ' +
          'Its `zoneId` and `chapter` must be among the report’s (GET /v1/zones, /v1/chapters): 422 TARGET.UNKNOWN_ZONE / TARGET.UNKNOWN_CHAPTER otherwise.',
        headers: writeHeaders,
        body: targetDefinitionInputSchema,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      // Who may define comes before what the definition says: a 403 for others, whatever they sent.
      requireRole(actorOf(request.principal!), 'DefineTarget')
      const { source } = request.body
      // The report is the one document we hold: a target citing it must quote it verbatim.
      if (source.document === sourceDocument && countOccurrences(reportText, source.quote) === 0) {
        return sendProblem(
          reply,
          problem(422, 'TARGET.QUOTE_NOT_IN_SOURCE', 'Unprocessable Content', `The quote does not occur verbatim in ${sourceDocument}.`, [
            { path: 'body.source.quote', message: 'not found in the source document' },
          ]),
        )
      }
      // A zone or chapter the report does not have would rank, nameless, in the public rollups for good,
      // and no agency could report to it.
      const unknown = [
        { path: 'body.zoneId', id: request.body.zoneId, known: knownZones, what: 'zone', code: 'TARGET.UNKNOWN_ZONE' },
        { path: 'body.chapter', id: request.body.chapter, known: knownChapters, what: 'chapter', code: 'TARGET.UNKNOWN_CHAPTER' },
      ].find(({ id, known }) => !known.has(id))
      if (unknown !== undefined) {
        return sendProblem(
          reply,
          problem(422, unknown.code, 'Unprocessable Content', `${unknown.id} is not a ${unknown.what} of the report; known: ${[...unknown.known].join(', ')}.`, [
            { path: unknown.path, message: `not a ${unknown.what} of the report` },
          ]),
        )
      }
      return execute(request, reply, request.body.id, { type: 'DefineTarget', data: request.body })
    },
  )

  fastify.post(
    '/targets/:id/reports',
    {
      schema: {
        tags: ['writes'],
        summary: 'Report progress (agency of the target’s zone)',
        description:
          'Appends ProgressReported with a cumulative (reach, growth) or latest (ceiling) value as of `asOf`, or a completed milestone stage. ' +
          'A reach or growth value lower than the latest earlier report needs a `reason` (a ceiling’s lower value is good news and needs none). ' +
          'The response carries the new `reportId`.',
        headers: writeHeaders,
        params: targetParams,
        body: reportBody,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const { id } = request.params
      return execute(request, reply, id, { type: 'ReportProgress', data: { reportId: newReportId(request, id), ...request.body } })
    },
  )

  fastify.post(
    '/targets/:id/reports/:reportId/corrections',
    {
      schema: {
        tags: ['writes'],
        summary: 'Correct a report (its zone’s agency, or an auditor)',
        description: 'Appends ReportCorrected; the report goes back to pending verification.',
        headers: writeHeaders,
        params: reportParams,
        body: correctionBody,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const { id, reportId } = request.params
      return execute(request, reply, id, { type: 'CorrectReport', data: { reportId, ...request.body } })
    },
  )

  fastify.post(
    '/targets/:id/reports/:reportId/verdicts',
    {
      schema: {
        tags: ['writes'],
        summary: 'Accept or reject a report (auditor)',
        description: 'Appends ReportAccepted or ReportRejected. An auditor may not judge a report it submitted or corrected. A closed target takes no new reports, but its reports still pending may be judged.',
        headers: writeHeaders,
        params: reportParams,
        body: verdictBody,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const { id, reportId } = request.params
      const body = request.body
      const command: TargetCommand =
        body.verdict === 'accepted'
          ? { type: 'AcceptReport', data: { reportId, ...(body.comment !== undefined ? { comment: body.comment } : {}) } }
          : { type: 'RejectReport', data: { reportId, reason: body.reason } }
      return execute(request, reply, id, command)
    },
  )

  fastify.post(
    '/targets/:id/revisions',
    {
      schema: {
        tags: ['writes'],
        summary: 'Revise a target (admin)',
        description: 'Appends TargetRevised. Completion uses the new definition from `effectiveFrom` on; earlier days keep the old one.',
        headers: writeHeaders,
        params: targetParams,
        body: revisionBody,
        response: writeResponses,
      },
    },
    async (request, reply) => execute(request, reply, request.params.id, { type: 'ReviseTarget', data: request.body }),
  )

  fastify.post(
    '/targets/:id/close',
    {
      schema: {
        tags: ['writes'],
        summary: 'Close a target as achieved or cancelled (admin)',
        description: 'Appends TargetClosed; no report, correction or revision is accepted afterwards, while reports pending at the close may still be judged. Cancelled targets leave the rollups.',
        headers: writeHeaders,
        params: targetParams,
        body: closeBody,
        response: writeResponses,
      },
    },
    async (request, reply) => execute(request, reply, request.params.id, { type: 'CloseTarget', data: request.body }),
  )
}
