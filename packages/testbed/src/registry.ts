// A real Docker registry (Debian's docker-registry) on a free 127.0.0.1 port: filesystem storage in
// a temp dir, delete enabled, optionally htpasswd auth (so `docker login` is really checked).
//
// With `ecr` set, a small front keeps moto's ECR API and the registry consistent, as ECR's API and
// its registry share one store: a manifest pushed by tag is recorded in moto (PutImage with the
// registry's digest), and a tag that moto holds (e.g. created by PutImage) is served by the registry.
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr'
import bcrypt from 'bcryptjs'
import { freePort, httpOk, removeDir, requireBinary, type Service, startService, tempDir } from './process.ts'

export interface RegistryUser {
  username: string
  password: string
}

export interface RegistryOptions {
  /** htpasswd user; docker must log in with it. */
  auth?: RegistryUser
  /** Mirror an ECR API (moto) so both views agree, as in AWS. */
  ecr?: { endpoint: string; region?: string }
}

export interface RegistryManifest {
  status: number
  digest: string | undefined
  mediaType: string | undefined
  body: Buffer
}

export interface Registry extends Service {
  /** `127.0.0.1:PORT`, what docker and the actions use as the registry host. */
  host: string
  url: string
  dir: string
  auth: RegistryUser | undefined
  /** GET a manifest (any kind) straight from the registry, with the registry's digest. */
  manifest(repository: string, reference: string): Promise<RegistryManifest>
  /** Tags the registry holds for a repository. */
  tags(repository: string): Promise<string[]>
}

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

/** One htpasswd line with a bcrypt hash (the only hash docker-registry accepts). */
export function htpasswdLine(user: RegistryUser): string {
  return `${user.username}:${bcrypt.hashSync(user.password, 8)}\n`
}

/** moto's ECR token password for an account: `<account>-auth-token`. */
export function motoEcrPassword(accountId = '123456789012'): string {
  return `${accountId}-auth-token`
}

function basic(user: RegistryUser | undefined): Record<string, string> {
  return user ? { Authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` } : {}
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const binary = requireBinary('docker-registry', 'apt-get install docker-registry')
  const dir = tempDir('registry')
  const innerPort = await freePort()
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${innerPort}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ]
  if (options.auth) {
    writeFileSync(join(dir, 'htpasswd'), htpasswdLine(options.auth))
    lines.push('auth:', '  htpasswd:', '    realm: testbed', `    path: ${join(dir, 'htpasswd')}`)
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`)
  const inner = `http://127.0.0.1:${innerPort}`
  const service = await startService({
    name: 'docker-registry',
    command: binary,
    args: ['serve', join(dir, 'config.yml')],
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' },
    ready: () => httpOk(`${inner}/v2/`, (s) => s === 200 || s === 401),
  })

  let front: Server | undefined
  let port = innerPort
  if (options.ecr) {
    port = await freePort()
    front = await startEcrFront(port, innerPort, options.ecr, options.auth)
  }
  const url = `http://127.0.0.1:${port}`
  return {
    name: 'docker-registry',
    pid: service.pid,
    host: `127.0.0.1:${port}`,
    url,
    dir,
    auth: options.auth,
    async manifest(repository, reference) {
      const res = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
        headers: { Accept: MANIFEST_ACCEPT, ...basic(options.auth) },
      })
      const body = Buffer.from(await res.arrayBuffer())
      return {
        status: res.status,
        digest: res.headers.get('docker-content-digest') ?? undefined,
        mediaType: res.headers.get('content-type') ?? undefined,
        body,
      }
    },
    async tags(repository) {
      const res = await fetch(`${url}/v2/${repository}/tags/list`, { headers: basic(options.auth) })
      if (res.status === 404) return []
      const json = (await res.json()) as { tags?: string[] | null }
      return json.tags ?? []
    },
    async stop() {
      if (front) await new Promise<void>((resolve) => front!.close(() => resolve()))
      front?.closeAllConnections()
      await service.stop()
      removeDir(dir)
    },
  }
}

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/?]+)(?:\?.*)?$/

async function startEcrFront(
  port: number,
  innerPort: number,
  ecrOptions: { endpoint: string; region?: string },
  auth: RegistryUser | undefined,
): Promise<Server> {
  const ecr = new ECRClient({
    region: ecrOptions.region ?? 'us-east-1',
    endpoint: ecrOptions.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  const inner = `http://127.0.0.1:${innerPort}`

  /** Before the registry answers for a tag, make it hold what ECR (moto) holds for that tag. */
  async function syncFromEcr(repository: string, tag: string): Promise<void> {
    try {
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: repository,
          imageIds: [{ imageTag: tag }],
          acceptedMediaTypes: MANIFEST_ACCEPT.split(', '),
        }),
      )
      const image = out.images?.[0]
      if (!image?.imageManifest) return
      const bytes = Buffer.from(image.imageManifest)
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
      const head = await fetch(`${inner}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: MANIFEST_ACCEPT, ...basic(auth) },
      })
      if (head.ok && head.headers.get('docker-content-digest') === digest) return
      const type =
        image.imageManifestMediaType ?? (JSON.parse(image.imageManifest) as { mediaType?: string }).mediaType ?? ''
      const put = await fetch(`${inner}/v2/${repository}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'Content-Type': type, ...basic(auth) },
        body: bytes,
      })
      await put.arrayBuffer()
    } catch {
      // Not an ECR repository, or moto is gone: the registry answers on its own.
    }
  }

  /** After the registry stored a manifest under a tag, record it in ECR with the registry's digest. */
  async function mirrorToEcr(
    repository: string,
    tag: string,
    body: Buffer,
    mediaType: string | undefined,
    digest: string,
  ) {
    try {
      await ecr.send(
        new PutImageCommand({
          repositoryName: repository,
          imageTag: tag,
          imageManifest: body.toString('utf8'),
          imageManifestMediaType: mediaType,
          imageDigest: digest,
        }),
      )
    } catch {
      // ImageAlreadyExists (the same image, again) or no such ECR repository: nothing to record.
    }
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body?: Buffer,
    after?: (status: number, headers: IncomingMessage['headers']) => Promise<void>,
  ) {
    const upstream = request(
      { host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers: req.headers },
      (ur) => {
        const finish = async () => {
          if (after) await after(ur.statusCode ?? 0, ur.headers)
          res.writeHead(ur.statusCode ?? 502, ur.headers)
          ur.pipe(res)
        }
        void finish()
      },
    )
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502)
      res.end(String(e))
    })
    if (body) upstream.end(body)
    else req.pipe(upstream)
  }

  const server = createServer((req, res) => {
    const m = MANIFEST_PATH.exec(req.url ?? '')
    const repository = m?.[1]
    const reference = m?.[2]
    const isTag = reference !== undefined && !reference.includes(':')
    if (repository && reference && isTag && (req.method === 'GET' || req.method === 'HEAD')) {
      void syncFromEcr(repository, reference).then(() => forward(req, res))
      return
    }
    if (repository && reference && isTag && req.method === 'PUT') {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        forward(req, res, body, async (status, headers) => {
          const digest = headers['docker-content-digest']
          if (status === 201 && typeof digest === 'string') {
            await mirrorToEcr(repository, reference, body, req.headers['content-type']?.split(';')[0], digest)
          }
        })
      })
      return
    }
    forward(req, res)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}
