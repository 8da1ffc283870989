import { flywayChecksum } from '@deploy-actions/flyway'

// An independent implementation of Flyway's rule, written from the description of
// ChecksumCalculator (no zlib): a bitwise CRC-32 (reflected polynomial 0xEDB88320), lines read as
// java.io.BufferedReader.readLine() reads them (\n, \r\n or a lone \r ends a line; a final
// terminator adds no empty line), BOM dropped from the first line, the CRC cast to a Java int.
function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function readLines(text: string): string[] {
  const lines: string[] = []
  let current = ''
  let i = 0
  let pending = false
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '\n' || ch === '\r') {
      lines.push(current)
      current = ''
      pending = false
      if (ch === '\r' && text[i + 1] === '\n') i++
    } else {
      current += ch
      pending = true
    }
    i++
  }
  if (pending) lines.push(current)
  return lines
}

function reference(bytes: Uint8Array): number {
  const lines = readLines(new TextDecoder('utf-8').decode(bytes))
  if (lines.length > 0 && lines[0]!.startsWith('\ufeff')) lines[0] = lines[0]!.slice(1)
  let crc = 0
  for (const line of lines) crc = crc32Update(crc, new TextEncoder().encode(line))
  return crc | 0
}

const enc = (s: string) => new TextEncoder().encode(s)
const BOM = new Uint8Array([0xef, 0xbb, 0xbf])
const withBom = (s: string) => new Uint8Array([...BOM, ...enc(s)])

const vectors: Array<[string, Uint8Array]> = [
  ['empty file', enc('')],
  ['LF', enc('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n')],
  ['CRLF', enc('CREATE TABLE a (id int);\r\nINSERT INTO a VALUES (1);\r\n')],
  ['lone CR', enc('CREATE TABLE a (id int);\rINSERT INTO a VALUES (1);\r')],
  ['no final newline', enc('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);')],
  ['blank lines', enc('\n\nCREATE TABLE a (id int);\n\n\nINSERT INTO a VALUES (1);\n\n')],
  ['BOM', withBom('CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n')],
  ['BOM only', withBom('')],
  ['non-ASCII', enc("INSERT INTO t VALUES ('naïve café', 'Ελληνικά', '日本語', '😀');\n")],
  ['trailing spaces kept', enc('SELECT 1;   \n  \n')],
  [
    'tabs and dollar quotes',
    enc('CREATE FUNCTION f() RETURNS int AS $$\n\tBEGIN RETURN 1; END\n$$ LANGUAGE plpgsql;\n'),
  ],
]

describe('flywayChecksum', () => {
  test.each(vectors)('%s matches the independent implementation', (_name, bytes) => {
    expect(flywayChecksum(bytes)).toBe(reference(bytes))
  })

  test('the same bytes given as text give the same checksum', () => {
    for (const [, bytes] of vectors) expect(flywayChecksum(new TextDecoder().decode(bytes))).toBe(flywayChecksum(bytes))
  })

  test('line endings, a final newline, blank lines and a BOM do not change it', () => {
    const base = flywayChecksum(enc('SELECT 1;\nSELECT 2;\n'))
    expect(flywayChecksum(enc('SELECT 1;\r\nSELECT 2;\r\n'))).toBe(base)
    expect(flywayChecksum(enc('SELECT 1;\nSELECT 2;'))).toBe(base)
    expect(flywayChecksum(enc('SELECT 1;\n\n\nSELECT 2;\n'))).toBe(base)
    expect(flywayChecksum(withBom('SELECT 1;\nSELECT 2;\n'))).toBe(base)
  })

  test('an edited line changes it', () => {
    expect(flywayChecksum(enc('SELECT 1;\n'))).not.toBe(flywayChecksum(enc('SELECT 2;\n')))
  })

  test('is a signed 32-bit integer', () => {
    const values = vectors.map(([, b]) => flywayChecksum(b))
    for (const v of values) expect(v).toBe(v | 0)
    // CRC32("SELECT 1;") = 0x… above 2^31 would be negative: check both signs occur across inputs.
    const many = Array.from({ length: 64 }, (_, i) => flywayChecksum(enc(`SELECT ${i};`)))
    expect(many.some((v) => v < 0)).toBe(true)
    expect(many.some((v) => v > 0)).toBe(true)
  })

  test('known CRC-32 value: the check string "123456789"', () => {
    // CRC-32/ISO-HDLC check value 0xCBF43926, as a Java int.
    expect(flywayChecksum(enc('123456789'))).toBe(0xcbf43926 | 0)
    expect(reference(enc('123456789'))).toBe(0xcbf43926 | 0)
  })
})
