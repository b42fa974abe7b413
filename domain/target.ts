// What a target is: its definition, kinds and the calendar types the rules speak in.

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDate = string
/** An instant, ISO-8601 with offset, e.g. `2023-07-15T09:30:00.000Z`. */
export type Instant = string

export const targetKinds = ['reach', 'ceiling', 'growth', 'milestone'] as const
export type TargetKind = (typeof targetKinds)[number]

export const pacings = ['linear', 'monthly'] as const
export type Pacing = (typeof pacings)[number]

export interface Bilingual {
  zh: string
  en: string
}

export interface Period {
  start: IsoDate
  end: IsoDate
}

export interface Stage {
  id: string
  title: Bilingual
  weight: number
  /** The day this stage is planned to be done by; drives expected progress when present. */
  plannedBy?: IsoDate
}

export interface SourceRef {
  document: string
  /** A verbatim substring of the source document. */
  quote: string
}

/** What is measured and what counts as done; one variant per kind. */
export type TargetMeasure =
  | { kind: 'reach'; goal: number }
  | { kind: 'growth'; goal: number }
  | { kind: 'ceiling'; limit: number }
  | { kind: 'milestone'; stages: Stage[] }

export type TargetDefinition = TargetMeasure & {
  id: string
  title: Bilingual
  zoneId: string
  chapter: string
  unit: string
  period: Period
  weight: number
  pacing: Pacing
  source: SourceRef
}

export const roles = ['agency', 'auditor', 'admin', 'reader'] as const
export type Role = (typeof roles)[number]

export interface Actor {
  id: string
  role: Role
  /** Zones an agency may report for; ignored for other roles. */
  zones?: readonly string[]
}

/** The definition of one kind, e.g. `DefinitionOf<'milestone'>` has `stages`. */
export type DefinitionOf<K extends TargetKind> = Extract<TargetDefinition, { kind: K }>
