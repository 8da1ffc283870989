// `deploy-actions rollback --plan release.yaml` from a terminal: the plan's Deployment returns to
// its previous revision (the rollback action's bundle, as the release runs every step), the CLI
// says where it now stands and exits 0; with no earlier revision it changes nothing, says why
// and exits 1.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { waitUntil } from '@deploy-actions/kit'
import { type Deployment, type KubeObject, updateObject } from '@deploy-actions/kube'
import { REPO_ROOT, removeDir, tempDir } from '@deploy-actions/testbed'
import { type Cluster, deploymentRef, imageOf, stableApp, startCluster } from '../canary-deploy/helpers.ts'

let c: Cluster
let workspace: string
beforeAll(async () => {
  c = await startCluster()
  workspace = tempDir('release-rollback')
  writeFileSync(join(workspace, 'kubeconfig'), c.sim.kubeconfig)
})
afterAll(async () => {
  await c?.sim.stop()
  if (workspace) removeDir(workspace)
})

type Live = KubeObject & Deployment

/** The CLI as a terminal runs it, in the plan's folder. */
function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const { NODE_OPTIONS: _, ...env } = process.env
  const child = spawn(process.execPath, [join(REPO_ROOT, 'packages/release/src/cli.ts'), ...args], {
    cwd: workspace,
    env,
  })
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    out += d
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out })))
}

function plan(deployment: string): string {
  const file = `${deployment}.yaml`
  writeFileSync(
    join(workspace, file),
    [
      'kubernetes:',
      `  deployment: ${deployment}`,
      `  image: registry.local/${deployment}:3`,
      '  kubeconfig: kubeconfig',
      '',
    ].join('\n'),
  )
  return file
}

const revisionOf = async (name: string) =>
  (await c.objects.get<Live>(deploymentRef('default', name))).metadata?.annotations?.[
    'deployment.kubernetes.io/revision'
  ]

/** Sets the image and waits until every replica runs it (revision 2 rolled out). */
async function release(name: string, image: string): Promise<void> {
  await updateObject<Live>(c.objects, deploymentRef('default', name), (d) => {
    d.spec!.template.spec!.containers[0]!.image = image
    return d
  })
  await waitUntil(
    async () => {
      const d = await c.objects.get<Live>(deploymentRef('default', name))
      const s = d.status
      const done =
        s?.observedGeneration === d.metadata?.generation &&
        s?.updatedReplicas === d.spec?.replicas &&
        s?.availableReplicas === d.spec?.replicas &&
        (s?.replicas ?? 0) === d.spec?.replicas
      return done ? { done: true } : { detail: `${s?.updatedReplicas ?? 0} updated` }
    },
    { what: `${name} rolled out`, timeoutMs: 60_000, intervalMs: 100, log: () => {} },
  )
}

test('rolls the Deployment back to its previous revision and says so', async () => {
  await stableApp(c.objects, 'default', 'orders', 2, 'registry.local/orders:1')
  await release('orders', 'registry.local/orders:2')
  expect(await revisionOf('orders')).toBe('2')

  const r = await cli('rollback', '--plan', plan('orders'))
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.out}`)
  expect(r.out).toContain('━━ Roll default/orders back to its previous revision')
  expect(r.out).toContain(
    '  ✔ rolled back: default/orders runs registry.local/orders:1 at revision 3 (was registry.local/orders:2)',
  )
  // The old template is the newest revision now (as kubectl rollout undo numbers it), fully rolled out.
  expect(await imageOf(c.objects, 'default', 'orders')).toBe('registry.local/orders:1')
  expect(await revisionOf('orders')).toBe('3')
  const d = await c.objects.get<Live>(deploymentRef('default', 'orders'))
  expect(d.status?.updatedReplicas).toBe(2)
  expect(d.status?.availableReplicas).toBe(2)
}, 120_000)

test('a Deployment with no earlier revision: nothing changes, the CLI says why and exits 1', async () => {
  await stableApp(c.objects, 'default', 'payments', 1, 'registry.local/payments:1')
  const r = await cli('rollback', '--plan', plan('payments'))
  expect(r.code).toBe(1)
  expect(r.out).toMatch(/ {2}✘ rollback of default\/payments failed: .*revision/)
  expect(r.out).not.toContain('✔ rolled back')
  expect(await imageOf(c.objects, 'default', 'payments')).toBe('registry.local/payments:1')
  expect(await revisionOf('payments')).toBe('1')
}, 120_000)
