// The read models: pure projections over target events, their SQL mapping, and the read-time views.
export * from './projected-event.js'
export * from './projection.js'
export * from './target-summary.js'
export * from './target-summary-sql.js'
export * from './deciding-reports.js'
export * from './audit-trail.js'
export * from './audit-trail-sql.js'
export * from './zone-rollup.js'
export * from './target-timeline.js'
export * from './zone-timeline.js'

import { auditTrailSql } from './audit-trail-sql.js'
import type { SqlProjection } from './projection.js'
import { targetSummarySql } from './target-summary-sql.js'

/** Every projection the projector keeps, in the order it applies them. */
export const sqlProjections: readonly SqlProjection[] = [targetSummarySql, auditTrailSql]
