// The demo's production, on this machine: moto (ECR, RDS, S3, CloudFront), a registry behind
// moto's ECR, dockerd, PostgreSQL, the Kubernetes simulator, Prometheus and the traffic
// emulator sending load through the service's HTTPRoute, plus the service's front door (what
// the smoke test calls: it answers with the version of the image the Deployment runs).
// Everything listens on 127.0.0.1 and stop() ends it by PID.
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront'
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr'
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import {
  createKubeApi,
  createObjectsApi,
  type KubeObject,
  loadKubeConfig,
  type ObjectsApi,
  waitForRollout,
} from '@deploy-actions/kube'
import {
  type Dockerd,
  importBusyboxImage,
  type KubeSimulator,
  type Moto,
  motoEcrPassword,
  type Prometheus,
  type Registry,
  removeDir,
  SIMULATOR_TOKEN,
  startDockerd,
  startKubeSimulator,
  startMoto,
  startPostgres,
  startPrometheus,
  startRegistry,
  startTrafficEmulator,
  type TrafficEmulator,
  tempDir,
} from '@deploy-actions/testbed'
import { APP, BUCKET, DB_INSTANCE, ECR_REPOSITORY, kubernetesObjects, NAMESPACE, type Stage } from './sample-service.ts'

export const AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
}
export const DB_PASSWORD = 'demo-db-password'

export interface Production extends Stage {
  moto: Moto
  registry: Registry
  dockerd: Dockerd
  sim: KubeSimulator
  objects: ObjectsApi
  prometheus: Prometheus
  traffic: TrafficEmulator
  /** The folder the sample service's repository is written to. */
  workspace: string
  /** The environment a release runs with (AWS endpoint, docker host, the database password). */
  env: Record<string, string>
  stop(): Promise<void>
}

/** The tag of the image a Deployment runs (`reg/demo/shop:v1.1.0@sha256:…` → `v1.1.0`). */
export const tagOf = (image: string | undefined): string =>
  /:([\w.-]+)(@|$)/.exec(image?.split('/').at(-1) ?? '')?.[1] ?? ''

async function frontDoor(sim: KubeSimulator): Promise<Server> {
  // The service's health endpoint, answered as the running version would: UP with its version.
  const server = createServer(async (req, res) => {
    const r = await fetch(`${sim.url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${APP}`, {
      headers: { authorization: `Bearer ${SIMULATOR_TOKEN}` },
    }).catch(() => undefined)
    const d = (await r?.json().catch(() => undefined)) as
      | { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } }
      | undefined
    const version = tagOf(d?.spec?.template?.spec?.containers?.[0]?.image)
    if (req.url !== '/actuator/health' || !version) {
      res.writeHead(req.url === '/actuator/health' ? 503 : 404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: 'UP', version }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

export async function startProduction(log: (line: string) => void = () => {}): Promise<Production> {
  const stops: Array<() => Promise<void> | void> = []
  // Everything at once: each service is its own process or server, stopped by its PID or handle.
  const stop = async () => {
    await Promise.allSettled(stops.splice(0).map((s) => Promise.resolve().then(s)))
  }
  try {
    const started = <T extends { stop(): Promise<void> }>(service: Promise<T>): Promise<T> =>
      service.then((s) => {
        stops.push(() => s.stop())
        return s
      })
    const moto = started(startMoto())
    const [registry, dockerd, postgres, sim, prometheus, motoUp] = await Promise.all([
      moto.then((m) =>
        started(
          startRegistry({ auth: { username: 'AWS', password: motoEcrPassword() }, ecr: { endpoint: m.endpoint } }),
        ),
      ),
      started(startDockerd()),
      started(startPostgres()),
      started(startKubeSimulator({ podReadyDelayMs: 150, controllerTickMs: 25 })),
      started(startPrometheus()),
      moto,
    ])
    const workspace = tempDir('demo-shop')
    stops.push(async () => removeDir(workspace))
    log(
      `moto ${motoUp.endpoint} · registry ${registry.host} · postgres :${postgres.port} · kube ${sim.url} · prometheus ${prometheus.url}`,
    )
    const [, db] = await Promise.all([importBusyboxImage(dockerd), postgres.createDatabase('shop')])

    // What production holds before the first release through a plan: the ECR repository, the
    // database instance, the bucket and its distribution, and the service running v0.9.0 behind
    // its HTTPRoute.
    const aws = { ...AWS, endpoint: motoUp.endpoint }
    await new RDSClient(aws).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: DB_INSTANCE,
        DBInstanceClass: 'db.t3.medium',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'shop',
        MasterUserPassword: 'not-a-real-password',
      }),
    )
    await new ECRClient(aws).send(new CreateRepositoryCommand({ repositoryName: ECR_REPOSITORY }))
    await new S3Client({ ...aws, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: BUCKET }))
    const distribution = await new CloudFrontClient(aws).send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: BUCKET,
          Comment: 'demo shop',
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              { Id: 's3', DomainName: `${BUCKET}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' } },
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
    const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
    const objects = await createObjectsApi(kubeConfig)
    for (const o of kubernetesObjects(registry.host)) await objects.create(o as unknown as KubeObject)
    // Production settled before the first release: its preflight blocks a Deployment still rolling out.
    await waitForRollout(await createKubeApi(kubeConfig), {
      namespace: NAMESPACE,
      name: APP,
      timeoutMs: 120_000,
      log: () => {},
    })
    const traffic = await startTrafficEmulator({
      kube: { url: sim.url },
      namespace: NAMESPACE,
      httpRoute: APP,
      rps: 40,
      refreshMs: 200,
    })
    stops.push(() => traffic.stop())
    await prometheus.addTarget({ url: traffic.metricsUrl, job: APP })
    const door = await frontDoor(sim)
    stops.push(() => new Promise<void>((resolve) => door.close(() => resolve())))
    const kubeconfigPath = join(workspace, '.kubeconfig')
    writeFileSync(kubeconfigPath, sim.kubeconfig)
    return {
      moto: motoUp,
      registry,
      dockerd,
      sim,
      objects,
      prometheus,
      traffic,
      workspace,
      registryHost: registry.host,
      distributionId: distribution.Distribution!.Id!,
      databaseUrl: db.url,
      prometheusUrl: prometheus.url,
      serviceUrl: `http://127.0.0.1:${(door.address() as AddressInfo).port}`,
      kubeconfigPath,
      env: {
        ...motoUp.env,
        ...dockerd.env,
        AWS_REGION: AWS.region,
        SHOP_DB_PASSWORD: DB_PASSWORD,
        GITHUB_REPOSITORY: 'acme/demo-shop',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_SHA: '4c1f0e9d2b7a65f3c8e1d0a9b8c7d6e5f4a3b2c1',
        DEPLOY_ACTIONS_POLL_INTERVAL_MS: '100',
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
