// A real Prometheus (Debian's `prometheus` package) on a free loopback port, scraping the
// targets it is given every second, so PromQL in tests is evaluated by Prometheus itself.
// Our own instance, never the packaged service: a generated config, a data dir in a temp dir
// (removed on stop), stopped by PID. Targets can be added later: the config is rewritten and
// reloaded through the lifecycle API (`POST /-/reload`), which answers once the reload is done.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, httpOk, removeDir, requireBinary, type Service, startService, tempDir } from './process.ts'

export interface PrometheusOptions {
  /** Scrape targets as URLs (`http://127.0.0.1:PORT/metrics`), each its own job unless named. */
  targets?: (string | PrometheusTarget)[]
  /** Scrape and rule-evaluation interval (default 1000 ms). */
  intervalMs?: number
  port?: number
}

export interface PrometheusTarget {
  url: string
  /** The `job` label (default `target-<n>`). */
  job?: string
  /** Extra labels on every series scraped from this target. */
  labels?: Record<string, string>
}

/** One element of an instant vector. */
export interface PromSample {
  metric: Record<string, string>
  value: number
  /** Seconds since the epoch of the evaluation. */
  time: number
}

export interface Prometheus extends Service {
  url: string
  port: number
  dataDir: string
  /** Adds a scrape target (rewrites the config and reloads); resolves once Prometheus took it. */
  addTarget(target: string | PrometheusTarget): Promise<void>
  /** Evaluates an instant query; a vector comes back as samples, a scalar as one sample with no labels. */
  query(promql: string, time?: Date): Promise<PromSample[]>
  /** The single value of a query (NaN stays NaN); undefined when the result is empty. */
  queryValue(promql: string, time?: Date): Promise<number | undefined>
  /** Waits until every target has been scraped successfully at least once (`health: up`). */
  waitForTargets(timeoutMs?: number): Promise<void>
}

/** A PromQL or API error as Prometheus reports it (`errorType: bad_data`, the parser's message). */
export class PromQLError extends Error {
  override name = 'PromQLError'
  readonly errorType: string
  constructor(errorType: string, message: string) {
    super(message)
    this.errorType = errorType
  }
}

interface ScrapeJob {
  job: string
  host: string
  path: string
  scheme: string
  labels: Record<string, string>
}

function toJob(target: string | PrometheusTarget, n: number): ScrapeJob {
  const t = typeof target === 'string' ? { url: target } : target
  const url = new URL(t.url)
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`prometheus target ${t.url}: only loopback targets are scraped here`)
  }
  return {
    job: t.job ?? `target-${n}`,
    host: url.host,
    path: url.pathname || '/metrics',
    scheme: url.protocol.replace(':', ''),
    labels: t.labels ?? {},
  }
}

/** The YAML config; JSON is YAML, so values are written as JSON strings. */
function renderConfig(jobs: ScrapeJob[], intervalMs: number): string {
  const interval = `${intervalMs}ms`
  // scrape_timeout may not exceed the interval (Prometheus refuses the config otherwise).
  const timeout = `${Math.max(100, Math.floor(intervalMs * 0.9))}ms`
  const lines = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${timeout}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
  ]
  for (const j of jobs) {
    lines.push(
      `  - job_name: ${JSON.stringify(j.job)}`,
      `    metrics_path: ${JSON.stringify(j.path)}`,
      `    scheme: ${j.scheme}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(j.host)}]`,
    )
    if (Object.keys(j.labels).length) lines.push(`        labels: ${JSON.stringify(j.labels)}`)
  }
  if (jobs.length === 0) lines.push('  []')
  return `${lines.join('\n')}\n`
}

