// How flyway-migrate reaches its database, from its inputs (pure, table-tested): directly, or
// through the Kubernetes API (`via: kubernetes`: a proxy pod this run starts, or a pod a team
// already runs, `tunnel-pod`), and where credentials come from when Secrets Manager holds them
// (`password-secret-id`). Read by parseInputs, so every input is validated before anything loads.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { ConfigurationError, type InputGetter, parseEnum } from '@deploy-actions/kit'
// The two pure entry points, not the @deploy-actions/kube index: input validation runs on every
// start, and the index would bring the whole package (routers, rollouts, the tunnel's client) into it.
import { chooseKubeconfigSource, type KubeAccess, parseKubeAccess } from '@deploy-actions/kube/kubeconfig'
import {
  type PodPort,
  type PodSpecOverrides,
  parseImage,
  parseNamespace,
  parsePodSpecOverrides,
  parseTunnelPod,
} from '@deploy-actions/kube/tunnel-spec'

export type Via = 'direct' | 'kubernetes'

export type TunnelInputs =
  | { kind: 'proxy-pod'; namespace: string | undefined; image: string; overrides: PodSpecOverrides; access: KubeAccess }
  | { kind: 'existing-pod'; pod: PodPort; access: KubeAccess }

export interface ReachInputs {
  via: Via
  tunnel?: TunnelInputs
  /** A Secrets Manager secret: the password, or RDS's JSON (username, password, host, port, dbname). */
  secret?: { id: string; region: string }
}

/** A secret name or ARN as Secrets Manager accepts it. */
const SECRET_ID = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@!-]{1,512}$/

export function parseReachInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean = existsSync,
): ReachInputs {
  const via = parseEnum('via', get('via'), ['direct', 'kubernetes'] as const, 'direct')
  const kubeInputs = {
    namespace: get('tunnel-namespace'),
    image: get('tunnel-image'),
    spec: get('tunnel-pod-spec'),
    pod: get('tunnel-pod'),
    kubeconfig: get('kubeconfig'),
    eks: get('eks-cluster'),
  }
  const secretId = get('password-secret-id').trim()
  const secretRegion = get('secret-region').trim()
  const out: ReachInputs = { via }

  if (via === 'direct') {
    const stray = Object.entries({
      'tunnel-namespace': kubeInputs.namespace,
      'tunnel-pod-spec': kubeInputs.spec,
      'tunnel-pod': kubeInputs.pod,
      kubeconfig: kubeInputs.kubeconfig,
      'eks-cluster': kubeInputs.eks,
    }).find(([, v]) => v.trim())
    if (stray)
      throw new ConfigurationError('via', `kubernetes when ${stray[0]} is given (or leave ${stray[0]} empty)`, via)
  } else {
    const access = parseKubeAccess(kubeInputs.kubeconfig, kubeInputs.eks)
    if (access.kind === 'kubeconfig' && access.content === undefined) {
      // No kubeconfig input: one must be found now, not after a pod was asked for.
      chooseKubeconfigSource({ input: '', env, homeDir: env.HOME || homedir(), exists })
    }
    if (access.kind === 'eks' && !(env.AWS_REGION || env.AWS_DEFAULT_REGION))
      throw new ConfigurationError('eks-cluster', "AWS_REGION (or AWS_DEFAULT_REGION) set to the cluster's region")
    if (kubeInputs.pod.trim()) {
      for (const [name, value] of [
        ['tunnel-namespace', kubeInputs.namespace],
        ['tunnel-pod-spec', kubeInputs.spec],
      ] as const) {
        if (value.trim()) throw new ConfigurationError(name, 'empty when tunnel-pod names an existing pod')
      }
      out.tunnel = { kind: 'existing-pod', pod: parseTunnelPod(kubeInputs.pod), access }
    } else {
      out.tunnel = {
        kind: 'proxy-pod',
        namespace: parseNamespace('tunnel-namespace', kubeInputs.namespace),
        image: parseImage('tunnel-image', kubeInputs.image),
        overrides: parsePodSpecOverrides(kubeInputs.spec),
        access,
      }
    }
  }

  if (secretId) {
    if (!SECRET_ID.test(secretId))
      throw new ConfigurationError(
        'password-secret-id',
        'a Secrets Manager secret name or ARN, e.g. prod/database/password',
        secretId,
      )
    const region = secretRegion || regionOfArn(secretId) || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      throw new ConfigurationError('secret-region', 'a region such as eu-west-1 (or AWS_REGION set)', region)
    out.secret = { id: secretId, region }
  } else if (secretRegion) {
    throw new ConfigurationError('secret-region', 'empty unless password-secret-id is given', secretRegion)
  }
  return out
}

function regionOfArn(id: string): string | undefined {
  return /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(id)?.[1]
}
