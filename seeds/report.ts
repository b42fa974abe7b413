// The report the catalog is extracted from: its stable name, its year and where its text lives.
import type { Period } from '../domain/target.js'

/** `source.document` of every catalog entry. */
export const sourceDocument = 'qingdao-west-coast-2023-work-report'

/** The report's text, relative to the package root (the directory holding package.json). */
export const sourceDocumentFile = 'seeds/report-2023.txt'

/** Every target in the report is an annual target for 2023. */
export const reportPeriod: Period = { start: '2023-01-01', end: '2023-12-31' }
