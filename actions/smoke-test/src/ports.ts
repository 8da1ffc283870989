// The I/O of smoke-test: the probe (one request with native fetch, from @deploy-actions/http-check,
// which the canary's HTTP analysis shares) and the JSON report file.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export type { Attempt, Probe } from '@deploy-actions/http-check'
export { describeNetworkError, httpProbe, MAX_BODY_BYTES } from '@deploy-actions/http-check'

/** Writes the JSON report (the `report` output), creating its directory. */
export function writeReportFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}
