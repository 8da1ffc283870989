// What a kubelet needs from the API before a container can run: the ConfigMaps and Secrets its
// volumes mount and its environment reads. A missing one holds the pod: volumes leave it
// ContainerCreating with FailedMount events, environment leaves the container waiting in
// CreateContainerConfigError. Neither ever becomes Ready until the object appears.
//
// Upstream: pkg/kubelet/kubelet_pods.go makeEnvironmentVariables (`configmap "x" not found`,
// `couldn't find key k in ConfigMap ns/x`), pkg/volume/configmap and secret SetUpAt
// (`MountVolume.SetUp failed for volume "v" : configmap "x" not found`).
import type { KObj } from './types.ts'

/** Reads a ConfigMap or Secret of the pod's namespace, undefined when there is none. */
export type Lookup = (kind: 'ConfigMap' | 'Secret', name: string) => KObj | undefined

function keys(obj: KObj): Set<string> {
  return new Set([...Object.keys(obj.data ?? {}), ...Object.keys(obj.binaryData ?? {})])
}

/** The first reason this container's environment cannot be built, as the kubelet words it. */
export function containerConfigError(container: KObj, namespace: string, lookup: Lookup): string | undefined {
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef && !from.configMapRef.optional && !lookup('ConfigMap', from.configMapRef.name)) {
      return `configmap "${from.configMapRef.name}" not found`
    }
    if (from.secretRef && !from.secretRef.optional && !lookup('Secret', from.secretRef.name)) {
      return `secret "${from.secretRef.name}" not found`
    }
  }
  for (const env of container.env ?? []) {
    const cm = env.valueFrom?.configMapKeyRef
    if (cm && !cm.optional) {
      const obj = lookup('ConfigMap', cm.name)
      if (!obj) return `configmap "${cm.name}" not found`
      if (!keys(obj).has(cm.key)) return `couldn't find key ${cm.key} in ConfigMap ${namespace}/${cm.name}`
    }
    const secret = env.valueFrom?.secretKeyRef
    if (secret && !secret.optional) {
      const obj = lookup('Secret', secret.name)
      if (!obj) return `secret "${secret.name}" not found`
      if (!keys(obj).has(secret.key)) return `couldn't find key ${secret.key} in Secret ${namespace}/${secret.name}`
    }
  }
  return undefined
}

/** FailedMount messages for the pod's ConfigMap and Secret volumes (projected ones included) that cannot be set up. */
export function volumeMountErrors(pod: KObj, lookup: Lookup): string[] {
  const errors: string[] = []
  for (const volume of pod.spec?.volumes ?? []) {
    const sources: { kind: 'ConfigMap' | 'Secret'; name: string; optional?: boolean }[] = []
    if (volume.configMap) sources.push({ kind: 'ConfigMap', ...volume.configMap })
    if (volume.secret)
      sources.push({ kind: 'Secret', name: volume.secret.secretName, optional: volume.secret.optional })
    for (const s of volume.projected?.sources ?? []) {
      if (s.configMap) sources.push({ kind: 'ConfigMap', ...s.configMap })
      if (s.secret) sources.push({ kind: 'Secret', ...s.secret })
    }
    for (const s of sources) {
      if (s.optional || lookup(s.kind, s.name)) continue
      const what = s.kind === 'ConfigMap' ? 'configmap' : 'secret'
      errors.push(`MountVolume.SetUp failed for volume "${volume.name}" : ${what} "${s.name}" not found`)
      break
    }
  }
  return errors
}
