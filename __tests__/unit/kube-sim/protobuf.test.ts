import { decodeProtobuf } from '../../../packages/testbed/src/kube/protobuf.ts'
import { ApiError } from '../../../packages/testbed/src/kube/status.ts'

// Request bodies captured from kubectl v1.32 (`create secret generic creds --from-literal=password=s3cret
// --from-literal=user=admin` and `create deployment web --image=nginx:1 --replicas=2 --port=80`).
const SECRET =
  '6b3873000a0c0a0276311206536563726574123c0a150a05637265647312001a0022002a0032003800420012120a0870617373776f72641206733363726574120d0a0475736572120561646d696e1a001a002200'
const DEPLOYMENT =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ba010a1f0a0377656212001a0022002a003200380042005a0a0a0361707012037765621288010802120c0a0a0a0361707012037765621a6e0a1c0a0012001a0022002a003200380042005a0a0a036170701203776562124e12300a056e67696e7812076e67696e783a312a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200'

test('a Secret from kubectl decodes to its JSON form (data base64, zero values omitted)', () => {
  expect(decodeProtobuf(Buffer.from(SECRET, 'hex'))).toEqual({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds' },
    data: { password: Buffer.from('s3cret').toString('base64'), user: Buffer.from('admin').toString('base64') },
  })
})

test('a Deployment from kubectl decodes with its pod template, replicas and ports', () => {
  expect(decodeProtobuf(Buffer.from(DEPLOYMENT, 'hex'))).toEqual({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }], resources: {} }] },
      },
      strategy: {},
    },
  })
})

/** Minimal protobuf writer for hand-made cases. */
function field(n: number, value: string | number | Buffer): Buffer {
  const varint = (v: number) => {
    const out: number[] = []
    do {
      out.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0))
      v = Math.floor(v / 128)
    } while (v > 0)
    return Buffer.from(out)
  }
  if (typeof value === 'number') return Buffer.concat([varint(n * 8), varint(value)])
  const bytes = typeof value === 'string' ? Buffer.from(value) : value
  return Buffer.concat([varint(n * 8 + 2), varint(bytes.length), bytes])
}

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])),
    field(2, raw),
  ])
}

test('pointer fields keep their zero value: replicas 0 stays 0', () => {
  const body = envelope('apps/v1', 'Deployment', Buffer.concat([field(1, field(1, 'idle')), field(2, field(1, 0))]))
  expect(decodeProtobuf(body)).toEqual({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'idle' },
    spec: { replicas: 0 },
  })
})

test.each([
  ['an unknown field with a value', envelope('v1', 'ConfigMap', field(9, 'surprise')), 'field 9 of ConfigMap'],
  ['a kind without tables', envelope('v1', 'PersistentVolume', Buffer.alloc(0)), 'kind PersistentVolume'],
  ['no envelope', Buffer.from('{"kind":"ConfigMap"}'), 'no k8s protobuf envelope'],
])('%s is refused with 415, not guessed at', (_name, body, detail) => {
  try {
    decodeProtobuf(body)
    throw new Error('expected a refusal')
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).code).toBe(415)
    expect((e as ApiError).message).toContain(detail)
  }
})