function sampleOf(metric: Record<string, string>, pair: [number, string]): PromSample {
  // Prometheus writes values as strings: "NaN", "+Inf", "-Inf" included; Number() reads them all but "+Inf".
  const value = pair[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(pair[1])
  return { metric, value, time: pair[0] }
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<Prometheus> {
  const binary = requireBinary('prometheus', 'apt-get install prometheus')
  const intervalMs = options.intervalMs ?? 1000
  const dir = tempDir('prometheus')
  const dataDir = join(dir, 'data')
  const configPath = join(dir, 'prometheus.yml')
  const jobs: ScrapeJob[] = []
  const addJob = (target: string | PrometheusTarget) => {
    const job = toJob(target, jobs.length + 1)
    if (jobs.some((j) => j.job === job.job)) throw new Error(`prometheus: job ${job.job} is already scraped`)
    jobs.push(job)
  }
  try {
    for (const t of options.targets ?? []) addJob(t)
  } catch (error) {
    removeDir(dir)
    throw error
  }
  writeFileSync(configPath, renderConfig(jobs, intervalMs))
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  let service: Service
  try {
    service = await startService({
      name: 'prometheus',
      command: binary,
      args: [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=1h',
        '--log.level=warn',
      ],
      cwd: dir,
      ready: () => httpOk(`${url}/-/ready`, (s) => s === 200),
    })
  } catch (error) {
    removeDir(dir)
    throw error
  }

  async function api(path: string, params: Record<string, string>): Promise<unknown> {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    })
    const body = (await res.json()) as { status: string; data?: unknown; errorType?: string; error?: string }
    if (body.status !== 'success') throw new PromQLError(body.errorType ?? `http ${res.status}`, body.error ?? '')
    return body.data
  }

  async function query(promql: string, time?: Date): Promise<PromSample[]> {
    const params: Record<string, string> = { query: promql }
    if (time) params.time = String(time.getTime() / 1000)
    const data = (await api('/api/v1/query', params)) as { resultType: string; result: unknown }
    if (data.resultType === 'scalar') return [sampleOf({}, data.result as [number, string])]
    if (data.resultType === 'vector') {
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) =>
        sampleOf(r.metric, r.value),
      )
    }
    throw new PromQLError('unsupported', `an instant query gave a ${data.resultType}; use a vector or scalar`)
  }

  async function activeTargets(): Promise<{ scrapePool: string; health: string; lastError: string }[]> {
    const res = await fetch(`${url}/api/v1/targets?state=active`)
    const body = (await res.json()) as {
      data: { activeTargets: { scrapePool: string; health: string; lastError: string }[] }
    }
    return body.data.activeTargets
  }

  async function waitForTargets(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let seen: { scrapePool: string; health: string; lastError: string }[] = []
    for (;;) {
      seen = await activeTargets()
      const pools = new Set(seen.filter((t) => t.health === 'up').map((t) => t.scrapePool))
      if (jobs.every((j) => pools.has(j.job))) return
      if (Date.now() > deadline) {
        const state = seen.map((t) => `${t.scrapePool}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`)
        throw new Error(`prometheus: targets not scraped within ${timeoutMs} ms: ${state.join('; ') || 'none active'}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  return {
    name: 'prometheus',
    pid: service.pid,
    url,
    port,
    dataDir,
    async addTarget(target) {
      addJob(target)
      writeFileSync(configPath, renderConfig(jobs, intervalMs))
      const res = await fetch(`${url}/-/reload`, { method: 'POST' })
      const text = await res.text()
      if (!res.ok) {
        jobs.pop()
        writeFileSync(configPath, renderConfig(jobs, intervalMs))
        throw new Error(`prometheus: reload failed (${res.status}): ${text.trim()}`)
      }
    },
    query,
    async queryValue(promql, time) {
      const samples = await query(promql, time)
      if (samples.length > 1) {
        throw new PromQLError('ambiguous', `${promql} gave ${samples.length} series; aggregate it to one`)
      }
      return samples[0]?.value
    },
    waitForTargets,
    async stop() {
      await service.stop()
      removeDir(dir)
    },
  }
}
