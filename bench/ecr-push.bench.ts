// Promotion of a ~200 MB image: ecr-push's manifest copy (BatchGetImage → PutImage, run as the
// bundle) against the runbook way, `docker pull` + `docker tag` + `docker push`, on the same
// registry (real docker-registry with htpasswd, moto for the ECR API, real dockerd with vfs).
// `node bench/ecr-push.bench.ts [sizeMB]`: prints figures, asserts nothing.
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr'
import { consoleLogger, formatBytes, formatDuration, realClock, recordInputGetter } from '@deploy-actions/kit'
import {
  importBusyboxImage,
  motoEcrPassword,
  REPO_ROOT,
  removeDir,
  runBundle,
  startDockerd,
  startMoto,
  startRegistry,
  tempDir,
} from '@deploy-actions/testbed'

const sizeMb = Number(process.argv[2] ?? 200)
if (!existsSync(join(REPO_ROOT, 'dist', 'ecr-push', 'index.js'))) {
  console.error('dist/ecr-push/index.js is missing: run `node scripts/bundle.ts dist ecr-push` first')
  process.exit(1)
}

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now()
  const out = await fn()
  return [out, performance.now() - t0]
}

const password = motoEcrPassword()
const moto = await startMoto()
const [registry, dockerd] = await Promise.all([
  startRegistry({ auth: { username: 'AWS', password }, ecr: { endpoint: moto.endpoint } }),
  startDockerd(),
])
const context = tempDir('ecr-bench-ctx')
try {
  await importBusyboxImage(dockerd)
  const ecr = new ECRClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  })
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/app' }))

  // One layer of random (incompressible) content.
  const fd = openSync(join(context, 'payload.bin'), 'w')
  for (let i = 0; i < sizeMb; i++) writeSync(fd, randomBytes(1024 * 1024))
  closeSync(fd)
  writeFileSync(join(context, 'Dockerfile'), 'FROM busybox\nCOPY payload.bin /payload.bin\n')

  const repo = `${registry.host}/bench/app`
  await dockerd.docker(['login', '--username', 'AWS', '--password-stdin', registry.host], { input: `${password}\n` })
  const [, buildMs] = await timed(() =>
    dockerd.docker(['build', '-t', `${repo}:v1`, context], { env: { DOCKER_BUILDKIT: '0' } }),
  )
  const [, firstPushMs] = await timed(() => dockerd.docker(['push', `${repo}:v1`]))
  const manifest = await registry.manifest('bench/app', 'v1')
  const size = JSON.parse(manifest.body.toString()) as { layers: Array<{ size: number }> }
  const imageBytes = size.layers.reduce((s, l) => s + l.size, 0)

  // A: ecr-push promote-from (the bundle as the runner runs it: node start, SDK, two ECR reads, one PutImage).
  const [run, copyMs] = await timed(() =>
    runBundle('ecr-push', {
      inputs: { repository: 'bench/app', 'promote-from': 'v1', tags: 'v1-prod', registry: registry.host },
      env: { ...moto.env, ...dockerd.env },
    }),
  )
  if (run.code !== 0) throw new Error(`promotion failed:\n${run.stdout}`)
  const promoted = await registry.manifest('bench/app', 'v1-prod')

  // A': the same copy in-process (no node start-up): what the promotion itself costs.
  Object.assign(process.env, moto.env)
  const { sdkEcr } = await import('../actions/ecr-push/src/ports.ts')
  const { run: promote } = await import('../actions/ecr-push/src/main.ts')
  const { parseInputs } = await import('../actions/ecr-push/src/inputs.ts')
  const { newReport } = await import('../actions/ecr-push/src/report.ts')
  const port = sdkEcr('us-east-1')
  await port.listTags('bench/app') // warm the client (credentials, connection)
  const inputs = parseInputs(
    recordInputGetter({
      repository: 'bench/app',
      'promote-from': 'v1',
      tags: 'v1-prod-inproc',
      registry: registry.host,
    }),
    process.env,
  )
  const [, inProcessMs] = await timed(() =>
    promote(
      inputs,
      {
        ecr: port,
        docker: undefined as never,
        registry: undefined as never,
        log: { ...consoleLogger, info: () => {}, group: (_t, fn) => fn() },
        clock: realClock,
        source: {},
        mask: () => {},
        saveState: () => {},
      },
      newReport(inputs),
    ),
  )

  // B: the runbook way on a runner that does not have the image: pull, tag, push.
  await dockerd.docker(['rmi', `${repo}:v1`])
  const [, pullMs] = await timed(() => dockerd.docker(['pull', `${repo}:v1`]))
  const [, tagMs] = await timed(() => dockerd.docker(['tag', `${repo}:v1`, `${repo}:v1-prod-docker`]))
  const [, pushMs] = await timed(() => dockerd.docker(['push', `${repo}:v1-prod-docker`]))
  const dockerMs = pullMs + tagMs + pushMs
  const viaDocker = await registry.manifest('bench/app', 'v1-prod-docker')

  console.log(
    `ecr-push promotion benchmark (image ${formatBytes(imageBytes)}, one random ${sizeMb} MB layer, dockerd vfs)`,
  )
  console.log(`  setup: build ${formatDuration(buildMs)}, first push ${formatDuration(firstPushMs)}`)
  console.log(`  manifest copy (ecr-push promote-from, whole bundle run): ${formatDuration(copyMs)}`)
  console.log(`  manifest copy in-process (run() only, warm SDK client):  ${formatDuration(inProcessMs)}`)
  console.log(
    `  docker pull + tag + push:                              ${formatDuration(dockerMs)} (pull ${formatDuration(pullMs)}, tag ${formatDuration(tagMs)}, push ${formatDuration(pushMs)})`,
  )
  console.log(
    `  ratio (docker / manifest copy): ${(dockerMs / copyMs).toFixed(1)}x for the whole step, ${(dockerMs / inProcessMs).toFixed(0)}x for the copy itself`,
  )
  console.log(`  digests: source ${manifest.digest}`)
  console.log(
    `           copy   ${promoted.digest} (${promoted.digest === manifest.digest ? 'identical' : 'DIFFERENT'})`,
  )
  console.log(
    `           docker ${viaDocker.digest} (${viaDocker.digest === manifest.digest ? 'identical' : 'DIFFERENT'})`,
  )
} finally {
  removeDir(context)
  await Promise.allSettled([registry.stop(), dockerd.stop(), moto.stop()])
}
