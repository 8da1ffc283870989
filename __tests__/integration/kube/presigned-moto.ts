// moto routes a request to a service by the credential scope of its Authorization header; a
// presigned URL carries that scope in the X-Amz-Credential query parameter instead, and moto then
// falls back to S3. Real AWS routes by host name. This moto routes query-signed requests by their
// credential scope as well, so a presigned STS URL reaches moto's STS, as it reaches STS in AWS.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, httpOk, requireBinary, type Service, startService, tempDir } from '@deploy-actions/testbed'

const WRAPPER = `
import sys
from urllib.parse import parse_qs
from moto.moto_server.werkzeug_app import DomainDispatcherApplication as D
_infer = D.infer_service_region_host
def _patched(self, environ, path):
    if not environ.get("HTTP_AUTHORIZATION"):
        cred = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
        if cred:
            parts = cred[0].split("/")
            if len(parts) == 5:
                return f"{parts[3]}.{parts[2]}.amazonaws.com"
    return _infer(self, environ, path)
D.infer_service_region_host = _patched
from moto.server import main
sys.exit(main(sys.argv[1:]))
`

export async function startPresignedMoto(): Promise<Service & { endpoint: string }> {
  requireBinary('moto_server', 'pip install "moto[server]"')
  const python = requireBinary('python3', 'apt-get install python3')
  const dir = tempDir('moto-presigned')
  const wrapper = join(dir, 'moto_presigned.py')
  writeFileSync(wrapper, WRAPPER)
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const service = await startService({
    name: 'moto (presigned routing)',
    command: python,
    args: [wrapper, '-H', '127.0.0.1', '-p', String(port)],
    ready: () => httpOk(`${endpoint}/moto-api/`),
  })
  return { ...service, endpoint }
}
