// Flyway's checksum, bit for bit. Matched against Flyway's ChecksumCalculator
// (flyway-core org.flywaydb.core.internal.resolver.ChecksumCalculator.calculateChecksumForResource):
// the resource is read as UTF-8 text through BufferedReader.readLine() (so "\r\n", "\n" and a lone
// "\r" all end a line and are dropped), a leading BOM is filtered from the first line
// (BomFilter.FilterBomFromString), each line's UTF-8 bytes are fed to java.util.zip.CRC32, and the
// result is cast `(int) crc32.getValue()`: a signed 32-bit integer. Blank lines and a missing final
// newline therefore do not change the checksum; a changed line ending style does not either.
import { crc32 } from 'node:zlib'

/** Flyway's checksum of a migration file's raw bytes (or of text already decoded). */
export function flywayChecksum(content: Uint8Array | string): number {
  // Decode and re-encode so malformed UTF-8 becomes U+FFFD exactly as Java's decoder does.
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8')
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  // CRC-32 fed line by line equals CRC-32 of the lines joined without their terminators, so the
  // line ends are dropped and the rest goes to zlib in one call (one native call per file, not per line).
  return crc32(body.replace(/[\r\n]+/g, '')) | 0
}
