// One smoke request with native fetch: per-request timeout, body read (bounded), verdict.
import { errorCode, formatDuration } from '@deploy-actions/kit'
import { type Check, evaluate, expectsRedirect } from './checks.ts'
import type { Attempt, Probe } from './schedule.ts'

/** Bodies are read up to this size for the expectations; the rest is discarded. */
export const MAX_BODY_BYTES = 1024 * 1024

class RequestTimeout extends Error {
  override name = 'RequestTimeout'
}

export function httpProbe(fetchFn: typeof fetch = fetch, now: () => number = () => performance.now()): Probe {
  return async (check: Check, timeoutMs: number, cancel?: AbortSignal): Promise<Attempt> => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), timeoutMs)
    const onCancel = () => controller.abort(cancel?.reason)
    cancel?.addEventListener('abort', onCancel, { once: true })
    const started = now()
    try {
      const res = await fetchFn(check.url, {
        method: check.method,
        headers: check.headers,
        ...(check.body === undefined ? {} : { body: check.body }),
        redirect: expectsRedirect(check.expect) ? 'manual' : 'follow',
        signal: controller.signal,
      })
      const body = check.method === 'HEAD' ? '' : await readBody(res)
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
