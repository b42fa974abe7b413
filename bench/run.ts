// `npm run bench`: runs every benchmark in turn and prints its figures.
import { runStoreBench } from './store-bench.js'

await runStoreBench()
