// The traffic emulator: a load balancer and its clients in one. It reads the live routing from a
// Kubernetes API (the simulator) every `refreshMs`, sends a steady, bounded load of requests on
// loopback to one local HTTP server per image version (backends.ts), and exposes what was served
// as Prometheus metrics (`/metrics`) and as a served share per version over a time window.
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { KObj } from '../kube/types.ts'
import { type Backend, startBackend } from './backends.ts'
import { CONTENT_TYPE, RequestMetrics } from './metrics.ts'
import {
  type EmulatedRequest,
  expectedShares,
  pick,
  type Resolution,
  type RoutingSnapshot,
  resolveRouting,
} from './routing.ts'

export interface TrafficEmulatorOptions {
  /** The Kubernetes API to read routing from (a KubeSimulator fits). */
  kube: { url: string; token?: string }
  namespace?: string
  /** The Service to route to (the `replicas` router: the stable Service over stable and canary pods). */
  service?: string
  /** Route through this HTTPRoute's backendRef weights instead. */
  httpRoute?: string
  /** Route through this Ingress: its ALB forward action, or an nginx canary Ingress beside it. */
  ingress?: string
  /** Requests per second (default 100). */
  rps?: number
  /** The emulated request: path (default `/`), host, headers (e.g. `{ 'X-Canary': 'always' }`). */
  path?: string
  host?: string
  headers?: Record<string, string>
  /** How often the routing is re-read (default 100 ms). */
  refreshMs?: number
  /** Stops by itself after this long (default 15 min) or this many requests (default rps × 900). */
  maxDurationMs?: number
  maxRequests?: number
  /** Requests in flight beyond which a due request is dropped (counted, never queued; default 500). */
  maxInFlight?: number
}

export interface ServedShare {
  /** Requests dispatched in the window. */
  total: number
  canary: number
  stable: number
  /** Answered by the load balancer itself (no ready endpoints, all weights 0, no route). */
  none: number
  /** canary / (canary + stable): the share of the traffic the pods served that the canary served (0 when none). */
  canaryShare: number
  /** Dispatched requests per image tag. */
  byTag: Record<string, number>
  /** Completed requests in the window and how many of them were 5xx. */
  completed: number
  errors: number
}

export interface TrafficEmulator {
  /** `http://127.0.0.1:PORT/metrics`, for Prometheus to scrape. */
  metricsUrl: string
  /** What the requests dispatched in the last `windowMs` went to. */
  servedShare(windowMs: number): ServedShare
  /** The share each version gets under the routing read last (what the objects ask for). */
  expectedShare(): { canary: number; stable: number; none: number }
  /** Where the split was read (`httproute web rule 1: web=90 web-canary=10`). */
  routing(): string
  /** Re-reads the routing now (after a write a test wants taken into account at once). */
  refresh(): Promise<void>
  /** Requests sent, dropped (in-flight bound), and the last API read error, if any. */
  stats(): { sent: number; dropped: number; inFlight: number; lastError?: string }
  stop(): Promise<void>
}

interface Sent {
  t: number
  version: 'canary' | 'stable' | 'none'
  tag: string
  code?: number
}

/** Golden-ratio low-discrepancy sequence: a weighted round robin whose every stretch matches the weights. */
const PHI = (Math.sqrt(5) - 1) / 2

