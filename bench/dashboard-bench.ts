// Issue #8's goals for the dashboard's ranking view: page weight and first render, in Chromium on loopback
// against `target-ledger serve --demo-data`, cold visits and warm reloads measured side by side.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Browser, BrowserContext, ConsoleMessage, Page, Response } from 'playwright-core'
import { startServe, stop } from './bench-process.js'
import { findChromium, launchChromium } from './chromium.js'

export interface DashboardBenchOptions {
  /** Cold visits, and as many warm reloads taken in turn with them. Default 10. */
  visits?: number
  print?: (line: string) => void
}

export interface LoadFigures {
  /** Navigation start → the page's `dashboard-first-render` mark, in ms. */
  firstRenderMs: number
  /** Navigation start → the paint of the largest element (the ranking section once it is in), in ms. */
  paintedMs: number
  /** `page.goto`/`page.reload` → the ready view seen by this process, round trips to the browser included, in ms. */
  driverMs: number
  /** Response bodies as received (the service does not compress: the same as decoded). */
  bodyBytes: number
  /** Bodies and response headers. */
  wireBytes: number
  /** Responses the browser received from the network (a 304 counts; a memory-cache hit does not). */
  responses: number
}

export interface Summary {
  runs: number
  firstRender: { medianMs: number; maxMs: number }
  painted: { medianMs: number; maxMs: number }
  driver: { medianMs: number; maxMs: number }
  /** Bytes of the first load of the kind: every cold visit fetches the same files and the same answer. */
  bodyBytes: number
  wireBytes: number
  responses: number
}

export type DashboardBenchResult = { skipped: string } | { cold: Summary; warm: Summary; weightMet: boolean; firstRenderMet: boolean }

/** Issue #8: the ranking view weighs under 300 KB and renders within a second on loopback. */
export const PAGE_WEIGHT_GOAL_BYTES = 300 * 1024
export const FIRST_RENDER_GOAL_MS = 1000

/** A day of the demo year with reports and verdicts in it; explicit, so the figures do not move with the calendar. */
const asOf = '2023-06-30'
const zones = 11

export async function runDashboardBench(options: DashboardBenchOptions = {}): Promise<DashboardBenchResult> {
  const visits = options.visits ?? 10
  const print = options.print ?? ((line: string) => console.log(line))
  const executablePath = findChromium()
  if (executablePath === undefined) {
    const skipped = 'no Chromium found (CHROMIUM_PATH, then chromium, chromium-browser, google-chrome on PATH): `apt-get install chromium` to run it'
    print(`dashboard bench: skipped, ${skipped}`)
    return { skipped }
  }

  const dir = mkdtempSync(join(tmpdir(), 'target-ledger-dashboard-bench-'))
  let server: ChildProcess | undefined
  let browser: Browser | undefined
  try {
    try {
      browser = await launchChromium(executablePath)
    } catch (error) {
      const skipped = `${executablePath} did not launch: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`
      print(`dashboard bench: skipped, ${skipped}`)
      return { skipped }
    }
    const started = performance.now()
    // Up once the demo year is loaded and the read models have caught up with it.
    const real = await startServe({ dir, args: ['--demo-data'] })
    server = real.child
    const url = `${real.url}/#/?asOf=${asOf}`
    print(
      `dashboard bench: ranking view ${url.replace(real.url, '')} of \`target-ledger serve --demo-data\` (up in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s), Chromium ${browser.version()} headless on loopback; ` +
        `${visits} cold visits (a fresh browser context each: empty cache) taken in turn with ${visits} warm reloads (one context, cache kept); ` +
        // Browser, server and bench share the machine: its load says how much of a figure is the page's own cost.
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    )

    const warmContext = await newContext(browser)
    const warmPage = await warmContext.newPage()
    await measure(warmPage, () => warmPage.goto(url))
    const cold: LoadFigures[] = []
    const warm: LoadFigures[] = []
    for (let visit = 0; visit < visits; visit += 1) {
      const context = await newContext(browser)
      try {
        const page = await context.newPage()
        cold.push(await measure(page, () => page.goto(url)))
      } finally {
        await context.close()
      }
      warm.push(await measure(warmPage, () => warmPage.reload()))
    }
    await warmContext.close()

    const result = { cold: summarize(cold), warm: summarize(warm) }
    const weightMet = result.cold.bodyBytes < PAGE_WEIGHT_GOAL_BYTES
    const firstRenderMet = result.cold.firstRender.medianMs < FIRST_RENDER_GOAL_MS
    const ms = (figure: number) => `${figure.toFixed(0)} ms`.padStart(8)
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(9)
    print('                  first render       painted (LCP)      driver sees ready  bodies     wire       responses')
    print('                  median   max       median   max       median   max')
    for (const [name, summary] of [['cold visit', result.cold], ['warm reload', result.warm]] as const) {
      print(
        `  ${name.padEnd(14)}${ms(summary.firstRender.medianMs)}${ms(summary.firstRender.maxMs)}  ${ms(summary.painted.medianMs)}${ms(summary.painted.maxMs)}  ` +
          `${ms(summary.driver.medianMs)}${ms(summary.driver.maxMs)}  ${kb(summary.bodyBytes)}  ${kb(summary.wireBytes)}  ${String(summary.responses).padStart(5)}`,
      )
    }
    print('  goal (issue #8)               figure      goal')
    print(`  page weight, cold visit     ${kb(result.cold.bodyBytes)}  < ${PAGE_WEIGHT_GOAL_BYTES / 1024} KB   ${weightMet ? 'met' : 'NOT MET'}`)
    print(`  first render, cold median    ${ms(result.cold.firstRender.medianMs)}  < ${FIRST_RENDER_GOAL_MS} ms  ${firstRenderMet ? 'met' : 'NOT MET'}`)
    print(
      '  first render: navigation start → the mark the page sets once the ranking table holds every zone with the API’s numbers ' +
        '(DOM built, before its paint); painted: the largest-contentful-paint entry that follows it',
    )
    return { ...result, weightMet, firstRenderMet }
  } finally {
    await browser?.close()
    if (server !== undefined) await stop(server)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** As the e2e test opens its pages: a desktop viewport, Chinese first (the page's default language). */
const newContext = (browser: Browser): Promise<BrowserContext> => browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })

/**
 * One load of the ranking view by `navigate`. Checks that it is the view the goal is about (every zone,
 * each with a completion figure, no console error, no failed response) before its figures count.
 */
async function measure(page: Page, navigate: () => Promise<unknown>): Promise<LoadFigures> {
  const problems: string[] = []
  const sizes: Promise<{ body: number; headers: number }>[] = []
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(message.text())
  }
  const onPageError = (error: Error) => problems.push(error.message)
  const onResponse = (response: Response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
    if (response.fromServiceWorker()) return
    sizes.push(
      response.request().sizes().then(
        (size) => ({ body: size.responseBodySize, headers: size.responseHeadersSize }),
        () => ({ body: 0, headers: 0 }),
      ),
    )
  }
  page.on('console', onConsole)
  page.on('pageerror', onPageError)
  page.on('response', onResponse)
  try {
    const started = performance.now()
    await navigate()
    await page.waitForSelector(`#view[data-state="ready"][data-route="ranking"][data-as-of="${asOf}"]`)
    const driverMs = performance.now() - started
    const rendered = await page.$$eval('table.ranking tbody tr .completion', (cells) => cells.filter((cell) => /\d%$/.test(cell.textContent ?? '')).length)
    if (rendered !== zones) problems.push(`${rendered} of ${zones} zones show a completion`)
    const { firstRenderMs, paintedMs } = await page.evaluate<{ firstRenderMs: number | null; paintedMs: number }>(paintTimes)
    if (firstRenderMs === null) problems.push('the page set no dashboard-first-render mark')
    if (problems.length > 0) throw new Error(`the ranking view did not load cleanly: ${problems.join('; ')}`)
    const received = await Promise.all(sizes)
    return {
      firstRenderMs: firstRenderMs!,
      paintedMs,
      driverMs,
      bodyBytes: received.reduce((sum, size) => sum + size.body, 0),
      wireBytes: received.reduce((sum, size) => sum + size.body + size.headers, 0),
      responses: received.length,
    }
  } finally {
    page.off('console', onConsole)
    page.off('pageerror', onPageError)
    page.off('response', onResponse)
  }
}

/**
 * Evaluated in the page (a string: this file compiles against Node's types, which know no paint entries).
 * The mark's time is from the document's time origin, its navigation start. The paint is the first
 * largest-contentful-paint entry at or after the mark (the ranking section is then the largest element;
 * an earlier entry is the header's); NaN when Chromium reports none within 2 s.
 */
const paintTimes = `new Promise((resolve) => {
  const mark = performance.getEntriesByName('dashboard-first-render')[0]?.startTime ?? null
  const done = (paintedMs) => resolve({ firstRenderMs: mark, paintedMs })
  const timer = setTimeout(() => done(NaN), 2000)
  new PerformanceObserver((list, observer) => {
    const painted = list.getEntries().map((entry) => entry.renderTime || entry.startTime).find((time) => mark !== null && time >= mark)
    if (painted === undefined) return
    clearTimeout(timer)
    observer.disconnect()
    done(painted)
  }).observe({ type: 'largest-contentful-paint', buffered: true })
})`

function summarize(loads: readonly LoadFigures[]): Summary {
  const spread = (figure: (load: LoadFigures) => number) => {
    const sorted = loads.map(figure).sort((a, b) => a - b)
    const middle = sorted.length / 2
    const medianMs = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2
    return { medianMs, maxMs: sorted[sorted.length - 1]! }
  }
  const [first] = loads
  return {
    runs: loads.length,
    firstRender: spread((load) => load.firstRenderMs),
    painted: spread((load) => load.paintedMs),
    driver: spread((load) => load.driverMs),
    bodyBytes: first!.bodyBytes,
    wireBytes: first!.wireBytes,
    responses: first!.responses,
  }
}


