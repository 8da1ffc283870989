import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  freePort,
  MissingBinaryError,
  parseCommandFile,
  requireBinary,
  startMoto,
  startService,
  tcpOpen,
  tempDir,
} from '@deploy-actions/testbed'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('a missing binary is a clear error that says how to install it', () => {
  expect(() => requireBinary('surely-not-installed-xyz', 'apt-get install xyz')).toThrow(MissingBinaryError)
  expect(() => requireBinary('surely-not-installed-xyz', 'apt-get install xyz')).toThrow(
    'surely-not-installed-xyz is not installed: apt-get install xyz',
  )
})

test('startService waits for readiness and stop() kills the whole process group by PID', async () => {
  const port = await freePort()
  const dir = tempDir('svc')
  const script = join(dir, 'server.mjs')
  writeFileSync(script, `import { createServer } from 'node:net'; createServer(() => {}).listen(${port}, '127.0.0.1')`)
  const svc = await startService({
    name: 'tiny',
    command: process.execPath,
    args: [script],
    ready: () => tcpOpen(port),
  })
  expect(alive(svc.pid)).toBe(true)
  expect(await tcpOpen(port)).toBe(true)
  await svc.stop()
  expect(alive(svc.pid)).toBe(false)
  expect(await tcpOpen(port)).toBe(false)
})

test('a service that exits before it is ready is reported with its output', async () => {
  await expect(
    startService({
      name: 'broken',
      command: process.execPath,
      args: ['-e', 'console.error("cannot bind"); process.exit(3)'],
      ready: async () => false,
    }),
  ).rejects.toThrow(/broken exited \(code 3\) before it was ready:\s+cannot bind/)
})

describe('moto', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  test('answers on 127.0.0.1 and reset clears state', async () => {
    const env = { ...process.env, ...moto.env }
    const aws = (args: string[]) =>
      spawnSync('aws', ['--endpoint-url', moto.endpoint, ...args], { env, encoding: 'utf8' })
    expect(aws(['s3', 'mb', 's3://reset-check']).status).toBe(0)
    expect(aws(['s3', 'ls']).stdout).toContain('reset-check')
    await moto.reset()
    expect(aws(['s3', 'ls']).stdout).not.toContain('reset-check')
  })

  test('CloudFront invalidations report Completed, as AWS and the SDK waiter expect', async () => {
    const { CloudFrontClient, CreateDistributionCommand, CreateInvalidationCommand, GetInvalidationCommand } =
      await import('@aws-sdk/client-cloudfront')
    const cf = new CloudFrontClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    })
    const dist = await cf.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: 'ref-1',
          Comment: 'test',
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [{ Id: 'o', DomainName: 'bucket.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }],
          },
          DefaultCacheBehavior: {
            TargetOriginId: 'o',
            ViewerProtocolPolicy: 'allow-all',
            MinTTL: 0,
            ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
          },
        },
      }),
    )
    const id = dist.Distribution!.Id!
    const inv = await cf.send(
      new CreateInvalidationCommand({
        DistributionId: id,
        InvalidationBatch: { CallerReference: 'inv-1', Paths: { Quantity: 1, Items: ['/*'] } },
      }),
    )
    const got = await cf.send(new GetInvalidationCommand({ DistributionId: id, Id: inv.Invalidation!.Id! }))
    expect(got.Invalidation!.Status).toBe('Completed')
    cf.destroy()
  })
})

test('parseCommandFile reads heredoc and plain lines as the runner writes them', () => {
  expect(parseCommandFile('a<<ghadelimiter_1\nline1\nline2\nghadelimiter_1\nb=2\n')).toEqual({
    a: 'line1\nline2',
    b: '2',
  })
})
