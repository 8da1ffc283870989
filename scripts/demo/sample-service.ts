// The demo's sample service as a repository would hold it: a Dockerfile, Flyway migrations, a
// static frontend, its Kubernetes objects (Deployment, Service, HTTPRoute) and the release plan.
// Each release writes the files that release changes, as a commit would.
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '@deploy-actions/testbed'
import { stringify } from 'yaml'

export const NAMESPACE = 'shop'
export const APP = 'shop'
export const ECR_REPOSITORY = 'demo/shop'
export const DB_INSTANCE = 'webshop-prod'
export const BUCKET = 'demo-shop-web'

export interface Release {
  version: string
  /** Migrations in the repository at this release. */
  migrations: string[]
  /** The image tag, when it differs from the version (the testbed's backends act on tag suffixes). */
  imageTag?: string
  /** One line a reader sees in the timeline. */
  story: string
}

// Three instructions: the classic builder (no buildx here) starts a container for each ARG,
// LABEL and CMD, which costs seconds on dockerd's vfs driver; the version is in the copied file
// and in the labels ecr-push adds.
const DOCKERFILE = `FROM busybox
COPY health.json /srv/health.json
`

/** The three releases of the demo. */
export const RELEASES: Release[] = [
  {
    version: 'v1.0.0',
    migrations: ['V1__create_orders.sql', 'V1.1__seed_orders.sql', 'R__order_totals.sql'],
    story: 'first release through the plan: orders table, image, frontend',
  },
  {
    version: 'v1.1.0',
    migrations: ['V1__create_orders.sql', 'V1.1__seed_orders.sql', 'R__order_totals.sql', 'V2__order_status.sql'],
    story: 'a new migration (order status) and a new image, canary 10→50→100 under Prometheus analysis',
  },
  {
    version: 'v1.2.0',
    migrations: ['V1__create_orders.sql', 'V1.1__seed_orders.sql', 'R__order_totals.sql', 'V2__order_status.sql'],
    // A bad build: the testbed's backends answer 5xx for one request in five for a tag ending in -errors.
    imageTag: 'v1.2.0-errors',
    story: 'a failing image: 20% of its answers are 5xx, the canary must abort',
  },
]

export interface Stage {
  registryHost: string
  distributionId: string
  databaseUrl: string
  prometheusUrl: string
  /** Where the service answers (its front door), for the smoke test. */
  serviceUrl: string
  kubeconfigPath: string
}

/** The canary's check, as a user writes it: the canary's 5xx ratio over the last 4 s. */
const ERROR_RATE = `(sum(rate(http_requests_total{job="${APP}",version="canary",code=~"5.."}[4s])) or vector(0)) / sum(rate(http_requests_total{job="${APP}",version="canary"}[4s]))`

/** The release plan (release.yaml) of the sample service. */
export function planOf(stage: Stage, release: Release): Record<string, unknown> {
  return {
    service: APP,
    environment: 'production',
    'aws-region': 'us-east-1',
    image: {
      repository: ECR_REPOSITORY,
      tags: [release.imageTag ?? '${version}'],
      context: 'app',
      'create-repository': true,
      registry: stage.registryHost,
    },
    database: {
      instance: DB_INSTANCE,
      url: stage.databaseUrl,
      user: 'postgres',
      'password-env': 'SHOP_DB_PASSWORD',
      migrations: 'db/migration',
    },
    kubernetes: {
      namespace: NAMESPACE,
      deployment: APP,
      kubeconfig: stage.kubeconfigPath,
      router: 'gateway-api',
      'http-route': APP,
      steps: [10, 50, 100],
      'step-duration': '4s',
      'analysis-interval': '1s',
      'rollout-timeout': '60s',
      'prometheus-url': stage.prometheusUrl,
      checks: [
        {
          name: 'error-rate',
          provider: 'prometheus',
          query: ERROR_RATE,
          max: 0.05,
          'on-no-data': 'inconclusive',
          'min-samples': 2,
        },
      ],
    },
    smoke: {
      checks: [
        {
          name: 'health',
          url: `${stage.serviceUrl}/actuator/health`,
          expect: { status: 200, json: { '$.status': 'UP', '$.version': '${version}' } },
        },
      ],
      timeout: '20s',
      interval: '300ms',
    },
    frontends: [{ name: 'web', source: 'web', bucket: BUCKET, 'distribution-id': stage.distributionId }],
  }
}

/** The service's Kubernetes objects as they are before the first release through the plan. */
export function kubernetesObjects(registryHost: string): Record<string, unknown>[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: APP, namespace: NAMESPACE, labels: { app: APP } },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: APP } },
        template: {
          metadata: { labels: { app: APP } },
          spec: {
            containers: [
              {
                name: 'app',
                image: `${registryHost}/${ECR_REPOSITORY}:v0.9.0`,
                ports: [{ name: 'http', containerPort: 8080 }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: APP, namespace: NAMESPACE },
      spec: { selector: { app: APP }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: APP, namespace: NAMESPACE },
      spec: {
        parentRefs: [{ name: 'public' }],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: APP, port: 80 }] }],
      },
    },
  ]
}

/** Writes the service's repository at `release` (files of earlier releases replaced). Returns the plan's path. */
export function writeSampleService(dir: string, stage: Stage, release: Release): string {
  const demo = join(REPO_ROOT, 'demo')
  // The image: the testbed's busybox base and the version's health answer.
  mkdirSync(join(dir, 'app'), { recursive: true })
  writeFileSync(join(dir, 'app/Dockerfile'), DOCKERFILE)
  writeFileSync(join(dir, 'app/health.json'), `${JSON.stringify({ status: 'UP', version: release.version })}\n`)
  rmSync(join(dir, 'db'), { recursive: true, force: true })
  mkdirSync(join(dir, 'db/migration'), { recursive: true })
  for (const m of release.migrations) cpSync(join(demo, 'migrations', m), join(dir, 'db/migration', m))
  // The frontend: the page names the version; each release ships its own fingerprinted script.
  rmSync(join(dir, 'web'), { recursive: true, force: true })
  cpSync(join(demo, 'site'), join(dir, 'web'), { recursive: true })
  let index = readFileSync(join(dir, 'web/index.html'), 'utf8').replace(
    '</body>',
    `<footer>${release.version}</footer></body>`,
  )
  if (release.version !== 'v1.0.0') {
    const script = `main.${createHash('sha256').update(release.version).digest('hex').slice(0, 8)}.js`
    rmSync(join(dir, 'web/assets/main.8c1d2e3f.js'))
    writeFileSync(join(dir, 'web/assets', script), `console.log('shop ${release.version}')\n`)
    index = index.replace('main.8c1d2e3f.js', script)
  }
  writeFileSync(join(dir, 'web/index.html'), index)
  mkdirSync(join(dir, 'k8s'), { recursive: true })
  writeFileSync(
    join(dir, 'k8s/service.yaml'),
    kubernetesObjects(stage.registryHost)
      .map((o) => stringify(o))
      .join('---\n'),
  )
  const plan = join(dir, 'release.yaml')
  writeFileSync(
    plan,
    `# The release plan of the demo shop (npx deploy-actions release --plan release.yaml).\n${stringify(planOf(stage, release))}`,
  )
  return plan
}
