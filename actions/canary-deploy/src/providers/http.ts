// HTTP checks run on smoke-test's engine: its check model (name, url, method, headers, body,
// expect) and one probe of it, with the canary header added when the check pins the canary.
// TODO(lead): checks.ts/http.ts of smoke-test belong in a package once two actions use them.
import { checksFromYaml } from '../../../smoke-test/src/checks.ts'
import { httpProbe } from '../../../smoke-test/src/http.ts'
import type { Measurement } from '../analysis.ts'
import type { HttpCheck } from '../metrics.ts'

export async function httpMeasure(
  check: HttpCheck,
  header: { name: string; value: string } | undefined,
  timeoutMs: number,
): Promise<Measurement> {
  const [smoke] = checksFromYaml(
    JSON.stringify([check.request]),
    { status: [[200, 299]], headers: {} },
    `metrics check ${check.name}`,
  )
  if (!smoke) return { error: 'no request' }
  if (header && check.pinCanary) smoke.headers[header.name] = header.value
  const attempt = await httpProbe()(smoke, timeoutMs)
  const query = `${smoke.method} ${smoke.displayUrl}${header && check.pinCanary ? ` (${header.name}: ${header.value})` : ''}`
  if (attempt.ok)
    return {
      query,
      value: attempt.latencyMs,
      http: { ok: true, reason: `HTTP ${attempt.status} in ${Math.round(attempt.latencyMs)}ms` },
    }
  if (attempt.kind === 'network' || attempt.kind === 'timeout') return { query, error: attempt.reason }
  return {
    query,
    ...(attempt.latencyMs === undefined ? {} : { value: attempt.latencyMs }),
    http: { ok: false, reason: attempt.reason },
  }
}
