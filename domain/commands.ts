// Commands on a Target: imperative, carrying everything the decision needs except state.
import type { Actor, IsoDate, Instant, TargetDefinition } from './target.js'
import type { Evidence, TargetChanges } from './events.js'

export type TargetCommand =
  | { type: 'DefineTarget'; data: TargetDefinition }
  | {
      type: 'ReportProgress'
      data: { reportId: string; asOf: IsoDate; value?: number; stage?: string; note?: string; evidence?: Evidence[]; reason?: string }
    }
  | { type: 'CorrectReport'; data: { reportId: string; asOf?: IsoDate; value?: number; stage?: string; note?: string; reason: string } }
  | { type: 'AcceptReport'; data: { reportId: string; comment?: string } }
  | { type: 'RejectReport'; data: { reportId: string; reason: string } }
  | { type: 'ReviseTarget'; data: { changes: TargetChanges; effectiveFrom?: IsoDate; reason: string; authority: string } }
  | { type: 'CloseTarget'; data: { outcome: 'achieved' | 'cancelled'; reason?: string } }

/** Passed in with every command: who asks, and the clock read once at the edge. */
export interface CommandContext {
  actor: Actor
  now: Instant
  /** Today's date in the report's time zone (Asia/Shanghai by default), computed at the edge. */
  today: IsoDate
}
