// The Target stream's events: past tense, data only. Metadata (hash chain, correlation) is added at the edge.
import type { Actor, Bilingual, Instant, IsoDate, Pacing, Period, Stage, TargetDefinition } from './target.js'

export interface Evidence {
  title: string
  url: string
}

export interface TargetDefined {
  type: 'TargetDefined'
  data: TargetDefinition
}

export interface ProgressReported {
  type: 'ProgressReported'
  data: {
    reportId: string
    asOf: IsoDate
    /** reach/growth/ceiling: the cumulative or latest value as of `asOf`. */
    value?: number
    /** milestone: the stage completed by `asOf`. */
    stage?: string
    note?: string
    evidence?: Evidence[]
    reason?: string
  }
}

export interface ReportCorrected {
  type: 'ReportCorrected'
  data: {
    reportId: string
    asOf?: IsoDate
    value?: number
    stage?: string
    note?: string
    reason: string
  }
}

export interface ReportAccepted {
  type: 'ReportAccepted'
  data: { reportId: string; comment?: string }
}

export interface ReportRejected {
  type: 'ReportRejected'
  data: { reportId: string; reason: string }
}

/** The parts of a definition a revision may change. */
export interface TargetChanges {
  goal?: number
  limit?: number
  stages?: Stage[]
  title?: Bilingual
  weight?: number
  pacing?: Pacing
  period?: Period
}

export interface TargetRevised {
  type: 'TargetRevised'
  data: {
    changes: TargetChanges
    /** Completion uses the revised definition for dates on or after this day; earlier dates keep the old one. */
    effectiveFrom: IsoDate
    reason: string
    /** The decision that authorises the change, e.g. a people's congress resolution. */
    authority: string
  }
}

export interface TargetClosed {
  type: 'TargetClosed'
  data: { outcome: 'achieved' | 'cancelled'; closedOn: IsoDate; reason?: string }
}

export type TargetEvent =
  | TargetDefined
  | ProgressReported
  | ReportCorrected
  | ReportAccepted
  | ReportRejected
  | TargetRevised
  | TargetClosed

export type TargetEventType = TargetEvent['type']

/** Who recorded an event and when: the decider needs both (own-report rule, `knownAt` replay). */
export interface EventContext {
  actor: Actor
  recordedAt: Instant
}

export type RecordedTargetEvent = TargetEvent & { context: EventContext }
