// What a release would change in the cluster, shown as `kubectl diff --server-side` shows it
// (kubernetes/kubectl pkg/cmd/diff/diff.go): each object the release writes is applied
// server-side with dryRun=All against the live one (InfoObject.Merged), the live object and the
// dry-run answer are printed as YAML with their managedFields dropped (omitManagedFields; the
// rest, generation and resourceVersion included, stays as kubectl leaves it) and a Secret's data
// masked (Masker), into files named as kubectl names them (InfoObject.Name), and the two folders
// are compared by the diff program kubectl runs (diff-program.ts: `diff -u -N LIVE MERGED`).
import type { KubeObject, ObjectsApi } from '@deploy-actions/kube'
import { Document, parse, visit } from 'yaml'
import { type DiffFile, runDiffProgram } from './diff-program.ts'

export interface ObjectDiff extends DiffFile {
  /** Created by the release (no live object). */
  created: boolean
  /** The release would change it (its two printed versions differ). */
  changed: boolean
}

export interface ClusterDiff {
  objects: ObjectDiff[]
  /** The diff program's output over all of them ('' when nothing changes). */
  diff: string
  /** Words of KUBECTL_EXTERNAL_DIFF kubectl would ignore (and so did we). */
  ignored: string[]
}

/** InfoObject.Name: `<group>.<version>.<Kind>.<namespace>.<name>` (no group for the core API). */
export function diffFileName(o: KubeObject): string {
  const [group, version] = (o.apiVersion ?? '').includes('/') ? o.apiVersion!.split('/') : ['', o.apiVersion ?? '']
  return `${group ? `${group}.` : ''}${version}.${o.kind}.${o.metadata?.namespace ?? ''}.${o.metadata?.name ?? ''}`
}

/** A copy without metadata.managedFields (kubectl diff's omitManagedFields). */
function omitManagedFields(o: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = o.metadata ?? {}
  return { ...o, ...(o.metadata ? { metadata } : {}) }
}

const MASK = '***'

/**
 * kubectl diff's Masker for a v1 Secret: every `data` value masked, a value that changes masked
 * as `*** (before)` / `*** (after)` so the diff still shows that it changes.
 */
export function maskSecrets(
  from: KubeObject | undefined,
  to: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  if ((to ?? from)?.apiVersion !== 'v1' || (to ?? from)?.kind !== 'Secret') return [from, to]
  const a = { ...((from?.data as Record<string, unknown> | undefined) ?? {}) }
  const b = { ...((to?.data as Record<string, unknown> | undefined) ?? {}) }
  for (const k of Object.keys(a)) {
    if (k in b && a[k] !== b[k]) {
      a[k] = `${MASK} (before)`
      b[k] = `${MASK} (after)`
      continue
    }
    if (k in b) b[k] = MASK
    a[k] = MASK
  }
  for (const k of Object.keys(b)) if (!(k in a)) b[k] = MASK
  return [
    from && from.data !== undefined ? { ...from, data: a } : from,
    to && to.data !== undefined ? { ...to, data: b } : to,
  ]
}

/**
 * A metav1.Time field (`creationTimestamp`, a condition's `lastTransitionTime`) as the server
 * writes it, RFC 3339 in whole seconds: client-node hands these back as Dates, whose ISO form
 * adds `.000`.
 */
const wholeSeconds = (key: string, value: unknown): unknown =>
  typeof value === 'string' && /(Timestamp|Time)$/.test(key)
    ? value.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.000Z$/, '$1Z')
    : value

/** Keys in byte order at every level, as sigs.k8s.io/yaml prints an unstructured object (via JSON maps). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)))
      out[k] = wholeSeconds(k, sortKeys((value as Record<string, unknown>)[k]))
    return out
  }
  return value
}

/**
 * The object as kubectl's Printer writes it (sigs.k8s.io/yaml over go-yaml): sorted keys, lists
 * not indented under their key, YAML 1.1 quoting (a timestamp-like or yes/no string is quoted),
 * no line folding. Nothing for an absent object (diff -N: an empty file).
 */
export function kubectlYaml(o: KubeObject | undefined): string {
  if (!o) return ''
  const doc = new Document(sortKeys(o), { version: '1.1' })
  // go-yaml quotes a string that would read back as another type (`on`, `8080`, a date) in double
  // quotes, and one that cannot be written plain (`*** (before)`) in single quotes.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsOtherType(node.value)) node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true })
}

/** True when the string, written plain, reads back under YAML 1.1 as a bool, number, null or timestamp. */
function readsAsOtherType(value: string): boolean {
  if (value.includes('\n')) return false
  try {
    const read: unknown = parse(value, { version: '1.1' })
    return read === null || typeof read === 'boolean' || typeof read === 'number' || read instanceof Date
  } catch {
    return false
  }
}

/** One object's two files: live against what the release would leave (either may be absent). */
export function objectDiff(live: KubeObject | undefined, merged: KubeObject | undefined): ObjectDiff {
  const name = diffFileName((merged ?? live)!)
  const [from, to] = maskSecrets(live && omitManagedFields(live), merged && omitManagedFields(merged))
  const [a, b] = [kubectlYaml(from), kubectlYaml(to)]
  return { name, live: a, merged: b, created: !live, changed: a !== b }
}

/**
 * The objects' diff against the cluster: each live one read, then applied server-side with
 * dryRun=All under the field manager the release writes with (forcing conflicts, as the release
 * does), then all compared by the diff program (`env` for KUBECTL_EXTERNAL_DIFF). Nothing is stored.
 */
export async function clusterDiff(
  objects: ObjectsApi,
  desired: readonly KubeObject[],
  options: { fieldManager: string; force?: boolean; env: Record<string, string | undefined> },
): Promise<ClusterDiff> {
  const out: ObjectDiff[] = []
  for (const o of desired) {
    const ref = {
      apiVersion: o.apiVersion!,
      kind: o.kind!,
      name: o.metadata!.name!,
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    }
    const live = await objects.find(ref)
    const merged = await objects.apply(o, {
      fieldManager: options.fieldManager,
      force: options.force ?? true,
      dryRun: true,
    })
    out.push(objectDiff(live, merged))
  }
  if (!out.some((o) => o.changed)) return { objects: out, diff: '', ignored: [] }
  const { output, ignored } = await runDiffProgram(out, options.env)
  return { objects: out, diff: output, ignored }
}
