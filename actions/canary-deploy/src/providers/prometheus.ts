// Prometheus instant queries through the HTTP API (`GET /api/v1/query`): one series or a scalar
// is a value; an empty vector is "no data"; a status "error", a non-2xx answer or a network
// failure is an error, never a pass. Several series are refused (aggregate with sum/avg).
import type { Measurement } from '../analysis.ts'

interface QueryAnswer {
  status?: string
  errorType?: string
  error?: string
  data?: { resultType?: string; result?: unknown }
}

export async function prometheusQuery(
  baseUrl: string,
  query: string,
  options: { timeoutMs: number; fetchFn?: typeof fetch },
): Promise<Measurement> {
  const url = `${baseUrl}/api/v1/query?${new URLSearchParams({ query, timeout: `${Math.max(1, Math.floor(options.timeoutMs / 1000))}s` })}`
  let res: Response
  try {
    res = await (options.fetchFn ?? fetch)(url, {
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: { accept: 'application/json' },
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    return { query, error: `Prometheus at ${baseUrl} unreachable (${cause ?? (error as Error).name})` }
  }
  const text = await res.text()
  let body: QueryAnswer
  try {
    body = JSON.parse(text) as QueryAnswer
  } catch {
    return { query, error: `Prometheus answered HTTP ${res.status} with no JSON: ${text.slice(0, 120)}` }
  }
  if (!res.ok || body.status !== 'success') {
    return { query, error: `Prometheus ${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? text.slice(0, 120)}` }
  }
  return { query, ...instantValue(body.data) }
}

/** The one number an instant query gave, or why there is none. */
export function instantValue(data: QueryAnswer['data']): Pick<Measurement, 'value' | 'noData' | 'error'> {
  const type = data?.resultType
  const result = data?.result
  if (type === 'scalar') return { value: Number((result as [number, string])[1]) }
  if (type === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return { noData: 'no data (empty result)' }
    if (result.length > 1)
      return { error: `the query returned ${result.length} series; aggregate it to one (sum, avg, max)` }
    const raw = (result[0] as { value?: [number, string] }).value?.[1]
    const value = Number(raw)
    return Number.isNaN(value)
      ? { value, noData: `no data (NaN${raw === 'NaN' ? ', e.g. 0/0 with no requests' : ''})` }
      : { value }
  }
  return { error: `the query gave a ${type ?? 'missing'} result; expected an instant vector or scalar` }
}
