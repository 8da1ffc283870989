// One check request with native fetch: per-request timeout, body read (bounded), verdict.
// Redirects are followed here, not by fetch, so that no header the user set reaches another
// origin unless marked safe (fetch itself only drops Authorization and Cookie, so X-Api-Key or
// X-Vault-Token would follow): the credential rule of browsers and curl, for every header.
import { errorCode, formatDuration } from '@deploy-actions/kit'
import { type Check, DEFAULT_REDIRECTS, evaluate, expectsRedirect, type RedirectPolicy } from './checks.ts'

export type FailureKind = 'network' | 'timeout' | 'status' | 'json' | 'body' | 'latency' | 'redirect' | 'cancelled'

/** The result of one request. */
export type Attempt =
  | { ok: true; status: number; latencyMs: number }
  | { ok: false; kind: FailureKind; reason: string; status?: number; latencyMs?: number }

/** Makes one request for `check`, giving up after `timeoutMs` or when `signal` aborts. Never throws. */
export type Probe = (check: Check, timeoutMs: number, signal?: AbortSignal) => Promise<Attempt>

/** Bodies are read up to this size for the expectations; the rest is discarded. */
export const MAX_BODY_BYTES = 1024 * 1024

class RequestTimeout extends Error {
  override name = 'RequestTimeout'
}

/** As many hops as fetch (and browsers) follow. */
const MAX_REDIRECTS = 20
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

type Request = { url: string; method: string; headers: Record<string, string>; body?: string }

/**
 * The request after a redirect to `location`, or a reason not to follow it. Across origins only
 * the safe headers are kept, and they stay dropped for the rest of the chain; 303 (and 301/302
 * after a POST) turn into a GET without a body, as fetch does.
 */
export function nextRequest(
  from: Request,
  status: number,
  location: string,
  originalOrigin: string,
  policy: RedirectPolicy,
): Request | { refused: string } {
  let next: URL
  try {
    next = new URL(location, from.url)
  } catch {
    return { refused: `redirected to an unusable Location (HTTP ${status})` }
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    return { refused: `redirected to a ${next.protocol} URL (HTTP ${status})` }
  let headers = from.headers
  if (next.origin !== originalOrigin) {
    if (policy.crossOrigin === 'refuse')
      return {
        refused: `redirected to another origin, ${next.origin} (HTTP ${status}); cross-origin-redirect is refuse`,
      }
    const safe = new Set(policy.safeHeaders.map((h) => h.toLowerCase()))
    headers = Object.fromEntries(Object.entries(headers).filter(([k]) => safe.has(k.toLowerCase())))
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && from.method === 'POST')
  if (toGet) {
    headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'))
    return { url: next.href, method: from.method === 'HEAD' ? 'HEAD' : 'GET', headers }
  }
  return { url: next.href, method: from.method, headers, ...(from.body === undefined ? {} : { body: from.body }) }
}

export function httpProbe(
  fetchFn: typeof fetch = fetch,
  now: () => number = () => performance.now(),
  redirects: RedirectPolicy = DEFAULT_REDIRECTS,
): Probe {
  return async (check: Check, timeoutMs: number, cancel?: AbortSignal): Promise<Attempt> => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), timeoutMs)
    const onCancel = () => controller.abort(cancel?.reason)
    cancel?.addEventListener('abort', onCancel, { once: true })
    const started = now()
    const origin = new URL(check.url).origin
    const follow = !expectsRedirect(check.expect)
    let request: Request = {
      url: check.url,
      method: check.method,
      headers: check.headers,
      ...(check.body === undefined ? {} : { body: check.body }),
    }
    try {
      let res: Response
      for (let hop = 0; ; hop++) {
        res = await fetchFn(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          redirect: 'manual',
          signal: controller.signal,
        })
        const location = res.headers.get('location')
        if (!follow || !REDIRECT_STATUSES.has(res.status) || location === null) break
        await res.body?.cancel().catch(() => {})
        if (hop >= MAX_REDIRECTS)
          return { ok: false, kind: 'redirect', reason: `more than ${MAX_REDIRECTS} redirects`, status: res.status }
        const next = nextRequest(request, res.status, location, origin, redirects)
        if ('refused' in next) return { ok: false, kind: 'redirect', reason: next.refused, status: res.status }
        request = next
      }
      const body = request.method === 'HEAD' ? '' : await readBody(res)
      const latencyMs = now() - started
      const verdict = evaluate(check.expect, { status: res.status, body, latencyMs })
      return verdict.ok
        ? { ok: true, status: res.status, latencyMs }
        : { ok: false, kind: verdict.kind, reason: verdict.reason, status: res.status, latencyMs }
    } catch (error) {
      if (cancel?.aborted) return { ok: false, kind: 'cancelled', reason: 'request aborted: the job was cancelled' }
      if (controller.signal.aborted) {
        return { ok: false, kind: 'timeout', reason: `no answer within ${formatDuration(timeoutMs)}` }
      }
      return { ok: false, kind: 'network', reason: describeNetworkError(error, check.url) }
    } finally {
      clearTimeout(timer)
      cancel?.removeEventListener('abort', onCancel)
    }
  }
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {})
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  ETIMEDOUT: 'connect timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/** Says in a few words why a request got no HTTP answer. */
export function describeNetworkError(error: unknown, url: string): string {
  const code = errorCode(error)
  if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code]
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup of ${new URL(url).hostname} failed (${code})`
  if (code && /CERT|SSL|TLS/.test(code)) return `TLS error (${code})`
  let e: unknown = error
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  const message = e instanceof Error ? e.message : String(e)
  return code ? `${message} (${code})` : message
}
