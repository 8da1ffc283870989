// The canary Deployment, built from the stable one, and the labels its pods carry. Pure.
// replicas router: the canary pods keep every stable label (the stable Service selects them too)
// plus `track: canary`. Weighted routers: every label the stable Service selects on gets a
// `-canary` value on canary pods, so the stable backend never serves the canary (else 80/20 is
// not 80/20); the canary Service selects exactly the canary labels.
import type { Container, Deployment } from '@deploy-actions/kube'
import { MANAGED_BY, MANAGED_BY_LABEL } from '@deploy-actions/kube'
import type { RouterKind } from './inputs.ts'
import { type CanaryState, canaryName, encodeState, TRACK_LABEL } from './state.ts'

export interface CanaryLabels {
  /** The canary pod template's labels. */
  podLabels: Record<string, string>
  /** The canary Deployment's selector (also what the canary Service selects). */
  selector: Record<string, string>
  /** What changed and why, for the summary. */
  notes: string[]
}

const canaryValue = (v: string) => {
  const value = `${v}-canary`
  return value.length <= 63 ? value : `${v.slice(0, 56).replace(/[-_.]+$/, '')}-canary`
}

export function canaryLabels(
  stable: Deployment,
  router: RouterKind,
  service: { name: string; selector: Record<string, string> } | undefined,
): CanaryLabels {
  const template = { ...(stable.spec?.template.metadata?.labels ?? {}) }
  const matchLabels = { ...(stable.spec?.selector.matchLabels ?? {}) }
  const podLabels: Record<string, string> = { ...template, [TRACK_LABEL]: 'canary' }
  const selector: Record<string, string> = { ...matchLabels, [TRACK_LABEL]: 'canary' }
  const notes: string[] = []
  if (router === 'replicas') {
    notes.push(
      `canary pods carry the stable labels plus ${TRACK_LABEL}=canary, so ${service ? `Service ${service.name}` : 'the stable Service'} sends them their share of requests`,
    )
    return { podLabels, selector, notes }
  }
  const changed: string[] = []
  for (const [key, value] of Object.entries(service?.selector ?? {})) {
    if (key === TRACK_LABEL) continue
    podLabels[key] = canaryValue(value)
    if (key in selector) selector[key] = canaryValue(value)
    changed.push(`${key}=${value} → ${key}=${podLabels[key]}`)
  }
  notes.push(
    `canary pods: ${changed.length ? changed.join(', ') : 'no label changed'} plus ${TRACK_LABEL}=canary, so Service ${service?.name ?? '?'} (selector ${Object.entries(
      service?.selector ?? {},
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}) does not select them and the ${router} weights are the real split`,
  )
  return { podLabels, selector, notes }
}

/** The container the canary changes: the named one, else the only one (else an error listing them). */
export function chooseContainer(
  stable: Deployment,
  wanted: string | undefined,
): { name: string; image: string } | { error: string } {
  const containers: Container[] = stable.spec?.template.spec?.containers ?? []
  const names = containers.map((c) => c.name)
  if (wanted) {
    const c = containers.find((x) => x.name === wanted)
    return c
      ? { name: c.name, image: c.image ?? '' }
      : {
          error: `container "${wanted}" is not in the pod spec of ${stable.metadata?.name}; its containers: ${names.join(', ')}`,
        }
  }
  if (containers.length === 1) return { name: containers[0]!.name, image: containers[0]!.image ?? '' }
  return {
    error: `${stable.metadata?.name} has ${containers.length} containers (${names.join(', ')}): name one in the container input`,
  }
}

export function withImage<T extends { spec?: { containers: Container[] } }>(
  podSpec: T,
  container: string,
  image: string,
): T {
  return {
    ...podSpec,
    spec: {
      ...podSpec.spec!,
      containers: podSpec.spec!.containers.map((c) => (c.name === container ? { ...c, image } : c)),
    },
  }
}

export function buildCanaryDeployment(
  stable: Deployment,
  opts: { container: string; image: string; replicas: number; labels: CanaryLabels; state: CanaryState },
): Deployment {
  const name = canaryName(stable.metadata?.name ?? '')
  const template = structuredClone(stable.spec!.template)
  const { 'pod-template-hash': _hash, ...labels } = opts.labels.podLabels
  const spec = {
    ...structuredClone(stable.spec!),
    replicas: opts.replicas,
    paused: false,
    selector: { matchLabels: opts.labels.selector },
    template: withImage(
      { ...template, metadata: { ...(template.metadata ?? {}), labels } },
      opts.container,
      opts.image,
    ),
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: stable.metadata?.namespace,
      labels: { ...(stable.metadata?.labels ?? {}), [TRACK_LABEL]: 'canary', [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: encodeState(opts.state),
    },
    spec,
  }
}

/** The image of one container of a Deployment. */
export const imageOf = (d: Deployment, container: string): string =>
  d.spec?.template.spec?.containers.find((c) => c.name === container)?.image ?? ''
