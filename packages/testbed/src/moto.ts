// moto's AWS APIs on a free port, with two fixes where moto differs from AWS:
// - CloudFront invalidations report `Completed` as AWS does (moto says `COMPLETED`, which the SDK
//   waiter never accepts);
// - a presigned (query-signed) request is routed by the credential scope in X-Amz-Credential, as
//   AWS routes it by host name; moto reads the scope only from an Authorization header and sends
//   the rest to S3 (a presigned STS GetCallerIdentity URL is how EKS tokens work).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, httpOk, removeDir, requireBinary, type Service, startService, tempDir } from './process.ts'

export interface Moto extends Service {
  endpoint: string
  port: number
  /** Clears all state (between tests). */
  reset(): Promise<void>
  /** Environment that points the SDK at this moto with dummy credentials. */
  env: Record<string, string>
}

const WRAPPER = `
import sys
from urllib.parse import parse_qs
import moto.cloudfront.models as cf
from moto.moto_server.werkzeug_app import DomainDispatcherApplication as D
_init = cf.Invalidation.__init__
def _patched(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.status = "Completed"
cf.Invalidation.__init__ = _patched
_infer = D.infer_service_region_host
def _route_presigned(self, environ, path):
    if not environ.get("HTTP_AUTHORIZATION"):
        cred = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
        if cred:
            parts = cred[0].split("/")
            if len(parts) == 5 and parts[3] != "s3":
                return f"{parts[3]}.{parts[2]}.amazonaws.com"
    return _infer(self, environ, path)
D.infer_service_region_host = _route_presigned
from moto.server import main
sys.exit(main(sys.argv[1:]))
`

export async function startMoto(): Promise<Moto> {
  requireBinary('moto_server', 'pip install "moto[server]"')
  // moto_server is a console script; run python with our wrapper (which patches, then calls it).
  const python = requireBinary('python3', 'apt-get install python3 && pip install "moto[server]"')
  const dir = tempDir('moto')
  const wrapper = join(dir, 'moto_wrapper.py')
  writeFileSync(wrapper, WRAPPER)
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const service = await startService({
    name: 'moto',
    command: python,
    args: [wrapper, '-H', '127.0.0.1', '-p', String(port)],
    ready: () => httpOk(`${endpoint}/moto-api/`),
  })
  return {
    ...service,
    async stop() {
      await service.stop()
      removeDir(dir)
    },
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })
      await res.arrayBuffer()
    },
  }
}

/**
 * An image manifest (Docker schema 2, one layer) for PutImage on moto's ECR, which checks the
 * shape but not the blobs: `layer` (one hex character) fills the layer digest, so 'a' and 'b'
 * are two different images.
 */
export function fakeImageManifest(layer: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 10,
      digest: `sha256:${'c'.repeat(64)}`,
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 20,
        digest: `sha256:${layer.repeat(64)}`,
      },
    ],
  })
}
