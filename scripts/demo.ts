// The local release demo (`npm run demo`): one whole release of the sample service in demo/,
// run by the bundled actions against real local services, in the order the release workflow
// chains them. Everything it starts listens on 127.0.0.1 and is stopped at the end.
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import {
  createKubeApi,
  getRolloutHistory,
  loadKubeConfig,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import {
  type BundleRun,
  importBusyboxImage,
  motoEcrPassword,
  REPO_ROOT,
  removeDir,
  runBundle,
  type Service,
  startDockerd,
  startKubeSimulator,
  startMoto,
  startPostgres,
  startRegistry,
  tempDir,
} from '@deploy-actions/testbed'

const VERSION = 'v1.0.0'
const started: Service[] = []
const results: Array<{ step: string; ok: boolean; detail: string }> = []

function heading(text: string): void {
  console.log(`\n\x1b[1m━━ ${text}\x1b[0m`)
}

/** The bundle's log as a runner would show it: workflow commands folded into readable lines. */
function showLog(run: BundleRun): void {
  for (const line of run.stdout.split('\n')) {
    if (!line || line.startsWith('::debug::') || line.startsWith('::add-mask::') || line === '::endgroup::') continue
    const group = /^::group::(.*)$/.exec(line)
    const annotation = /^::(error|warning|notice)[^:]*::(.*)$/.exec(line)
    if (group) console.log(`  ▸ ${group[1]}`)
    else if (annotation) console.log(`  ${annotation[1]}: ${annotation[2]}`)
    else console.log(`    ${line}`)
  }
}

async function step(name: string, action: string, inputs: Record<string, string>, env: Record<string, string>) {
  heading(`${name}  (${action})`)
  const run = await runBundle(action, { inputs, env, cwd: REPO_ROOT })
  showLog(run)
  const outputs = Object.entries(run.outputs)
    .map(([k, v]) => `${k}=${v.length > 80 ? `${v.slice(0, 77)}…` : v}`)
    .join('  ')
  console.log(`  outputs: ${outputs || '(none)'}`)
  results.push({ step: name, ok: run.code === 0, detail: run.code === 0 ? outputs.slice(0, 100) : 'failed' })
  if (run.code !== 0) throw new Error(`${name} failed (exit ${run.code})`)
  return run
}

/** The sample service: /actuator/health answers 503 for its first two seconds, then UP. */
async function startSampleService(): Promise<{ url: string; server: Server }> {
  const readyAt = Date.now() + 2000
  const server = createServer((req, res) => {
    if (req.url === '/actuator/health') {
      const up = Date.now() >= readyAt
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: up ? 'UP' : 'DOWN', version: VERSION }))
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<h1>demo shop</h1>')
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

async function main(): Promise<void> {
  heading('Starting local services (moto, registry, dockerd, PostgreSQL, Kubernetes simulator)')
  const moto = await startMoto()
  started.push(moto)
  const [registry, dockerd, postgres, kube] = await Promise.all([
    startRegistry({ auth: { username: 'AWS', password: motoEcrPassword() }, ecr: { endpoint: moto.endpoint } }),
    startDockerd(),
    startPostgres(),
    startKubeSimulator({ podReadyDelayMs: 300 }),
  ])
  started.push(registry, dockerd, postgres, { name: 'kube', pid: process.pid, stop: () => kube.stop() })
  await importBusyboxImage(dockerd)
  const db = await postgres.createDatabase('shop')
  console.log(`  moto ${moto.endpoint}  registry ${registry.host}  postgres :${postgres.port}  kube ${kube.url}`)

  // What exists before the release: the production database, the bucket and distribution,
  // and the service running the previous version.
  const aws = {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  }
  const rds = new RDSClient(aws)
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'webshop-prod',
      DBInstanceClass: 'db.t3.medium',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'shop',
      MasterUserPassword: 'not-a-real-password',
    }),
  )
  const s3 = new S3Client({ ...aws, forcePathStyle: true })
  await s3.send(new CreateBucketCommand({ Bucket: 'demo-shop-web' }))
  const cloudfront = new CloudFrontClient(aws)
  const distribution = await cloudfront.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: 'demo-shop-web',
        Comment: 'demo shop',
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [
            { Id: 's3', DomainName: 'demo-shop-web.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } },
          ],
        },
        DefaultCacheBehavior: {
          TargetOriginId: 's3',
          ViewerProtocolPolicy: 'redirect-to-https',
          MinTTL: 0,
          ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
        },
      },
    }),
  )
  const image = `${registry.host}/demo/shop`
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: kube.kubeconfig })
  const k8s = await import('@kubernetes/client-node')
  await kubeConfig.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'shop', labels: { app: 'shop' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'shop' } },
        template: {
          metadata: { labels: { app: 'shop' } },
          spec: { containers: [{ name: 'shop', image: `${image}:v0.9.0` }] },
        },
      },
    },
  })
  const kubeApi = await createKubeApi(kubeConfig)
  await waitForRollout(kubeApi, { namespace: 'default', name: 'shop', timeoutMs: 60_000, log: () => {} })

  const env: Record<string, string> = {
    ...moto.env,
    ...dockerd.env,
    GITHUB_REF: `refs/tags/${VERSION}`,
    GITHUB_SHA: '4c1f0e9d2b7a65f3c8e1d0a9b8c7d6e5f4a3b2c1',
    GITHUB_REPOSITORY: 'acme/demo-shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1001',
    GITHUB_WORKSPACE: REPO_ROOT,
  }

  const built = await step(
    '1. Build and push the image',
    'ecr-push',
    {
      repository: 'demo/shop',
      context: 'demo/app',
      'build-args': `VERSION=${VERSION}`,
      'create-repository': 'true',
      registry: registry.host,
    },
    env,
  )
  await step(
    '2. Promote the tested image to production (manifest copy, no rebuild)',
    'ecr-push',
    {
      repository: 'demo/shop',
      'promote-from': VERSION,
      tags: `${VERSION}-prod`,
      registry: registry.host,
    },
    env,
  )
  await step(
    '3. Snapshot the production database before migrating',
    'rds-snapshot',
    {
      'db-instance-identifier': 'webshop-prod',
    },
    env,
  )
  await step(
    '4. Run the Flyway migrations',
    'flyway-migrate',
    {
      url: db.jdbcUrl,
      user: 'postgres',
      password: 'demo-secret-password',
      locations: 'demo/migrations',
    },
    env,
  )
  await step(
    '4b. Re-run the migrations (safe: nothing pending)',
    'flyway-migrate',
    {
      url: db.jdbcUrl,
      user: 'postgres',
      password: 'demo-secret-password',
      locations: 'demo/migrations',
    },
    env,
  )

  heading('5. Roll the promoted image out to Kubernetes and wait as kubectl rollout status does')
  const target = `${image}:${VERSION}-prod`
  await updateDeployment(kubeApi, 'default', 'shop', (d) => {
    for (const c of d.spec?.template?.spec?.containers ?? []) c.image = target
    return d
  })
  const rollout = await waitForRollout(kubeApi, {
    namespace: 'default',
    name: 'shop',
    timeoutMs: 120_000,
    log: (line) => console.log(`    ${line}`),
  })
  console.log(`    ${rollout.message}`)
  for (const entry of (await getRolloutHistory(kubeApi, 'default', 'shop')).entries) {
    console.log(`    revision ${entry.revision}: ${entry.images.join(', ')}`)
  }
  results.push({ step: '5. Roll out to Kubernetes', ok: true, detail: `revision ${rollout.revision} → ${target}` })

  // The new version's service comes up now and answers 503 for its first two seconds: the smoke
  // test retries with backoff until it is healthy twice in a row.
  const sample = await startSampleService()
  started.push({ name: 'sample', pid: process.pid, stop: () => new Promise((r) => sample.server.close(() => r())) })
  await step(
    '6. Smoke-test the release until it is healthy',
    'smoke-test',
    {
      checks: [
        '- name: health',
        `  url: ${sample.url}/actuator/health`,
        '  expect:',
        '    status: 200',
        '    json:',
        '      $.status: UP',
        `      $.version: ${VERSION}`,
        '- name: home page',
        `  url: ${sample.url}/`,
        '  expect:',
        '    body: demo shop',
      ].join('\n'),
      timeout: '30s',
      interval: '500ms',
      'consecutive-successes': '2',
    },
    env,
  )
  await step(
    '7. Publish the frontend to S3 + CloudFront',
    'frontend-sync',
    {
      source: 'demo/site',
      bucket: 'demo-shop-web',
      'distribution-id': distribution.Distribution!.Id!,
    },
    env,
  )
  await step(
    '7b. Publish again from a fresh checkout (nothing changed: nothing uploaded)',
    'frontend-sync',
    {
      source: 'demo/site',
      bucket: 'demo-shop-web',
      'distribution-id': distribution.Distribution!.Id!,
    },
    env,
  )
  // A hotfix changes one page: only it is uploaded, and only its paths are invalidated.
  const hotfixDir = tempDir('demo-site')
  started.push({ name: 'hotfix checkout', pid: process.pid, stop: async () => removeDir(hotfixDir) })
  const hotfix = join(hotfixDir, 'site')
  cpSync(join(REPO_ROOT, 'demo/site'), hotfix, { recursive: true })
  writeFileSync(
    join(hotfix, 'docs/index.html'),
    readFileSync(join(hotfix, 'docs/index.html'), 'utf8').replace('How to order.', 'How to order (now with tracking).'),
  )
  await step(
    '7c. Publish a hotfix that changed one page (one upload, targeted invalidation)',
    'frontend-sync',
    {
      source: hotfix,
      bucket: 'demo-shop-web',
      'distribution-id': distribution.Distribution!.Id!,
    },
    env,
  )
  void built
}

async function stopAll(): Promise<void> {
  await Promise.allSettled(started.reverse().map((s) => s.stop()))
}

let failed = false
try {
  await main()
} catch (error) {
  failed = true
  console.error(`\ndemo stopped: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  await stopAll()
}
heading('Release summary')
for (const r of results) console.log(`  ${r.ok ? '✔' : '✘'} ${r.step}${r.detail ? `  ${r.detail}` : ''}`)
console.log(
  failed ? '\nThe release did not complete.' : `\nRelease ${VERSION} completed; every local service was stopped.`,
)
process.exit(failed ? 1 : 0)
