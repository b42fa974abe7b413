// The domain's error table: every rejection has a stable code and a category the HTTP layer maps to a status.

/** not_found → 404, conflict → 409, rule → 422, forbidden → 403, invalid → 400. */
export type ErrorCategory = 'not_found' | 'conflict' | 'rule' | 'forbidden' | 'invalid'

export class DomainError extends Error {
  override readonly name = 'DomainError'
  readonly code: string
  readonly category: ErrorCategory
  /** JSON-friendly facts about the rejection (ids, limits); safe to send to clients. */
  readonly details: Record<string, string | number | boolean | null>

  constructor(
    code: string,
    category: ErrorCategory,
    message: string,
    details: Record<string, string | number | boolean | null> = {},
  ) {
    super(message)
    this.code = code
    this.category = category
    this.details = details
  }
}

type Details = DomainError['details']

const createError =
  <const C extends string, A extends unknown[]>(
    code: C,
    category: ErrorCategory,
    message: (...args: A) => string,
    details?: (...args: A) => Details,
  ) =>
  (...args: A): DomainError & { readonly code: C } =>
    new DomainError(code, category, message(...args), details?.(...args) ?? {}) as DomainError & { readonly code: C }

export const errors = {
  targetNotFound: createError('TARGET.NOT_FOUND', 'not_found', () => 'target not found'),
  targetAlreadyDefined: createError(
    'TARGET.ALREADY_DEFINED',
    'conflict',
    (id: string) => `target ${id} is already defined`,
    (id: string) => ({ targetId: id }),
  ),
  invalidDefinition: createError(
    'TARGET.INVALID_DEFINITION',
    'rule',
    (problem: string) => `invalid target definition: ${problem}`,
    (problem: string) => ({ problem }),
  ),
  targetClosed: createError(
    'TARGET.CLOSED',
    'conflict',
    (closedOn: string) => `target was closed on ${closedOn}`,
    (closedOn: string) => ({ closedOn }),
  ),
  asOfOutsidePeriod: createError(
    'REPORT.AS_OF_OUTSIDE_PERIOD',
    'rule',
    (asOf: string, start: string, end: string) => `asOf ${asOf} is outside the target period ${start}..${end}`,
    (asOf: string, start: string, end: string) => ({ asOf, start, end }),
  ),
  asOfInFuture: createError(
    'REPORT.AS_OF_IN_FUTURE',
    'rule',
    (asOf: string, today: string) => `asOf ${asOf} is after today (${today})`,
    (asOf: string, today: string) => ({ asOf, today }),
  ),
  valueInvalid: createError(
    'REPORT.VALUE_INVALID',
    'rule',
    (problem: string) => `report value does not fit the target: ${problem}`,
    (problem: string) => ({ problem }),
  ),
  decreaseNeedsReason: createError(
    'REPORT.DECREASE_NEEDS_REASON',
    'rule',
    (value: number, previous: number, previousReportId: string) =>
      `value ${value} is lower than ${previous} reported in ${previousReportId}; a reason is required`,
    (value: number, previous: number, previousReportId: string) => ({ value, previous, previousReportId }),
  ),
  unknownStage: createError(
    'REPORT.UNKNOWN_STAGE',
    'rule',
    (stage: string) => `stage ${stage} is not a stage of this target`,
    (stage: string) => ({ stage }),
  ),
  stageAlreadyDone: createError(
    'REPORT.STAGE_ALREADY_DONE',
    'rule',
    (stage: string, reportId: string) => `stage ${stage} is already reported done in ${reportId}`,
    (stage: string, reportId: string) => ({ stage, reportId }),
  ),
  reportNotFound: createError(
    'REPORT.NOT_FOUND',
    'not_found',
    (reportId: string) => `report ${reportId} not found`,
    (reportId: string) => ({ reportId }),
  ),
  reportIdTaken: createError(
    'REPORT.ID_TAKEN',
    'conflict',
    (reportId: string) => `report id ${reportId} is already used`,
    (reportId: string) => ({ reportId }),
  ),
  reportAlreadyDecided: createError(
    'REPORT.ALREADY_DECIDED',
    'conflict',
    (reportId: string, verification: string) => `report ${reportId} is already ${verification}`,
    (reportId: string, verification: string) => ({ reportId, verification }),
  ),
  ownReportVerdict: createError(
    'REPORT.OWN_REPORT_VERDICT',
    'forbidden',
    (reportId: string) => `an auditor may not judge report ${reportId}, which it submitted or corrected`,
    (reportId: string) => ({ reportId }),
  ),
  correctionEmpty: createError(
    'REPORT.CORRECTION_EMPTY',
    'rule',
    (reportId: string) => `correction of ${reportId} changes nothing`,
    (reportId: string) => ({ reportId }),
  ),
  reasonRequired: createError('REASON_REQUIRED', 'rule', () => 'a non-blank reason is required'),
  authorityRequired: createError(
    'REVISION.AUTHORITY_REQUIRED',
    'rule',
    () => 'a revision needs the authority that decided it',
  ),
  revisionInvalid: createError(
    'REVISION.INVALID',
    'rule',
    (problem: string) => `invalid revision: ${problem}`,
    (problem: string) => ({ problem }),
  ),
  roleNotAllowed: createError(
    'ACTOR.ROLE_NOT_ALLOWED',
    'forbidden',
    (role: string, command: string) => `role ${role} may not ${command}`,
    (role: string, command: string) => ({ role, command }),
  ),
  zoneNotAllowed: createError(
    'ACTOR.ZONE_NOT_ALLOWED',
    'forbidden',
    (zoneId: string) => `actor may not act for zone ${zoneId}`,
    (zoneId: string) => ({ zoneId }),
  ),
  invalidDate: createError(
    'DATE.INVALID',
    'invalid',
    (value: string) => `not a valid date or instant: ${value}`,
    (value: string) => ({ value }),
  ),
} as const

/** Every code the domain can throw, e.g. `'TARGET.CLOSED'`. */
export type ErrorCode = ReturnType<(typeof errors)[keyof typeof errors]>['code']

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError
