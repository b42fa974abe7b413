// Finds a Chromium to drive (CHROMIUM_PATH, else the usual names on PATH) and launches it headless:
// for the dashboard bench and the dashboard's end-to-end test alike.
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Browser } from 'playwright-core'

const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The browser binary, or undefined when none is installed. */
export const findChromium = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')
  for (const name of names) for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name)
  return undefined
}

/** No sandbox (CI runs as root), no GPU, nothing fetched behind the test's back. */
export const launchChromium = async (executablePath: string): Promise<Browser> => {
  // Loaded here: a development dependency, needed only once a browser is there to drive.
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
}
