// rollback's pure parts by table: parseInputs (good and bad inputs), the canary state reader, the
// outputs and the summary.

import { ConfigurationError, recordInputGetter } from '@deploy-actions/kit'
import { describeCanary, runningCanary } from '@deploy-actions/kube'
import { thrownBy } from '@deploy-actions/testbed'
import { parseInputs } from '../../../actions/rollback/src/inputs.ts'
import { newReport, outputsOf, renderSummary } from '../../../actions/rollback/src/report.ts'
import { earlierRun, markerOf, stepKey } from '../../../actions/rollback/src/rerun.ts'

const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  parseInputs(recordInputGetter(inputs), env)

describe('parseInputs', () => {
  test('defaults: previous revision, wait 10m, no canary abort', () => {
    expect(parse({ deployment: 'web' })).toMatchObject({
      namespace: 'default',
      deployment: 'web',
      toRevision: 0,
      image: undefined,
      abortCanary: false,
      wait: true,
      timeoutMs: 600_000,
      kube: { kind: 'kubeconfig', content: undefined },
    })
  })
  test.each([
    [{ 'to-revision': 'previous' }, { toRevision: 0 }],
    [{ 'to-revision': '3' }, { toRevision: 3 }],
    [{ image: 'ecr.example.com:5000/web:1.2' }, { image: 'ecr.example.com:5000/web:1.2' }],
    [
      { 'abort-canary': 'true', wait: 'false', timeout: '90s' },
      { abortCanary: true, wait: false, timeoutMs: 90_000 },
    ],
  ])('%j', (extra, want) => {
    expect(parse({ deployment: 'web', ...extra })).toMatchObject(want)
  })
  test.each([
    [{}, 'deployment'],
    [{ deployment: 'Web_1' }, 'deployment'],
    [{ deployment: 'web', namespace: 'Prod' }, 'namespace'],
    [{ deployment: 'web', 'to-revision': 'two' }, 'to-revision'],
    [{ deployment: 'web', 'to-revision': '-1' }, 'to-revision'],
    [{ deployment: 'web', image: 'not an image' }, 'image'],
    [{ deployment: 'web', image: 'web:1', 'to-revision': '2' }, 'image'],
    [{ deployment: 'web', wait: 'maybe' }, 'wait'],
    [{ deployment: 'web', timeout: '0s' }, 'timeout'],
    [{ deployment: 'web', 'eks-cluster': 'prod' }, 'eks-cluster'], // no AWS_REGION
    [{ deployment: 'web', 'eks-cluster': 'prod', kubeconfig: 'apiVersion: v1' }, 'eks-cluster'],
  ])('%j is refused, naming %s', (inputs, input) => {
    const error = thrownBy(() => parse(inputs))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).input).toBe(input)
  })
  test('eks-cluster with a region', () => {
    expect(parse({ deployment: 'web', 'eks-cluster': 'prod' }, { AWS_REGION: 'eu-west-1' })).toMatchObject({
      kube: { kind: 'eks', cluster: 'prod' },
      region: 'eu-west-1',
    })
  })
})

describe('runningCanary', () => {
  const annotated = (state: unknown) => ({
    metadata: { name: 'web-canary', annotations: { 'deploy-actions.dev/canary-state': JSON.stringify(state) } },
  })
  test('a weighted canary gives the routing its router needs to route 100% back to stable', () => {
    const c = runningCanary(
      annotated({
        v: 1,
        router: 'alb',
        ingress: 'shop',
        image: 'web:3',
        liveWeight: 25,
        phase: 'paused',
        stableService: 'web-svc',
        canaryService: 'web-svc-canary',
        canaryPodLabels: { app: 'web', track: 'canary' },
        header: { name: 'X-Canary', value: 'always' },
      }),
      'web',
      'prod',
    )
    expect(c?.routing).toEqual({
      kind: 'alb',
      routing: {
        namespace: 'prod',
        stable: 'web',
        stableService: 'web-svc',
        canaryService: 'web-svc-canary',
        canaryPodLabels: { app: 'web', track: 'canary' },
        httpRoute: undefined,
        ingress: 'shop',
        header: { name: 'X-Canary', value: 'always' },
      },
    })
    expect(describeCanary(c!)).toBe('canary web-canary (image web:3, 25%, paused, router alb)')
  })
  test('the replicas router has no routing objects; a Deployment without the annotation is no canary', () => {
    expect(runningCanary(annotated({ v: 1, router: 'replicas' }), 'web', 'prod')?.routing).toBeUndefined()
    expect(runningCanary({ metadata: { name: 'web-canary' } }, 'web', 'prod')).toBeUndefined()
    expect(runningCanary(undefined, 'web', 'prod')).toBeUndefined()
  })
  test('an unreadable state still counts as running (refuse rather than guess)', () => {
    const c = runningCanary(
      { metadata: { name: 'web-canary', annotations: { 'deploy-actions.dev/canary-state': '{oops' } } },
      'web',
      'prod',
    )
    expect(c).toMatchObject({ name: 'web-canary', router: 'unknown', routing: undefined })
  })
})

describe('report', () => {
  const inputs = parse({ deployment: 'web', 'to-revision': '2' })
  test('a refused run sets no outputs and says why', () => {
    const r = newReport(inputs)
    Object.assign(r, { outcome: 'refused', error: 'revision 2 is not in the history', leftState: 'nothing changed' })
    expect(outputsOf(r)).toEqual({ revision: undefined, image: undefined, 'previous-image': undefined })
    expect(renderSummary(r)).toMatch(
      /## rollback: default\/web refused[\s\S]*Asked for revision 2[\s\S]*\*\*Refused\*\*/,
    )
  })
  test('several containers are listed as container=image', () => {
    const r = newReport(inputs)
    Object.assign(r, {
      outcome: 'rolled back',
      fromRevision: 3,
      restoredRevision: 2,
      revision: 4,
      images: ['app=web:2', 'proxy=envoy:1'],
      previousImages: ['app=web:3', 'proxy=envoy:1'],
    })
    expect(outputsOf(r)).toEqual({
      revision: '4',
      image: 'app=web:2,proxy=envoy:1',
      'previous-image': 'app=web:3,proxy=envoy:1',
    })
    expect(renderSummary(r)).toMatch(/\| Revision \| 3 \| 4 \(the template of revision 2\) \|/)
  })
})

describe('re-run marker', () => {
  const marker = {
    step: '42/deploy/rb',
    revision: 4,
    fromRevision: 3,
    restoredRevision: 2,
    images: ['app=web:2'],
    previousImages: ['app=web:3'],
  }
  const annotated = { metadata: { annotations: { 'deploy-actions.dev/rolled-back-by': JSON.stringify(marker) } } }
  test.each([
    ['42/deploy/rb', 4, true], // the same step, the Deployment still where it left it
    ['42/deploy/rb', 5, false], // rolled on since
    ['43/deploy/rb', 4, false], // another run
    [undefined, 4, false], // off a runner
  ])('step %s at revision %s: earlier run found = %s', (step, revision, found) => {
    expect(earlierRun(annotated, revision, step) !== undefined).toBe(found)
  })
  test('the step key comes from the run, job and step ids', () => {
    expect(stepKey({ GITHUB_RUN_ID: '42', GITHUB_JOB: 'deploy', GITHUB_ACTION: 'rb', GITHUB_RUN_ATTEMPT: '2' })).toBe(
      '42/deploy/rb',
    )
    expect(stepKey({})).toBeUndefined()
    expect(markerOf({ metadata: { annotations: { 'deploy-actions.dev/rolled-back-by': '{bad' } } })).toBeUndefined()
  })
})
