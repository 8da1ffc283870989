// The I/O of smoke-test: the probe (one request with native fetch, in http.ts, which the canary's
// HTTP analysis reuses) and the JSON report file.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export { describeNetworkError, httpProbe, MAX_BODY_BYTES } from './http.ts'
export type { Attempt, Probe } from './schedule.ts'

/** Writes the JSON report (the `report` output), creating its directory. */
export function writeReportFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}
