// Audit routes (DESIGN §3, §5): verify every hash chain, issue ledger digests as receipts, check a receipt.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../../../domain/errors.js'
import { systemClock, type Clock } from '../../ledger/clock.js'
import { createReceipt, verifyReceipt } from '../../ledger/ledger-digest.js'
import { verifyLedger } from '../../ledger/ledger-verification.js'
import type { EventStore } from '../../store/event-store.js'
import { realm } from '../auth.js'
import { HttpError } from '../problem.js'
import {
  decimal,
  digestFormula,
  parseReceipt,
  reasonList,
  receiptBody,
  receiptCheckBody,
  receiptCheckSchema,
  receiptProblems,
  receiptSchema,
  verificationBody,
  verificationSchema,
} from '../schemas/audit.js'
import { problemResponses } from '../schemas/problem.js'

export interface AuditRoutesOptions {
  store: EventStore
  /** Stamps `createdAt` on receipts. */
  clock?: Clock
}

/**
 * Auditors and admins only, token required even with PUBLIC_READ. A preParsing hook: it runs after
 * authentication's own (which refuses bad tokens first) and before a receipt body is read.
 */
const auditorsOnly = async (request: FastifyRequest): Promise<void> => {
  const principal = request.principal
  if (principal === null) {
    throw new HttpError('AUTH.MISSING_TOKEN', 'Audit routes need an auditor’s or admin’s token: send Authorization: Bearer <token>.', {
      'www-authenticate': `Bearer realm="${realm}"`,
    })
  }
  if (principal.role !== 'auditor' && principal.role !== 'admin') throw errors.roleNotAllowed(principal.role, 'use the audit routes')
}

/** Receipts list every stream, so they outgrow the API's 64 KiB body limit long before the log is large. */
const receiptBodyLimit = 8 * 1024 * 1024

export const auditRoutes: FastifyPluginAsyncZod<AuditRoutesOptions> = async (fastify, { store, clock = systemClock }) => {
  // A walk reads the whole log: requests that arrive while one runs share it instead of starting another.
  let walking: ReturnType<typeof verifyLedger> | undefined
  const verifyShared = () =>
    (walking ??= verifyLedger(store).finally(() => {
      walking = undefined
    }))

  fastify.addHook('preParsing', async (request, _reply, payload) => {
    await auditorsOnly(request)
    return payload
  })

  fastify.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify every stream’s hash chain',
        description:
          'Walks the whole log once in position order (bounded memory: the last revision and hash of each stream) and ' +
          'checks for every event that its revision follows the stream’s previous one, its `prevHash` is that event’s ' +
          '`hash` (64 zeros for revision 0), and `hash = sha256(prevHash ‖ JCS({streamId, revision, type, data, metadata ' +
          'without hash}))`. Each stream is checked up to its first break. Reasons: ' +
          reasonList +
          '. Requests that arrive while a walk runs share its answer. Auditors and admins.',
        response: { 200: verificationSchema, ...problemResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const result = await verifyShared()
      request.log.info({ ok: result.ok, events: result.events, position: result.position.toString() }, 'ledger verified')
      return verificationBody(result)
    },
  )

  fastify.get(
    '/audit/digest',
    {
      schema: {
        tags: ['audit'],
        summary: 'A ledger digest: a receipt to keep outside the system',
        description:
          'Every stream’s head (last revision and hash) as of `position` (default: the head), and their digest: ' +
          digestFormula +
          ' Every chain up to `position` is verified first: a broken log gets no receipt (409 LEDGER.BROKEN). ' +
          'Keep the whole receipt; later, POST it to /v1/audit/digest/verify. Auditors and admins.',
        querystring: z.object({
          position: decimal.optional().describe('Take the receipt as of this earlier global position; at most the head (422 otherwise)'),
        }),
        response: { 200: receiptSchema, ...problemResponses(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request) => {
      const { position } = request.query
      const receipt = await createReceipt(store, {
        ...(position === undefined ? {} : { position: BigInt(position) }),
        now: clock.now(),
      })
      request.log.info({ position: receipt.position.toString(), digest: receipt.digest }, 'receipt issued')
      return receiptBody(receipt)
    },
  )

  fastify.post(
    '/audit/digest/verify',
    {
      bodyLimit: receiptBodyLimit,
      // It changes nothing, so a retry needs no Idempotency-Key.
      config: { idempotency: false },
      schema: {
        tags: ['audit'],
        summary: 'Prove the log extends a receipt, or say what differs',
        description:
          'Rebuilds every stream’s head as of the receipt’s position, verifying each chain up to it, and compares: ' +
          'nothing rewritten, removed, truncated or backdated since the receipt was issued. Events after its position ' +
          'are the log’s growth. Also recomputes the receipt’s own digest (`receiptIntact`). Problems: ' +
          Object.entries(receiptProblems)
            .map(([problem, meaning]) => `\`${problem}\`: ${meaning}`)
            .join('; ') +
          '. Always 200 for a well-formed receipt; `extends` is the verdict. Auditors and admins.',
        body: receiptSchema,
        response: { 200: receiptCheckSchema, ...problemResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const check = await verifyReceipt(store, parseReceipt(request.body))
      request.log.info(
        { extends: check.extends, receiptIntact: check.receiptIntact, differences: check.differences.length },
        'receipt checked',
      )
      return receiptCheckBody(check)
    },
  )
}
