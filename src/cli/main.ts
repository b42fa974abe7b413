#!/usr/bin/env node
// `target-ledger <command>`: the one entry point for operators (npm start runs `serve`).
import { ConfigError, parseConfig } from '../config.js'
import { startServer } from '../http/server.js'

const usage = `usage: target-ledger <command>

commands:
  serve    open the store under DATA_DIR, seed the report's targets, listen on HOST:PORT
           [--demo-data: first load the synthetic demo history, as DEMO_DATA=true does]
  seed     seed the report's targets into the store under DATA_DIR and exit
  verify   check every stream's hash chain [--receipt FILE: and that the log extends a receipt]; exit 1 if not
  digest   print a ledger receipt (every stream's head and their sha256) [--position N]
  export   write the zone ranking or the targets as CSV: export zones|targets [--as-of D] [--known-at T] [--out FILE]
  backup   copy the embedded store to a file while the server runs, synced and verified: backup --out FILE
  demo     load a reproducible, synthetic year of 2023 progress into DATA_DIR [--seed N] (demo --help)
  rebuild  drop and replay the read models from the log, with progress [--only NAME,…] (rebuild --help)

configuration is read from the environment; see README.md`

const main = async (argv: string[]): Promise<number> => {
  const [command, ...args] = argv
  switch (command) {
    case 'serve': {
      await startServer(parseConfig(args.includes('--demo-data') ? { ...process.env, DEMO_DATA: 'true' } : process.env))
      return -1
    }
    case 'seed': {
      const { runSeed } = await import('./seed-command.js')
      await runSeed(parseConfig(process.env))
      return 0
    }
    case 'verify': {
      const { runVerify } = await import('./verify-command.js')
      return runVerify(parseConfig(process.env), args)
    }
    case 'digest': {
      const { runDigest } = await import('./digest-command.js')
      return runDigest(parseConfig(process.env), args)
    }
    case 'demo': {
      const { runDemo } = await import('./demo-command.js')
      return runDemo(parseConfig(process.env), args)
    }
    case 'rebuild': {
      const { runRebuild } = await import('./rebuild-command.js')
      return runRebuild(parseConfig(process.env), args)
    }
    case 'backup': {
      const { runBackup } = await import('./backup-command.js')
      return runBackup(parseConfig(process.env), args)
    }
    case 'export': {
      const { runExport } = await import('./export-command.js')
      return runExport(parseConfig(process.env), args)
    }
    case undefined:
    case '-h':
    case '--help':
      console.log(usage)
      return command === undefined ? 1 : 0
    default:
      console.error(`unknown command: ${command}\n\n${usage}`)
      return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err)
    process.exit(1)
  },
)
