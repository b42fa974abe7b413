// docker-compose.yml is checked by Compose itself (`config -q` needs no Docker engine) when the
// docker-compose binary is installed (Debian's `docker-compose` package); skipped visibly otherwise.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))

function compose(...args: string[]) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
}

const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8', timeout: 60_000 })

if (probe.error !== undefined || probe.status !== 0) {
  const reason = 'docker-compose config check skipped: install docker-compose (apt-get install -y docker-compose) to run it'
  t.comment(reason)
  t.test('docker-compose.yml is valid', { skip: reason }, () => {})
} else {
  t.test('docker-compose.yml is valid', async (t) => {
    const check = compose('config', '-q')
    t.equal(check.status, 0, `docker-compose config -q accepts the file${check.stderr ? `:\n${check.stderr}` : ''}`)
  })

  t.test('it runs EventStoreDB and the service, each with its named volume', async (t) => {
    const lines = (output: string) => output.split('\n').filter((line) => line !== '').sort()
    t.same(lines(compose('config', '--services').stdout), ['eventstore', 'target-ledger'])
    t.same(lines(compose('config', '--volumes').stdout), ['eventstore-data', 'ledger-read-models'])
  })
}
