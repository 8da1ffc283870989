import type { Deployment, KubeObject } from '@deploy-actions/kube'
import {
  buildCanaryDeployment,
  canaryLabels,
  chooseContainer,
} from '../../../actions/canary-deploy/src/canary-objects.ts'
import { decodeState } from '../../../actions/canary-deploy/src/state.ts'
import { imageName, parseManifests, replaceImage } from '../../../packages/kube/src/manifests.ts'

const stable: Deployment = {
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', tier: 'front', 'pod-template-hash': 'abc' } },
      spec: {
        containers: [
          { name: 'app', image: 'web:1' },
          { name: 'proxy', image: 'envoy:1' },
        ],
      },
    },
  },
}

describe('canary labels', () => {
  it('replicas: the stable labels plus track=canary, so the stable Service keeps selecting them', () => {
    const l = canaryLabels(stable, 'replicas', { name: 'web', selector: { app: 'web' } })
    expect(l.podLabels).toMatchObject({ app: 'web', tier: 'front', track: 'canary' })
    expect(l.selector).toEqual({ app: 'web', track: 'canary' })
  })
  it('weighted: every label the stable Service selects on changes, and the summary says so', () => {
    const l = canaryLabels(stable, 'gateway-api', { name: 'web', selector: { app: 'web', tier: 'front' } })
    expect(l.podLabels).toMatchObject({ app: 'web-canary', tier: 'front-canary', track: 'canary' })
    expect(l.selector).toEqual({ app: 'web-canary', track: 'canary' })
    expect(l.notes[0]).toMatch(
      /app=web → app=web-canary, tier=front → tier=front-canary plus track=canary, so Service web \(selector app=web,tier=front\) does not select them/,
    )
  })
})

describe('chooseContainer', () => {
  it.each<[string | undefined, unknown]>([
    ['app', { name: 'app', image: 'web:1' }],
    ['sidecar', { error: 'container "sidecar" is not in the pod spec of web; its containers: app, proxy' }],
    [undefined, { error: 'web has 2 containers (app, proxy): name one in the container input' }],
  ])('%s', (wanted, result) => expect(chooseContainer(stable, wanted)).toEqual(result))
})

it('builds the canary Deployment: new image in one container, own selector, state annotation, no pod-template-hash', () => {
  const labels = canaryLabels(stable, 'replicas', undefined)
  const state = { v: 1, stable: 'web', image: 'web:2', router: 'replicas' } as never
  const d = buildCanaryDeployment(stable, { container: 'app', image: 'web:2', replicas: 1, labels, state })
  expect(d.metadata?.name).toBe('web-canary')
  expect(d.spec?.replicas).toBe(1)
  expect(d.spec?.selector).toEqual({ matchLabels: { app: 'web', track: 'canary' } })
  expect(d.spec?.template.metadata?.labels).toEqual({ app: 'web', tier: 'front', track: 'canary' })
  expect(d.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['web:2', 'envoy:1'])
  expect(decodeState(d.metadata?.annotations)?.image).toBe('web:2')
  expect(stable.spec?.template.spec?.containers[0]?.image).toBe('web:1') // the stable object is not changed
})

describe('manifests', () => {
  it.each([
    ['ghcr.io/stefanprodan/podinfo:6.14.3', 'ghcr.io/stefanprodan/podinfo'],
    ['registry.local:5000/team/web@sha256:abc', 'registry.local:5000/team/web'],
    ['registry.local:5000/web', 'registry.local:5000/web'],
    ['web', 'web'],
  ])('imageName(%s) = %s', (image, name) => expect(imageName(image)).toBe(name))

  it('replaces the image by name in every pod template, leaving other images alone', () => {
    const objects = parseManifests(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers: [{name: migrate, image: "registry.local/web:1"}]
      containers: [{name: app, image: "registry.local/web:1"}, {name: proxy, image: "envoy:1"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: r, image: "registry.local/web:0.9"}]}}}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
`,
      'test',
    )
    expect(replaceImage(objects, 'registry.local/web:2')).toBe(3)
    const images = JSON.stringify(objects).match(/"image":"[^"]+"/g)
    expect(images).toEqual([
      '"image":"registry.local/web:2"',
      '"image":"registry.local/web:2"',
      '"image":"envoy:1"',
      '"image":"registry.local/web:2"',
    ])
    expect(objects.map((o: KubeObject) => o.kind)).toEqual(['Deployment', 'CronJob', 'Service'])
  })
})
