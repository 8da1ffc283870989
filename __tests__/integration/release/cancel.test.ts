// A release cancelled from the terminal (SIGINT to the CLI) while its canary runs: the signal
// reaches the running step as the runner's would, the canary action aborts its canary, the
// stable keeps its image, and no later step starts.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Moto, REPO_ROOT, removeDir, startMoto, tempDir } from '@deploy-actions/testbed'
import { type Cluster, deploymentRef, imageOf, stableApp, startCluster } from '../canary-deploy/helpers.ts'

let c: Cluster
let moto: Moto
let workspace: string
beforeAll(async () => {
  // moto answers the release's preflight (the AWS identity) as AWS would.
  ;[c, moto] = await Promise.all([startCluster(), startMoto()])
  workspace = tempDir('release-cancel')
})
afterAll(async () => {
  await Promise.all([c?.sim.stop(), moto?.stop()])
  if (workspace) removeDir(workspace)
})

test('SIGINT during the canary: the canary aborted, stable untouched, later steps skipped', async () => {
  await stableApp(c.objects, 'default', 'orders', 2)
  writeFileSync(join(workspace, 'kubeconfig'), c.sim.kubeconfig)
  writeFileSync(
    join(workspace, 'release.yaml'),
    [
      'kubernetes:',
      '  deployment: orders',
      '  image: registry.local/orders:2',
      '  kubeconfig: kubeconfig',
      '  steps: [50, 100]',
      '  step-duration: 60s',
      '  analysis-interval: 500ms',
      'smoke:',
      '  urls: http://127.0.0.1:9/never',
      '',
    ].join('\n'),
  )
  const { NODE_OPTIONS: _, ...env } = process.env
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'packages/release/src/cli.ts'), 'release', '--version', 'v2'],
    {
      cwd: workspace,
      env: { ...env, ...moto.env },
    },
  )
  let out = ''
  let sent = false
  child.stdout.on('data', (d) => {
    out += d
    // Once the canary holds its first step, cancel as a terminal's Ctrl-C would reach the CLI.
    if (!sent && /weight asked 50%/.test(out)) {
      sent = true
      child.kill('SIGINT')
    }
  })
  child.stderr.on('data', (d) => {
    out += d
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  expect(sent).toBe(true)
  expect(code).toBe(1)
  expect(out).toContain('received SIGINT')
  // The running step got the runner's SIGINT from the release and aborted its own canary.
  expect(out).toContain('received SIGINT: the job is being cancelled; stopping')
  expect(out).toContain('deleted Deployment orders-canary')
  expect(out).toMatch(/⊘ canary/)
  expect(out).toMatch(/· smoke +cancelled before it started/)
  expect(await imageOf(c.objects, 'default', 'orders')).toBe('registry.local/orders:1')
  expect(await c.objects.find(deploymentRef('default', 'orders-canary'))).toBeUndefined()
}, 120_000)
