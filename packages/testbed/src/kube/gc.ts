// The garbage collector's background propagation: objects whose owners are all gone go too.
import type { Api } from './api.ts'
import { type ResourceDef, storedResources } from './resources.ts'
import type { KObj } from './types.ts'

export function collectGarbage(api: Api): void {
  const uids = new Set<string>()
  const owned: { r: ResourceDef; obj: KObj }[] = []
  for (const r of storedResources()) {
    for (const obj of api.store.scan(r)) {
      uids.add(obj.metadata.uid)
      if (obj.metadata.ownerReferences?.length) owned.push({ r, obj })
    }
  }
  for (const { r, obj } of owned) {
    if (obj.metadata.deletionTimestamp) continue
    if (obj.metadata.ownerReferences.some((o: KObj) => uids.has(o.uid))) continue
    if (api.store.tryGet(r, obj.metadata.namespace, obj.metadata.name)) {
      api.delete(r, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: 'Background' })
    }
  }
}
