// `target-ledger seed`: define the report's targets in the store and exit.
import { loadCatalog } from '../../seeds/catalog-loader.js'
import type { Config } from '../config.js'
import { openRuntime } from '../ledger/runtime.js'
import { seedCatalog } from '../ledger/seed.js'

export const runSeed = async (config: Config): Promise<void> => {
  const { location, ledger, close } = openRuntime(config)
  try {
    const result = await seedCatalog(ledger, loadCatalog())
    console.log(`seeded ${location}: ${result.defined} defined, ${result.existing} already there`)
  } finally {
    await close()
  }
}
