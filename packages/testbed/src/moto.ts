// moto's AWS APIs on a free port, with CloudFront invalidations reporting `Completed` as AWS does
// (moto says `COMPLETED`, which the SDK waiter never accepts).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, httpOk, requireBinary, type Service, startService, tempDir } from './process.ts'

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
import moto.cloudfront.models as cf
_init = cf.Invalidation.__init__
def _patched(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.status = "Completed"
cf.Invalidation.__init__ = _patched
from moto.server import main
sys.exit(main(sys.argv[1:]))
`

export async function startMoto(): Promise<Moto> {
  const motoServer = requireBinary('moto_server', 'pip install "moto[server]"')
  // moto_server is a console script; run its interpreter with our wrapper instead.
  const python = findPython(motoServer)
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

function findPython(motoServer: string): string {
  // pyenv shims and venv scripts are both fine to ask: `python3 -c "import moto"` from the same PATH.
  void motoServer
  return requireBinary('python3', 'apt-get install python3 && pip install "moto[server]"')
}
