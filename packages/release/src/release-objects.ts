// The objects a release leaves in the cluster once its canary is promoted, as the canary action
// writes them: the plan's `manifests` (a folder of YAML, one file, or a kustomization rendered by
// `kubectl kustomize`) with the new image in place of every container image of the same name, or,
// without manifests, the Deployment's container with the new image. `plan` dry-runs these
// against the live objects (kube-diff.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { KubeObject } from '@deploy-actions/kube'
import { parseAllDocuments } from 'yaml'
import type { KubernetesPlan } from './types.ts'

/** The field manager the canary applies manifests with (actions/canary-deploy's FIELD_MANAGER). */
export const CANARY_FIELD_MANAGER = 'deploy-actions-canary'

/** `registry:5000/app:1.2@sha256:…` → `registry:5000/app`: an image without its tag and digest. */
export function repositoryOf(image: string): string {
  const name = image.split('@')[0]!
  const tag = name.lastIndexOf(':')
  return tag > name.lastIndexOf('/') ? name.slice(0, tag) : name
}

/** Sets `image` in every container (and init container) of any pod template that runs its repository. */
export function setImage(value: unknown, image: string): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + setImage(v, image), 0)
  if (!value || typeof value !== 'object') return 0
  let n = 0
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
      for (const c of child as Array<{ image?: unknown }>)
        if (typeof c?.image === 'string' && repositoryOf(c.image) === repositoryOf(image)) {
          c.image = image
          n++
        }
    } else n += setImage(child, image)
  }
  return n
}

/** The objects of a YAML text (`List`s flattened, empty documents skipped). */
export function objectsOfYaml(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`)
    const o = doc.toJSON() as KubeObject | null
    if (o?.kind === 'List' && Array.isArray(o.items)) return o.items as KubeObject[]
    return o?.apiVersion && o.kind ? [o] : []
  })
}

const isKustomization = (dir: string) =>
  readdirSync(dir).some((f) => ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(f))

/** The manifests' objects, with the image set and the Deployment's namespace for those without one. */
export async function manifestObjects(
  k: KubernetesPlan,
  image: string,
  workspace: string,
): Promise<{ objects: KubeObject[]; how: string }> {
  const path = resolve(workspace, k.manifests!)
  let objects: KubeObject[]
  let how: string
  if (statSync(path).isDirectory() && isKustomization(path)) {
    const { getExecOutput } = await import('@actions/exec')
    const out = await getExecOutput('kubectl', ['kustomize', path], { silent: true, ignoreReturnCode: true })
    if (out.exitCode !== 0) throw new Error(`kubectl kustomize ${k.manifests}: ${out.stderr.trim().split('\n')[0]}`)
    objects = objectsOfYaml(out.stdout, `kubectl kustomize ${k.manifests}`)
    how = `kubectl kustomize ${k.manifests}`
  } else {
    const files = statSync(path).isDirectory()
      ? (readdirSync(path, { recursive: true }) as string[])
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path]
    objects = files.flatMap((f) => objectsOfYaml(readFileSync(f, 'utf8'), f))
    how = `${files.length} YAML file(s) in ${k.manifests}`
  }
  setImage(objects, image)
  const namespace = k.namespace ?? 'default'
  for (const o of objects) {
    o.metadata ??= {}
    if (!o.metadata.namespace && o.kind !== 'Namespace' && !o.kind?.startsWith('Cluster'))
      o.metadata.namespace = namespace
  }
  return { objects, how }
}

/** Without manifests: the apply configuration of the one change, the container's image. */
export function imageChange(k: KubernetesPlan, container: string, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: k.deployment, namespace: k.namespace ?? 'default' },
    spec: { template: { spec: { containers: [{ name: container, image }] } } },
  }
}
