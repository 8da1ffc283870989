// `npm run testbed -- <service> [options]`: runs one testbed service in the foreground until
// interrupted. Each service is a subcommand; add new ones to SERVICES.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startKubeSimulator } from './kube/index.ts'
import { startPrometheus } from './prometheus.ts'

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
    usage: 'kube [--port PORT] [--kubeconfig FILE] [--pod-ready-delay MS] [--tick MS]',
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          kubeconfig: { type: 'string' },
          'pod-ready-delay': { type: 'string' },
          tick: { type: 'string' },
        },
        strict: true,
      })
      const sim = await startKubeSimulator({
        port: intOption(values.port, 'port'),
        podReadyDelayMs: intOption(values['pod-ready-delay'], 'pod-ready-delay'),
        controllerTickMs: intOption(values.tick, 'tick'),
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
