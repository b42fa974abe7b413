// Seeds the report's catalog through the domain: one TargetDefined per target, idempotent.
import type { TargetDefinition } from '../../domain/target.js'
import { isDefined } from '../../domain/state.js'
import { DomainError } from '../../domain/errors.js'
import type { TargetLedger } from './target-ledger.js'

export const seedActor = { id: 'seed-loader', role: 'admin' } as const

export interface SeedResult {
  defined: number
  existing: number
}

export const seedCatalog = async (ledger: TargetLedger, catalog: readonly TargetDefinition[]): Promise<SeedResult> => {
  // Started together, the appends share group commits instead of paying one fsync each.
  const outcomes = await Promise.all(
    catalog.map(async (definition): Promise<'defined' | 'existing'> => {
      if (isDefined((await ledger.load(definition.id)).state)) return 'existing'
      try {
        await ledger.execute(
          definition.id,
          { type: 'DefineTarget', data: definition },
          { actor: seedActor, correlationId: 'seed', idempotencyKey: `seed:${definition.id}` },
        )
        return 'defined'
      } catch (error) {
        // Another seeder got there first: the target is defined, which is all seeding asks.
        if (error instanceof DomainError && error.code === 'TARGET.ALREADY_DEFINED') return 'existing'
        throw error
      }
    }),
  )
  return {
    defined: outcomes.filter((o) => o === 'defined').length,
    existing: outcomes.filter((o) => o === 'existing').length,
  }
}
