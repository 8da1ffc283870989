// core/v1 Events as client-go's EventRecorder writes them: one object per (object, reason,
// message, source), its count and lastTimestamp bumped on repeats.
import type { Api } from './api.ts'
import { apiVersionOf, resourceByKind } from './resources.ts'
import { isoNow, type KObj } from './types.ts'

export const NODE_NAME = 'testbed-node'

export interface EventInput {
  involved: KObj
  type: 'Normal' | 'Warning'
  reason: string
  message: string
  component: string
  host?: string
  fieldPath?: string
}

const EVENTS = resourceByKind('Event')
let sequence = 0

export function recordEvent(api: Api, input: EventInput): void {
  const { involved } = input
  const namespace = involved.metadata.namespace ?? 'default'
  const key = [involved.metadata.uid, input.fieldPath ?? '', input.reason, input.message, input.component].join(
    '\u0000',
  )
  const known = api.eventIndex.get(key)
  const existing = known ? api.store.tryGet(EVENTS, namespace, known) : undefined
  const now = isoNow()
  if (existing) {
    existing.count = (existing.count ?? 1) + 1
    existing.lastTimestamp = now
    api.store.update(EVENTS, existing)
    return
  }
  const r = resourceByKind(involved.kind)
  const involvedObject: KObj = {
    kind: involved.kind,
    namespace: involved.metadata.namespace,
    name: involved.metadata.name,
    uid: involved.metadata.uid,
    apiVersion: apiVersionOf(r),
    resourceVersion: involved.metadata.resourceVersion,
  }
  if (input.fieldPath) involvedObject.fieldPath = input.fieldPath
  const source: KObj = { component: input.component }
  if (input.host) source.host = input.host
  // Names end in the creation time in hex nanoseconds; a counter keeps them ordered within a millisecond.
  const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(sequence++ % 1_000_000)
  const name = `${involved.metadata.name}.${nanos.toString(16)}`
  api.eventIndex.set(key, name)
  api.store.create(EVENTS, {
    metadata: { name, namespace },
    involvedObject,
    reason: input.reason,
    message: input.message,
    source,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: input.type,
    eventTime: null,
    reportingComponent: input.component,
    reportingInstance: input.host ?? '',
  })
}