export async function startTrafficEmulator(options: TrafficEmulatorOptions): Promise<TrafficEmulator> {
  const namespace = options.namespace ?? 'default'
  const rps = options.rps ?? 100
  if (!(rps > 0 && rps <= 2000)) throw new Error(`traffic emulator: rps must be in (0, 2000], got ${rps}`)
  if (!options.service && !options.httpRoute && !options.ingress) {
    throw new Error('traffic emulator: give a service, an httpRoute or an ingress to route through')
  }
  const maxDurationMs = options.maxDurationMs ?? 15 * 60_000
  const maxRequests = options.maxRequests ?? Math.ceil(rps * 900)
  const maxInFlight = options.maxInFlight ?? 500
  const req: EmulatedRequest = {
    method: 'GET',
    path: options.path ?? '/',
    host: options.host,
    headers: options.headers ?? {},
  }
  const target = { service: options.service, httpRoute: options.httpRoute, ingress: options.ingress }

  // --- reading the routing -------------------------------------------------------------------
  const api = async (path: string): Promise<KObj | undefined> => {
    const res = await fetch(`${options.kube.url}${path}`, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${options.kube.token ?? 'traffic-emulator'}` },
    })
    if (res.status === 404) {
      await res.arrayBuffer()
      return undefined
    }
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as KObj
  }
  let resolution: Resolution = { outcomes: [], via: 'not read yet' }
  let lastError: string | undefined
  const read = async () => {
    const ns = encodeURIComponent(namespace)
    const [pods, endpoints, ingresses, httpRoute] = await Promise.all([
      api(`/api/v1/namespaces/${ns}/pods`),
      api(`/api/v1/namespaces/${ns}/endpoints`),
      options.ingress ? api(`/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`) : undefined,
      options.httpRoute
        ? api(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes/${encodeURIComponent(options.httpRoute)}`)
        : undefined,
    ])
    const snap: RoutingSnapshot = {
      pods: pods?.items ?? [],
      endpoints: endpoints?.items ?? [],
      ingresses: ingresses?.items ?? [],
      httpRoute,
    }
    resolution = resolveRouting(snap, target, req)
    lastError = undefined
  }
  let reading: Promise<void> | undefined
  const refresh = () => {
    reading ??= read()
      .catch((e: unknown) => {
        lastError = (e as Error).message
      })
      .finally(() => {
        reading = undefined
      })
    return reading
  }
  await refresh()
  if (lastError) throw new Error(`traffic emulator: cannot read the routing: ${lastError}`)

  // --- backends, metrics -------------------------------------------------------------------
  const backends = new Map<string, Promise<Backend>>()
  const backendFor = (image: string, tag: string) => {
    let b = backends.get(image)
    if (!b) {
      b = startBackend(image, tag)
      backends.set(image, b)
    }
    return b
  }
  const metrics = new RequestMetrics()
  const metricsServer: Server = createServer((r, res) => {
    const url = new URL(r.url ?? '/', 'http://emulator')
    if (url.pathname === '/metrics') {
      const text = metrics.render()
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) })
      res.end(text)
    } else if (url.pathname === '/share') {
      const text = JSON.stringify(servedShare(Number(url.searchParams.get('windowMs') ?? 5000)))
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(text)
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', () => resolve()))
  const metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`

  // --- the load ----------------------------------------------------------------------------
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight })
  const window: Sent[] = []
  const keepMs = 10 * 60_000
  let sent = 0
  let dropped = 0
  let inFlight = 0
  let sequence = Math.random()
  const started = Date.now()
  let stopped = false

  const send = (): void => {
    sequence = (sequence + PHI) % 1
    const outcome = pick(resolution, sequence)
    const t0 = performance.now()
    const entry: Sent = { t: Date.now(), version: 'none', tag: 'none' }
    window.push(entry)
    sent++
    if (!outcome) {
      entry.code = 503
      metrics.observe('none', 'none', 503, 0)
      return
    }
    if (outcome.kind === 'status') {
      entry.code = outcome.code
      metrics.observe('none', 'none', outcome.code, 0)
      return
    }
    const { backend } = outcome
    entry.version = backend.version
    entry.tag = backend.tag
    inFlight++
    const done = (code: number) => {
      inFlight--
      entry.code = code
      metrics.observe(backend.version, backend.tag, code, (performance.now() - t0) / 1000)
    }
    void backendFor(backend.image, backend.tag).then(
      (b) => {
        const r = request(
          {
            host: '127.0.0.1',
            port: b.port,
            path: req.path,
            method: req.method,
            agent,
            headers: { 'x-emulator-pod': backend.pod },
          },
          (res) => {
            res.resume()
            res.on('end', () => done(res.statusCode ?? 502))
          },
        )
        r.on('error', () => done(502))
        r.end()
      },
      () => done(502),
    )
  }

  const tick = () => {
    if (stopped) return
    const now = Date.now()
    if (now - started > maxDurationMs || sent + dropped >= maxRequests) {
      void stop()
      return
    }
    const due = Math.floor(((now - started) * rps) / 1000) - sent - dropped
    for (let i = 0; i < due; i++) {
      if (inFlight >= maxInFlight) dropped++
      else send()
    }
    while (window.length && window[0]!.t < now - keepMs) window.shift()
  }
  const loadTimer = setInterval(tick, Math.max(5, Math.min(50, Math.floor(1000 / rps))))
  const readTimer = setInterval(() => void refresh(), options.refreshMs ?? 100)

  function servedShare(windowMs: number): ServedShare {
    const from = Date.now() - windowMs
    const out: ServedShare = {
      total: 0,
      canary: 0,
      stable: 0,
      none: 0,
      canaryShare: 0,
      byTag: {},
      completed: 0,
      errors: 0,
    }
    for (const s of window) {
      if (s.t < from) continue
      out.total++
      out[s.version]++
      if (s.version !== 'none') out.byTag[s.tag] = (out.byTag[s.tag] ?? 0) + 1
      if (s.code !== undefined) {
        out.completed++
        if (s.code >= 500) out.errors++
      }
    }
    out.canaryShare = out.canary + out.stable > 0 ? out.canary / (out.canary + out.stable) : 0
    return out
  }

  async function stop(): Promise<void> {
    if (stopped) return
    stopped = true
    clearInterval(loadTimer)
    clearInterval(readTimer)
    await reading
    agent.destroy()
    await new Promise<void>((resolve) => {
      metricsServer.close(() => resolve())
      metricsServer.closeAllConnections()
    })
    const all = await Promise.allSettled([...backends.values()])
    await Promise.all(all.flatMap((b) => (b.status === 'fulfilled' ? [b.value.close()] : [])))
  }

  return {
    metricsUrl,
    servedShare,
    expectedShare: () => expectedShares(resolution),
    routing: () => resolution.via,
    refresh,
    stats: () => ({ sent, dropped, inFlight, ...(lastError ? { lastError } : {}) }),
    stop,
  }
}
