// HTTP checks run on the engine smoke-test uses too (@deploy-actions/http-check): its check model
// (name, url, method, headers, body, expect) and one probe of it, with the canary header added
// when the check pins the canary.
import { checksFromYaml, httpProbe } from '@deploy-actions/http-check'
import type { Measurement } from '../analysis.ts'
import type { HttpCheck } from '../metrics.ts'

export async function httpMeasure(
  check: HttpCheck,
  header: { name: string; value: string } | undefined,
  timeoutMs: number,
): Promise<Measurement> {
  const [request] = checksFromYaml(
    JSON.stringify([check.request]),
    { status: [[200, 299]], headers: {} },
    `metrics check ${check.name}`,
  )
  if (!request) return { error: 'no request' }
  if (header && check.pinCanary) request.headers[header.name] = header.value
  const attempt = await httpProbe()(request, timeoutMs)
  const query = `${request.method} ${request.displayUrl}${header && check.pinCanary ? ` (${header.name}: ${header.value})` : ''}`
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
