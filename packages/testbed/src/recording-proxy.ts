// A tiny HTTP proxy in front of a local service (moto) that records every request in arrival
// order: which objects were PUT, in which order, how many. Tests and benches point the SDK or
// the aws CLI at it instead of the service.
import { createServer, request } from 'node:http'
import { freePort } from './process.ts'

export interface RecordedRequest {
  method: string
  /** Path and query as sent (`/bucket/key?uploads`). */
  url: string
  /** Arrival sequence number, from 0. */
  seq: number
}

export interface RecordingProxy {
  endpoint: string
  requests: RecordedRequest[]
  clear(): void
  stop(): Promise<void>
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target)
  const requests: RecordedRequest[] = []
  let seq = 0
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', seq: seq++ })
    const headers = { ...req.headers, host: upstream.host }
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    out.on('error', (e) => {
      res.writeHead(502)
      res.end(String(e))
    })
    req.pipe(out)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    clear: () => {
      requests.length = 0
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * The object keys written through the proxy, in arrival order (path-style URLs: `/bucket/key`):
 * PutObject, and CreateMultipartUpload for multipart uploads (counted once per object).
 */
export function uploadedKeys(requests: readonly RecordedRequest[], bucket: string): string[] {
  const keys: string[] = []
  for (const r of requests) {
    const u = new URL(r.url, 'http://x')
    if (!u.pathname.startsWith(`/${bucket}/`)) continue
    const key = decodeURIComponent(u.pathname.slice(bucket.length + 2))
    const multipartStart = r.method === 'POST' && u.searchParams.has('uploads')
    const put = r.method === 'PUT' && !u.searchParams.has('partNumber') && !u.searchParams.has('uploadId')
    if (put || multipartStart) keys.push(key)
  }
  return keys
}
