// Benchmarks run what they measure in processes of their own: scripts whose peak memory is read from
// inside, and `target-ledger serve` itself.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

/**
 * Runs the script `name` (without extension) that sits beside the module at `importMetaUrl` with
 * `args`, and parses what it prints as JSON. The child gets this process's node flags, so it runs
 * .ts sources under a TypeScript loader and .js from dist/ alike.
 */
export async function runJsonChild<T>(importMetaUrl: string, name: string, args: readonly string[]): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgsFor(importMetaUrl, `./${name}`), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`${name} exited with ${code}`)
  return JSON.parse(stdout) as T
}

/**
 * Node's arguments to run the module at `relative` (without extension) from the module at
 * `importMetaUrl`: with this process's node flags, and the extension of the module asking, so a
 * TypeScript source runs its sibling sources under the same loader and a script of dist/ its
 * compiled siblings.
 */
export function nodeArgsFor(importMetaUrl: string, relative: string): string[] {
  const script = fileURLToPath(new URL(`${relative}${extname(fileURLToPath(importMetaUrl))}`, importMetaUrl))
  if (!existsSync(script)) throw new Error(`${script} is missing`)
  return [...loaderFlags(process.execArgv), script]
}

/** This process's node flags (a TypeScript loader, say) without a script given by -e / -p, which the child would run instead. */
function loaderFlags(execArgv: readonly string[]): string[] {
  const flags: string[] = []
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!
    if (['-e', '--eval', '-p', '--print'].includes(flag)) i += 1
    else if (!/^--(eval|print)=/.test(flag)) flags.push(flag)
  }
  return flags
}

/**
 * The high-water mark of this process image. Not `resourceUsage().maxRSS`: Linux carries that over
 * from the parent across fork and exec, so it would report the parent's memory.
 */
export function peakRss(sampled: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (kb !== undefined) return Math.max(Number(kb) * 1024, sampled)
  } catch {
    // Not Linux: the sampled figure is all there is.
  }
  return sampled
}

/** This environment without the service's own variables: a bench sets the ones it needs, the rest default. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  const own = ['STORE', 'EVENTSTORE_URL', 'PRINCIPALS_FILE', 'PUBLIC_READ', 'SEED', 'DEMO_DATA', 'RATE_LIMIT_WINDOW', 'IDEMPOTENCY_TTL', 'TIME_ZONE']
  for (const name of own) delete env[name]
  return env
}

/** SIGTERM: the server drains and closes the store (and writes its CPU profile, when asked to). */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

export interface ServeOptions {
  /** DATA_DIR goes to `<dir>/data`, the server's log to `<dir>/server.log`. */
  dir: string
  /** After `serve`, e.g. `--demo-data`. */
  args?: readonly string[]
  /** Node's own, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[]
  timeoutMs?: number
}

/**
 * `target-ledger serve` in a process of its own, as an operator starts it (demo principals, info logs
 * to a file, so reading them costs the load generator nothing), except for a rate limit no run
 * reaches. Resolves once it listens, with its address; a server that does not get there is stopped.
 */
export async function startServe({ dir, args = [], nodeFlags = [], timeoutMs = 120_000 }: ServeOptions): Promise<{ child: ChildProcess & { pid: number }; url: string; file: string }> {
  const logFile = join(dir, 'server.log')
  const log = openSync(logFile, 'w')
  const child = spawn(process.execPath, [...nodeFlags, ...nodeArgsFor(import.meta.url, '../src/cli/main'), 'serve', ...args], {
    env: {
      ...inheritedEnv(),
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: String(1_000_000_000),
    },
    stdio: ['ignore', log, 'inherit'],
  }) as ChildProcess & { pid: number }
  closeSync(log)
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); its log:\n${readFileSync(logFile, 'utf8')}`)
    if (performance.now() > deadline) {
      await stop(child)
      throw new Error(`the server did not start listening in ${timeoutMs / 1000} s`)
    }
    // The line pino logs once listening carries the docs address; a line still being written is skipped.
    const docs = /"docs":"(http:[^"]+)\/docs"/.exec(readFileSync(logFile, 'utf8'))?.[1]
    if (docs !== undefined) return { child, url: docs, file: join(dir, 'data', 'ledger.db') }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
