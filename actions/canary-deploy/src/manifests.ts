// Promotion through `manifests`, as the runbook's `kubectl apply -k overlays/production`: a
// directory of YAML, or a kustomization rendered by `kubectl kustomize` (through @actions/exec),
// with the canary's image put in place of every container image of the same name, applied with
// server-side apply. An HPA-managed Deployment's replicas are dropped from what is applied.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DeployError } from '@deploy-actions/kit'
import type { KubeObject } from '@deploy-actions/kube'
import { parseAllDocuments } from 'yaml'
import type { Ctx } from './canary.ts'
import type { CanaryState } from './state.ts'

export const FIELD_MANAGER = 'deploy-actions-canary'
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

/** `registry/app:1.2` → `registry/app` (the image's name, without tag or digest). */
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

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
    )
    .sort()
}

export async function renderManifests(ctx: Ctx, path: string): Promise<{ objects: KubeObject[]; how: string }> {
  const dir = resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), path)
  let isDir = false
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    throw new DeployError(`manifests: ${path} does not exist`, { leftState: 'stable unchanged' })
  }
  if (isDir && KUSTOMIZATION.some((k) => readdirSyncSafe(dir).includes(k))) {
    if (!ctx.deps.kustomize) throw new DeployError('manifests: a kustomization needs kubectl (kubectl kustomize)')
    return {
      objects: parseManifests(await ctx.deps.kustomize(dir), `kubectl kustomize ${path}`),
      how: `kubectl kustomize ${path}`,
    }
  }
  const files = isDir ? yamlFiles(dir) : [dir]
  return {
    objects: files.flatMap((f) => parseManifests(readFileSync(f, 'utf8'), f)),
    how: `${files.length} YAML file${files.length === 1 ? '' : 's'} in ${path}`,
  }
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Renders, sets the image, and applies every object; returns lines for the summary. */
export async function applyManifests(ctx: Ctx, state: CanaryState): Promise<string[]> {
  const { objects, how } = await renderManifests(ctx, ctx.inputs.manifests!)
  const changed = replaceImage(objects, state.image)
  const stable = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === state.stable)
  if (!stable) {
    throw new DeployError(`manifests (${how}) do not contain Deployment ${state.stable}`, {
      leftState: `canary still running; ${state.stable} untouched`,
    })
  }
  if (state.hpa) delete (stable.spec as { replicas?: number }).replicas
  for (const o of objects) {
    o.metadata ??= {}
    if (!o.metadata.namespace && o.kind !== 'Namespace' && !/^Cluster/.test(o.kind ?? ''))
      o.metadata.namespace = state.namespace
    await ctx.deps.objects.apply(o, { fieldManager: FIELD_MANAGER, force: true })
    ctx.deps.log.info(`applied ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
  }
  return [
    `promoted through manifests: ${how}, ${objects.length} objects applied (server-side apply), image ${state.image} set in ${changed} container${changed === 1 ? '' : 's'}${state.hpa ? `; replicas left to HPA ${state.hpa}` : ''}`,
  ]
}
