// `npm run bench`: runs every benchmark in turn and prints its figures.
import { runDashboardBench } from './dashboard-bench.js'
import { runHttpBench } from './http-bench.js'
import { runProjectorBench } from './projector-bench.js'
import { runStoreBench } from './store-bench.js'
import { runVerifyBench } from './verify-bench.js'

await runStoreBench()
await runHttpBench(process.env['HTTP_BENCH_CPU_PROFILE'] ? { cpuProfileDir: process.env['HTTP_BENCH_CPU_PROFILE'] } : {})
// VERIFY_BENCH_FILE keeps the generated million-event ledger there, to verify it again without regenerating.
await runVerifyBench(process.env['VERIFY_BENCH_FILE'] ? { file: process.env['VERIFY_BENCH_FILE'] } : {})
await runProjectorBench(process.env['PROJECTOR_BENCH_DIR'] ? { dir: process.env['PROJECTOR_BENCH_DIR'] } : {})
await runDashboardBench()
