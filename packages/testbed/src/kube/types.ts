// Kubernetes objects are plain JSON in the simulator: one loose type for all of them.
// biome-ignore lint/suspicious/noExplicitAny: API objects are arbitrary JSON documents
export type KObj = { [key: string]: any }

export function clone<T>(value: T): T {
  return structuredClone(value)
}

/** RFC 3339 with second precision, as the API server writes metav1.Time. */
export function isoNow(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** metav1.MicroTime (events' eventTime, leases). */
export function microNow(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export function isObject(value: unknown): value is KObj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((v, i) => deepEqual(v, b[i]))
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined)
    const kb = Object.keys(b).filter((k) => b[k] !== undefined)
    if (ka.length !== kb.length) return false
    return ka.every((k) => deepEqual(a[k], b[k]))
  }
  return false
}

/** JSON with keys sorted at every level: a stable form for hashing and comparing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** k8s.io/apimachinery rand.String: lowercase consonants and digits that spell no words. */
export function randomSuffix(length = 5): string {
  let out = ''
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)]
  return out
}

/** rand.SafeEncodeString: maps each character of a (decimal) string onto the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length]
  return out
}

/** 32-bit FNV-1a, the hash behind pod-template-hash. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5
  const bytes = Buffer.from(text, 'utf8')
  for (const byte of bytes) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/** controller.ComputeHash: FNV-1a over the pod template (plus the collision count), safe-encoded. */
export function podTemplateHash(template: KObj, collisionCount?: number): string {
  let text = canonicalJson(template)
  if (collisionCount !== undefined && collisionCount !== null) text += `#${collisionCount}`
  return safeEncodeString(String(fnv32a(text)))
}

export function uid(): string {
  return crypto.randomUUID()
}

export function annotations(obj: KObj): Record<string, string> {
  obj.metadata ??= {}
  obj.metadata.annotations ??= {}
  return obj.metadata.annotations
}

export function labelsOf(obj: KObj): Record<string, string> {
  return obj?.metadata?.labels ?? {}
}

/** Drops null members, as decoding into the API's typed structs does (`creationTimestamp: null` and the like). */
export function pruneNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => pruneNulls(v)) as T
  if (!isObject(value)) return value
  const out: KObj = {}
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue
    out[k] = pruneNulls(v)
  }
  return out as T
}
