// `npm run testbed -- <service> [options]`: runs one testbed service in the foreground until
// interrupted. Each service is a subcommand; add new ones to SERVICES.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startKubeSimulator } from './kube/index.ts'
import { startPrometheus } from './prometheus.ts'
import { startTrafficEmulator } from './traffic/index.ts'

interface Subcommand {
  summary: string
  usage: string
  run(args: string[]): Promise<{ stop(): Promise<void> }>
}

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new Error(`--${name}: expected a whole number, got "${value}"`)
  return Number(value)
}

const SERVICES: Record<string, Subcommand> = {
  kube: {
    summary:
      'Kubernetes API simulator (Deployments, ReplicaSets, Pods, Services, Events, Jobs, HPAs, Ingresses, HTTPRoutes, Gateways)',
    usage: 'kube [--port PORT] [--kubeconfig FILE] [--pod-ready-delay MS] [--tick MS] [--time-scale X (default 1)]',
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          kubeconfig: { type: 'string' },
          'pod-ready-delay': { type: 'string' },
          tick: { type: 'string' },
          'time-scale': { type: 'string' },
        },
        strict: true,
      })
      const sim = await startKubeSimulator({
        port: intOption(values.port, 'port'),
        podReadyDelayMs: intOption(values['pod-ready-delay'], 'pod-ready-delay'),
        controllerTickMs: intOption(values.tick, 'tick'),
        // A real cluster's durations as they are, unless told to play them faster.
        timeScale: values['time-scale'] === undefined ? 1 : Number(values['time-scale']),
      })
      const kubeconfigPath = values.kubeconfig ?? sim.kubeconfigPath
      if (values.kubeconfig) writeFileSync(values.kubeconfig, sim.kubeconfig, { mode: 0o600 })
      process.stdout.write(
        `kube simulator listening on ${sim.url}\nkubeconfig: ${kubeconfigPath}\n  kubectl --kubeconfig ${kubeconfigPath} get pods\n`,
      )
      return sim
    },
  },
  prometheus: {
    summary: 'Prometheus (Debian package) scraping the given loopback targets every second',
    usage: 'prometheus [--port PORT] [--target URL]... [--interval MS]',
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          target: { type: 'string', multiple: true },
          interval: { type: 'string' },
        },
        strict: true,
      })
      const prom = await startPrometheus({
        port: intOption(values.port, 'port'),
        targets: values.target ?? [],
        intervalMs: intOption(values.interval, 'interval'),
      })
      process.stdout.write(
        `prometheus listening on ${prom.url} (pid ${prom.pid}, data ${prom.dataDir})\n  curl '${prom.url}/api/v1/query?query=up'\n`,
      )
      return prom
    },
  },
  traffic: {
    summary: 'traffic emulator: load through the live routing of a Kubernetes API, metrics for Prometheus',
    usage:
      'traffic --kube URL [--namespace NS] (--service S | --http-route R | --ingress I) [--rps N] [--header NAME:VALUE]...',
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          kube: { type: 'string' },
          namespace: { type: 'string' },
          service: { type: 'string' },
          'http-route': { type: 'string' },
          ingress: { type: 'string' },
          rps: { type: 'string' },
          header: { type: 'string', multiple: true },
        },
        strict: true,
      })
      if (!values.kube) throw new Error('--kube: the API server URL is required (e.g. http://127.0.0.1:8001)')
      const headers: Record<string, string> = {}
      for (const h of values.header ?? []) {
        const at = h.indexOf(':')
        if (at < 1) throw new Error(`--header: expected NAME:VALUE, got "${h}"`)
        headers[h.slice(0, at).trim()] = h.slice(at + 1).trim()
      }
      const traffic = await startTrafficEmulator({
        kube: { url: values.kube },
        namespace: values.namespace,
        service: values.service,
        httpRoute: values['http-route'],
        ingress: values.ingress,
        rps: intOption(values.rps, 'rps'),
        headers,
      })
      const share = traffic.metricsUrl.replace(/\/metrics$/, '/share?windowMs=5000')
      process.stdout.write(
        `traffic emulator: ${traffic.routing()}\n  metrics: ${traffic.metricsUrl}\n  served share: curl '${share}'\n`,
      )
      return traffic
    },
  },
}

function usage(): string {
  const lines = ['usage: npm run testbed -- <service> [options]', '', 'services:']
  for (const [name, s] of Object.entries(SERVICES))
    lines.push(`  ${name.padEnd(10)} ${s.summary}`, `             ${s.usage}`)
  return lines.join('\n')
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`)
    return
  }
  const service = SERVICES[name]
  if (!service) {
    process.stderr.write(`unknown service "${name}"\n${usage()}\n`)
    process.exitCode = 2
    return
  }
  const running = await service.run(rest)
  // Stay in the foreground until interrupted, then stop cleanly.
  const keepAlive = setInterval(() => {}, 1 << 30)
  const stop = () => {
    clearInterval(keepAlive)
    void running.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`testbed: ${(error as Error)?.message ?? String(error)}\n`)
  process.exit(1)
})
