// One local HTTP server per image version, standing in for that version's pods. What it answers
// follows the image tag, so a test picks a behaviour by the image it deploys:
//   `…-errors` → 500 for one request in five (20%), `…-slow` → 200 after 400 ms, else 200.
// The pod the load balancer chose comes in the `x-emulator-pod` header and goes back in the body.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export const SLOW_DELAY_MS = 400
export const ERROR_EVERY = 5

export interface Backend {
  image: string
  port: number
  close(): Promise<void>
}

/** What a version answers to its n-th request (0-based), and after how long. */
export function behaviourOf(tag: string, n: number): { code: number; delayMs: number } {
  if (tag.endsWith('-errors')) return { code: n % ERROR_EVERY === ERROR_EVERY - 1 ? 500 : 200, delayMs: 0 }
  if (tag.endsWith('-slow')) return { code: 200, delayMs: SLOW_DELAY_MS }
  return { code: 200, delayMs: 0 }
}

export async function startBackend(image: string, tag: string): Promise<Backend> {
  let n = 0
  const pending = new Set<NodeJS.Timeout>()
  const server: Server = createServer((req, res) => {
    const { code, delayMs } = behaviourOf(tag, n++)
    const answer = () => {
      const body = JSON.stringify({ image, pod: req.headers['x-emulator-pod'] ?? '', code })
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
      res.end(body)
    }
    if (delayMs === 0) answer()
    else {
      const timer = setTimeout(() => {
        pending.delete(timer)
        answer()
      }, delayMs)
      pending.add(timer)
    }
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    image,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t)
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
