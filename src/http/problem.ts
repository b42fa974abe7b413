// One mapper from every error the service can meet to an RFC 9457 problem+json response.
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, type ErrorCategory } from '../../domain/errors.js'
import { DuplicateEventId, WrongExpectedRevision } from '../store/event-store.js'
import { PreconditionFailed } from '../ledger/target-ledger.js'

export const problemContentType = 'application/problem+json; charset=utf-8'

export interface FieldError {
  /** Where the problem is, e.g. `body.asOf` or `query.limit`. */
  path: string
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  /** Stable machine-readable code, e.g. `TARGET.CLOSED`. */
  code: string
  errors?: FieldError[]
  /** Facts about a rule violation (ids, limits), e.g. `{ closedOn: '2023-12-31' }`. */
  details?: Record<string, string | number | boolean | null>
}

const problemType = (code: string): string => `urn:target-ledger:problem:${code.toLowerCase()}`

export const problem = (status: number, code: string, title: string, detail: string, errors?: FieldError[]): Problem => ({
  type: problemType(code),
  title,
  status,
  detail,
  code,
  ...(errors ? { errors } : {}),
})

const domainStatus: Record<ErrorCategory, { status: number; title: string }> = {
  invalid: { status: 400, title: 'Bad Request' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  rule: { status: 422, title: 'Unprocessable Content' },
}

/** Fastify's own errors that are the client's fault, by code. Everything else unknown is a 500. */
const fastifyErrors: Record<string, { status: number; code: string; title: string; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.BODY_TOO_LARGE', title: 'Content Too Large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    title: 'Unsupported Media Type',
    detail: 'Bodies are JSON: send Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'REQUEST.INVALID_CONTENT_LENGTH', title: 'Bad Request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.EMPTY_JSON_BODY', title: 'Bad Request' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', title: 'Bad Request' },
  FST_ERR_BAD_URL: { status: 400, code: 'REQUEST.BAD_URL', title: 'Bad Request' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'REQUEST.URI_TOO_LONG', title: 'URI Too Long' },
}

/** Refusals raised by the HTTP layer itself rather than the domain: authentication, the rate limit, unknown read-model groups, the event-stream cap. */
const httpErrors = {
  'AUTH.MISSING_TOKEN': { status: 401, title: 'Unauthorized' },
  'AUTH.MALFORMED_AUTHORIZATION': { status: 401, title: 'Unauthorized' },
  'AUTH.INVALID_TOKEN': { status: 401, title: 'Unauthorized' },
  'REQUEST.RATE_LIMITED': { status: 429, title: 'Too Many Requests' },
  'ZONE.NOT_FOUND': { status: 404, title: 'Not Found' },
  'CHAPTER.NOT_FOUND': { status: 404, title: 'Not Found' },
  'EVENTS.TOO_MANY_STREAMS': { status: 503, title: 'Service Unavailable' },
} as const satisfies Record<string, { status: number; title: string }>

export type HttpErrorCode = keyof typeof httpErrors

export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly status: number

  /** `headers` go out with the problem, e.g. `WWW-Authenticate` on a 401. */
  constructor(
    readonly code: HttpErrorCode,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail)
    this.status = httpErrors[code].status
  }
}

const validationProblem = (error: FastifyError & { validation: NonNullable<FastifyError['validation']> }): Problem => {
  const context = error.validationContext ?? 'request'
  const errors: FieldError[] = error.validation.map((issue) => ({
    path: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'is invalid',
  }))
  return problem(400, 'REQUEST.INVALID', 'Bad Request', `The ${context} does not match the schema.`, errors)
}

export const toProblem = (error: unknown): Problem | undefined => {
  if (error instanceof DomainError) {
    const { status, title } = domainStatus[error.category]
    const body = problem(status, error.code, title, error.message)
    return Object.keys(error.details).length > 0 ? { ...body, details: error.details } : body
  }
  if (error instanceof PreconditionFailed) {
    return {
      ...problem(412, error.code, 'Precondition Failed', 'The target is not at the revision named in If-Match; read it again.'),
      details: { targetId: error.targetId, expected: PreconditionFailed.describe(error.expected), actual: error.actual?.toString() ?? null },
    }
  }
  if (error instanceof HttpError) return problem(error.status, error.code, httpErrors[error.code].title, error.message)
  if (error instanceof WrongExpectedRevision) {
    return problem(409, error.code, 'Conflict', 'The target changed while the request was processed; retry it.')
  }
  // Ids derive from the Idempotency-Key and the request: this very request was written before, its
  // key's record has expired, and the ledger did not find the write to answer from (it looks in the
  // stream for it, so this is a safety net, never a 500).
  if (error instanceof DuplicateEventId && error.existing !== undefined) {
    return problem(
      409,
      'IDEMPOTENCY.ALREADY_APPLIED',
      'Conflict',
      'This request was already applied under this Idempotency-Key, whose record has expired, so its answer cannot be replayed; read the target to see it.',
    )
  }
  const fastifyError = error as FastifyError
  if (fastifyError?.validation) return validationProblem({ ...fastifyError, validation: fastifyError.validation })
  const known = fastifyError?.code ? fastifyErrors[fastifyError.code] : undefined
  if (known) return problem(known.status, known.code, known.title, known.detail ?? fastifyError.message)
  // A JSON body that fails to parse arrives as a SyntaxError with statusCode 400.
  if (fastifyError?.statusCode === 400 && error instanceof SyntaxError) {
    return problem(400, 'REQUEST.MALFORMED_JSON', 'Bad Request', 'The body is not valid JSON.')
  }
  return undefined
}

export const sendProblem = (reply: FastifyReply, body: Problem): FastifyReply =>
  reply.code(body.status).type(problemContentType).send(body)

export const errorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  const known = toProblem(error)
  if (known) {
    if (error instanceof HttpError) reply.headers(error.headers)
    request.log.info({ code: known.code, status: known.status }, 'request refused')
    return sendProblem(reply, known)
  }
  // Internals stay in the log; the client gets the request id to quote.
  request.log.error({ err: error }, 'unhandled error')
  return sendProblem(
    reply,
    problem(500, 'INTERNAL', 'Internal Server Error', `Something went wrong on our side; quote request id ${request.id}.`),
  )
}

export const notFoundHandler = (request: FastifyRequest, reply: FastifyReply): FastifyReply =>
  sendProblem(reply, problem(404, 'ROUTE.NOT_FOUND', 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}.`))

/**
 * Requests Node's HTTP parser refuses before fastify sees them (headers over the server's limit,
 * 16 KiB by default; bytes that are not HTTP/1.1; headers sent too slowly) answer as problem+json too,
 * as fastify's `clientErrorHandler`; the connection is then closed, as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'REQUEST.HEADERS_TOO_LARGE', 'Request Header Fields Too Large', 'The request headers are larger than this server accepts.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'REQUEST.TIMEOUT', 'Request Timeout', 'The request was not received in time.')
        : problem(400, 'REQUEST.MALFORMED_HTTP', 'Bad Request', 'The request is not valid HTTP/1.1.')
  const body = JSON.stringify(refusal)
  const { status, title } = refusal
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}
