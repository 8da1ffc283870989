// The root action (uses: org/deploy-actions@v1) through its bundle, as the runner runs it: a
// plan file in the workspace, each step run as its own bundle, the release's outputs and summary.
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type Postgres, REPO_ROOT, removeDir, runBundle, startPostgres, tempDir } from '@deploy-actions/testbed'
import { stableApp } from '../canary-deploy/helpers.ts'
import { type SimulatorClients, startSimulatorClients } from '../kube/simulator-clients.ts'

let server: Server
let url: string
let workspace: string
let healthy = true
let postgres: Postgres
let cluster: SimulatorClients

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(healthy && req.url === '/health' ? 200 : 503, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: healthy ? 'UP' : 'DOWN' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  workspace = tempDir('root-action')
  ;[postgres, cluster] = await Promise.all([startPostgres(), startSimulatorClients()])
}, 60_000)
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await Promise.all([postgres?.stop(), cluster?.sim.stop()])
  if (workspace) removeDir(workspace)
})

function release(plan: string, inputs: Record<string, string> = {}) {
  writeFileSync(join(workspace, 'release.yaml'), plan)
  return runBundle('release', {
    inputs: { plan: 'release.yaml', ...inputs },
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REF: 'refs/tags/v2.1.0',
      GITHUB_ACTIONS: 'true',
      // The action finds the steps' bundles beside its own (dist/release/../<name>).
      DEPLOY_ACTIONS_DIST: process.env.DEPLOY_ACTIONS_DIST ?? join(REPO_ROOT, 'dist'),
    },
    cwd: workspace,
  })
}

test('a release from the plan: the steps run, outputs and the summary timeline are written', async () => {
  healthy = true
  const run = await release(`smoke:\n  urls: ${url}/health\n  timeout: 5s\n`)
  expect(run.stdout).not.toContain('::error')
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ result: 'success', version: 'v2.1.0' })
  expect(run.summary).toContain('## deploy-actions release v2.1.0: ✅ done')
  expect(run.summary).toMatch(/\| ✔ \| smoke \| .* \| 1 passed \|/)
  expect(run.summary).toMatch(/\| · \| canary \| .* \| not in the plan \|/)
})

test('a failing step fails the action, names the step, and stops the release', async () => {
  healthy = false
  const run = await release(`smoke:\n  urls: ${url}/health\n  timeout: 1s\n  interval: 200ms\n`)
  expect(run.code).toBe(1)
  expect(run.outputs).toMatchObject({ result: 'failure', 'failed-step': 'smoke' })
  expect(run.stdout).toMatch(/::error::release v2\.1\.0 stopped at smoke: smoke test failed/)
  expect(run.summary).toContain('❌ stopped at smoke')
})

test('a plan mistake fails before any step runs, naming the line and the field', async () => {
  const run = await release('kubernetes:\n  deployment: shop\n  image: shop:1\n  steps: [10, fifty, 100]\n')
  expect(run.code).toBe(1)
  expect(run.stdout).toContain('release.yaml:4: kubernetes.steps[1]: expected an integer 1-100, got "fifty"')
  expect(run.outputs.result).toBe('failure')
})

test('command: plan writes the markdown to the summary and the plan output, and runs nothing', async () => {
  const run = await release(`smoke:\n  urls: ${url}/health\n`, { command: 'plan' })
  expect(run.code).toBe(0)
  expect(run.outputs.result).toBe('planned')
  expect(run.outputs.plan).toContain('## Release plan: v2.1.0')
  expect(run.summary.trim()).toBe(run.outputs.plan?.trim())
})

test('migrations: the summary lists what the preflight found pending before anything changed', async () => {
  const db = await postgres.createDatabase()
  mkdirSync(join(workspace, 'db/migration'), { recursive: true })
  writeFileSync(join(workspace, 'db/migration/V1__orders.sql'), 'CREATE TABLE orders (id int PRIMARY KEY);\n')
  writeFileSync(join(workspace, 'db/migration/V2__status.sql'), 'ALTER TABLE orders ADD COLUMN status text;\n')
  const run = await release(`database:\n  url: ${db.url}\n  migrations: db/migration\n`)
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({ result: 'success', 'schema-version': '2' })
  expect(run.summary).toContain('### Pending migrations at preflight (schema version empty)')
  expect(run.summary).toContain('| 1 | orders | V1__orders.sql |\n| 2 | status | V2__status.sql |')
}, 60_000)

test('command: plan shows the Deployment change as kubectl diff does, and changes nothing', async () => {
  await stableApp(cluster.objects, 'default', 'shop', 1, 'registry.local/shop:1')
  writeFileSync(join(workspace, 'kubeconfig'), cluster.sim.kubeconfig)
  const run = await release(
    'kubernetes:\n  deployment: shop\n  image: registry.local/shop:2\n  kubeconfig: kubeconfig\n',
    {
      command: 'plan',
    },
  )
  expect(run.code).toBe(0)
  expect(run.outputs.plan).toContain(
    '```diff\n--- LIVE/apps.v1.Deployment.default.shop\n+++ MERGED/apps.v1.Deployment.default.shop\n',
  )
  expect(run.outputs.plan).toContain('\n-      - image: registry.local/shop:1\n+      - image: registry.local/shop:2\n')
  const live = await cluster.objects.get<{ spec: { template: { spec: { containers: Array<{ image: string }> } } } }>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'shop',
    namespace: 'default',
  })
  expect(live.spec.template.spec.containers[0]?.image).toBe('registry.local/shop:1')
}, 60_000)
