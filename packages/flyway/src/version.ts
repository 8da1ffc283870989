// Migration versions as Flyway reads them (org.flywaydb.core.api.MigrationVersion): underscores
// become dots, the text splits at dots followed by a digit, every part is a whole number, and
// trailing zero parts are dropped for comparison, so 1 = 1.0 = 1.0.0 and 1.10 > 1.9.

export interface Version {
  /** Display text, as Flyway writes it into the history table ("2.1" for V2_1__). */
  text: string
  parts: bigint[]
}

/** Parses a version, or returns undefined when it is not one (letters, empty parts). */
export function parseVersion(raw: string): Version | undefined {
  const text = raw.replace(/_/g, '.')
  if (!text) return undefined
  const pieces = text.split(/\.(?=\d)/)
  const parts: bigint[] = []
  for (const piece of pieces) {
    if (!/^\d+$/.test(piece)) return undefined
    parts.push(BigInt(piece))
  }
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop()
  return { text, parts }
}

export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.parts.length, b.parts.length)
  for (let i = 0; i < n; i++) {
    const x = a.parts[i] ?? 0n
    const y = b.parts[i] ?? 0n
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

export function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0
}
