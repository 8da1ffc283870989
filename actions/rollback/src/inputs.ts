// The only reader of rollback's inputs: pure, validates everything before any request.
import { ConfigurationError, durationMs, type InputGetter, parseBool, parseInteger } from '@deploy-actions/kit'
import { isDnsLabel, isDnsSubdomain, isImageReference, type KubeAccess, parseKubeAccess } from '@deploy-actions/kube'
import { stepKey } from './rerun.ts'

export interface Inputs {
  namespace: string
  deployment: string
  /** The revision to restore; 0 = the previous one (`kubectl rollout undo`). */
  toRevision: number
  /** Roll to this image instead of a revision. */
  image: string | undefined
  abortCanary: boolean
  wait: boolean
  timeoutMs: number
  kube: KubeAccess
  region: string | undefined
  progressEveryMs: number
  /** This job step (`<run id>/<job>/<step>`), for the re-run marker; undefined off a runner. */
  step: string | undefined
}

export function parseInputs(get: InputGetter, env: NodeJS.ProcessEnv = {}): Inputs {
  const namespace = get('namespace') || 'default'
  if (!isDnsLabel(namespace)) {
    throw new ConfigurationError('namespace', 'a namespace name (lowercase letters, digits and -, up to 63)', namespace)
  }
  const deployment = get('deployment')
  if (!deployment) throw new ConfigurationError('deployment', 'the name of the Deployment to roll back (required)')
  if (!isDnsSubdomain(deployment)) {
    throw new ConfigurationError('deployment', 'a Deployment name (lowercase letters, digits, - and .)', deployment)
  }
  const rawRevision = get('to-revision')
  const toRevision =
    rawRevision.toLowerCase() === 'previous'
      ? 0
      : parseInteger('to-revision', rawRevision, 0, { min: 0, max: 2 ** 53 - 1 })
  const image = get('image') || undefined
  if (image && !isImageReference(image)) {
    throw new ConfigurationError('image', 'an image reference like registry/app:1.2.0 or app@sha256:…', image)
  }
  if (image && toRevision > 0) {
    throw new ConfigurationError('image', 'either image or to-revision, not both')
  }
  const abortCanary = parseBool('abort-canary', get('abort-canary'), false)
  const wait = parseBool('wait', get('wait'), true)
  const rawTimeout = get('timeout') || '10m'
  const timeoutMs = durationMs(rawTimeout)
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new ConfigurationError('timeout', 'a duration like 90s, 10m or 1h', rawTimeout)
  }
  const kube = parseKubeAccess(get('kubeconfig'), get('eks-cluster'))
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined
  if (kube.kind === 'eks' && !region) {
    throw new ConfigurationError(
      'eks-cluster',
      'an AWS region: set AWS_REGION (aws-actions/configure-aws-credentials does)',
    )
  }
  const progress = env.DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS?.trim()
  return {
    namespace,
    deployment,
    toRevision,
    image,
    abortCanary,
    wait,
    timeoutMs,
    kube,
    region,
    step: stepKey(env),
    progressEveryMs: progress
      ? parseInteger('DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS', progress, 20_000, { min: 1 })
      : 20_000,
  }
}
