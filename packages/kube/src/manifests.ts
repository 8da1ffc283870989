// A service's manifests as the canary promotes through them (the runbook's
// `kubectl apply -k overlays/production`) and as `deploy-actions plan` dry-runs them: a folder of
// YAML (recursively, in path order), one file, or a kustomization rendered by `kubectl kustomize`
// (through @actions/exec); the release's image put in place of every container image of the same
// name; a Deployment an HPA scales left without replicas; the namespace filled in. Reading and
// preparing only: writing them is the caller's.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DeployError } from '@deploy-actions/kit'
import { parseAllDocuments } from 'yaml'
import type { KubeObject } from './objects.ts'

/** The field manager the canary applies manifests with (and `plan` dry-runs them under). */
export const CANARY_FIELD_MANAGER = 'deploy-actions-canary'

const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

/** `registry/app:1.2@sha256:…` → `registry/app` (the image's name, without tag or digest). */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0]!
  const lastSlash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest
}

interface PodSpecHolder {
  containers?: Array<{ name: string; image?: string }>
  initContainers?: Array<{ name: string; image?: string }>
}

/** The pod specs of an object: a Pod's own, a CronJob's job template's, else `spec.template`'s. */
function podSpecs(o: KubeObject): PodSpecHolder[] {
  type Template = { template?: { spec?: PodSpecHolder } }
  const spec = o.spec as (PodSpecHolder & Template & { jobTemplate?: { spec?: Template } }) | undefined
  if (!spec) return []
  if (o.kind === 'Pod') return [spec]
  const pod = o.kind === 'CronJob' ? spec.jobTemplate?.spec?.template?.spec : spec.template?.spec
  return pod ? [pod] : []
}

/** Replaces the image by name in every pod template; returns how many containers changed. Pure. */
export function replaceImage(objects: KubeObject[], image: string): number {
  const name = imageName(image)
  let changed = 0
  for (const o of objects) {
    for (const ps of podSpecs(o)) {
      for (const c of [...(ps.containers ?? []), ...(ps.initContainers ?? [])]) {
        if (c.image && imageName(c.image) === name) {
          c.image = image
          changed++
        }
      }
    }
  }
  return changed
}

/** The objects of a YAML stream (`List`s flattened, empty documents and non-objects skipped). */
export function parseManifests(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length)
      throw new DeployError(`manifests: ${source}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`)
    const o = doc.toJSON() as KubeObject | null
    if (!o) continue
    if (o.kind === 'List' && Array.isArray(o.items)) out.push(...(o.items as KubeObject[]))
    else if (o.apiVersion && o.kind) out.push(o)
  }
  return out
}

/** `kubectl kustomize DIR` through @actions/exec (kubectl is on every GitHub-hosted runner). */
export async function kubectlKustomize(dir: string): Promise<string> {
  const { getExecOutput } = await import('@actions/exec')
  let out: { exitCode: number; stdout: string; stderr: string }
  try {
    out = await getExecOutput('kubectl', ['kustomize', dir], { silent: true, ignoreReturnCode: true })
  } catch (error) {
    throw new DeployError(
      `manifests: a kustomization needs kubectl on PATH (${(error as Error).message.split('\n')[0]})`,
    )
  }
  if (out.exitCode !== 0)
    throw new DeployError(`kubectl kustomize ${dir} failed: ${out.stderr.trim().split('\n').slice(-3).join(' ')}`)
  return out.stdout
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
    )
    .sort()
}

export interface RenderedManifests {
  objects: KubeObject[]
  /** How they were read, for a summary: `kubectl kustomize k8s`, `2 YAML files in k8s`. */
  how: string
}

export interface RenderOptions {
  /** What a relative `path` is relative to (the workspace). */
  workspace: string
  /** Renders a kustomization folder; kubectlKustomize unless given. */
  kustomize?: (dir: string) => Promise<string>
  /** Said as the state left by any failure to read them (DeployError's leftState). */
  leftState?: string
}

/** The objects of `path`: a kustomization rendered, else every YAML file under it, else the one file. */
export async function renderManifests(path: string, options: RenderOptions): Promise<RenderedManifests> {
  try {
    return await render(path, options)
  } catch (error) {
    if (options.leftState && error instanceof DeployError && !error.leftState)
      throw new DeployError(error.message, { leftState: options.leftState, cause: error })
    throw error
  }
}

async function render(path: string, options: RenderOptions): Promise<RenderedManifests> {
  const dir = resolve(options.workspace, path)
  let entries: string[] | undefined
  try {
    entries = statSync(dir).isDirectory() ? readdirSync(dir) : undefined
  } catch {
    throw new DeployError(`manifests: ${path} does not exist`)
  }
  if (entries && KUSTOMIZATION.some((k) => entries.includes(k))) {
    const how = `kubectl kustomize ${path}`
    return { objects: parseManifests(await (options.kustomize ?? kubectlKustomize)(dir), how), how }
  }
  const files = entries ? yamlFiles(dir) : [dir]
  return {
    objects: files.flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f)),
    how: `${files.length} YAML file${files.length === 1 ? '' : 's'} in ${path}`,
  }
}

/** True for the kinds that have no namespace (Namespace, ClusterRole, ClusterIssuer, …). */
const clusterScoped = (kind: string | undefined) => kind === 'Namespace' || /^Cluster/.test(kind ?? '')

export interface Promotion {
  /** The release's image. */
  image: string
  /** The Deployment the canary promotes, and the namespace of every object without one. */
  deployment: string
  namespace: string
  /** An HPA scales the Deployment: its replicas are never written (the HPA's to set). */
  scaledByHpa: boolean
}

/**
 * Prepares rendered manifests for the promotion's server-side apply, in place: the image set,
 * the HPA-scaled Deployment's replicas dropped, the namespace filled in. Returns how many
 * containers now run the image and the promoted Deployment (undefined when the manifests lack it).
 */
export function preparePromotion(
  objects: KubeObject[],
  p: Promotion,
): { changed: number; deployment: KubeObject | undefined } {
  const changed = replaceImage(objects, p.image)
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === p.deployment)
  if (deployment && p.scaledByHpa) delete (deployment.spec as { replicas?: number } | undefined)?.replicas
  for (const o of objects) {
    o.metadata ??= {}
    if (!o.metadata.namespace && !clusterScoped(o.kind)) o.metadata.namespace = p.namespace
  }
  return { changed, deployment }
}
