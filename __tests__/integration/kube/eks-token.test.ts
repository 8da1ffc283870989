// The EKS path end to end against moto: the cluster is created in moto's EKS, DescribeCluster
// gives endpoint and CA, the token is signed with the SDK's credential chain, and a stand-in API
// server authenticates it as EKS does (aws-iam-authenticator): decode the token, GET the presigned
// URL with the x-k8s-aws-id header, and trust the identity STS answers.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import {
  connectKube,
  createEksPort,
  createKubeApi,
  decodeEksToken,
  describeEksCluster,
  eksToken,
  loadKubeConfig,
  TOKEN_PREFIX,
} from '@deploy-actions/kube'
import { type Moto, startMoto } from '@deploy-actions/testbed'

let moto: Moto
const saved = { ...process.env }

beforeAll(async () => {
  // The testbed's moto routes presigned STS URLs to STS, as AWS does (see moto.ts).
  moto = await startMoto()
  Object.assign(process.env, moto.env)
  const eks = new EKSClient({ region: 'us-east-1' })
  await eks.send(
    new CreateClusterCommand({
      name: 'prod',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: ['subnet-1'] },
    }),
  )
})

afterAll(async () => {
  process.env = saved
  await moto?.stop()
})

/** What the API server does with a bearer token (aws-iam-authenticator's verifier, in short). */
async function verifyToken(token: string, cluster: string): Promise<{ ok: boolean; arn?: string; status: number }> {
  if (!token.startsWith(TOKEN_PREFIX)) return { ok: false, status: 0 }
  const url = new URL(decodeEksToken(token))
  if (url.origin !== moto.endpoint) return { ok: false, status: 0 }
  if (url.searchParams.get('Action') !== 'GetCallerIdentity') return { ok: false, status: 0 }
  const signed = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? []
  if (!signed.includes('x-k8s-aws-id')) return { ok: false, status: 0 }
  const res = await fetch(url, { headers: { 'x-k8s-aws-id': cluster } })
  const body = await res.text()
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(body)?.[1]
  return { ok: res.status === 200 && arn !== undefined, arn, status: res.status }
}

test('DescribeCluster gives the endpoint and CA of the moto cluster', async () => {
  const info = await describeEksCluster(await createEksPort('us-east-1'), 'prod')
  expect(info.name).toBe('prod')
  expect(info.arn).toBe('arn:aws:eks:us-east-1:123456789012:cluster/prod')
  expect(info.endpoint).toMatch(/^https:\/\/.+\.eks\.amazonaws\.com/)
  expect(info.caData).toBeTruthy()
  await expect(describeEksCluster(await createEksPort('us-east-1'), 'nope')).rejects.toThrow(
    'eks-cluster: DescribeCluster nope failed',
  )
})

test("the token is a presigned URL that moto's STS answers GetCallerIdentity for, with the header", async () => {
  const port = await createEksPort('us-east-1')
  const { token } = await eksToken({ clusterName: 'prod', region: 'us-east-1', credentials: port.credentials })
  expect(token.startsWith('k8s-aws-v1.')).toBe(true)
  expect(token).not.toMatch(/=/)
  const url = new URL(decodeEksToken(token))
  expect(url.searchParams.get('X-Amz-Expires')).toBe('60')
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^testing\/\d{8}\/us-east-1\/sts\/aws4_request$/)
  const verdict = await verifyToken(token, 'prod')
  expect(verdict).toEqual({ ok: true, arn: expect.stringMatching(/^arn:aws:(iam|sts)::123456789012:/), status: 200 })
})

test('connectKube for eks-cluster points at the cluster endpoint DescribeCluster gave', async () => {
  const connection = await connectKube({ kind: 'eks', cluster: 'prod' }, { region: 'us-east-1' })
  expect(connection.source).toBe('eks-cluster prod')
  expect(connection.server).toMatch(/^https:\/\/.+\.eks\.amazonaws\.com/)
  expect(connection.kubeConfig.getCurrentCluster()?.caData).toBeTruthy()
})

describe('a KubeConfig built from eks-cluster authenticates with a fresh token', () => {
  let server: Server
  const seen: Array<{ authorization: string | undefined; verdict: boolean }> = []
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const auth = req.headers.authorization
      const verdict = auth?.startsWith('Bearer ') ? (await verifyToken(auth.slice(7), 'prod')).ok : false
      seen.push({ authorization: auth, verdict })
      res.setHeader('content-type', 'application/json')
      if (!verdict) {
        res.statusCode = 401
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'Unauthorized',
            reason: 'Unauthorized',
            code: 401,
          }),
        )
        return
      }
      res.end(
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default', generation: 1 },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'web' } },
            template: { spec: { containers: [{ name: 'app', image: 'web:1' }] } },
          },
        }),
      )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  test('reads through client-node with the token in the Authorization header, secrets reported for masking', async () => {
    const port = await createEksPort('us-east-1')
    const described = await describeEksCluster(port, 'prod')
    // moto's endpoint is not a server; point the same cluster info at the stand-in API server.
    const info = {
      ...described,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      caData: undefined,
    }
    const secrets: string[] = []
    const loaded = await loadKubeConfig({
      eks: { info, region: 'us-east-1', credentials: port.credentials },
      onSecret: (s) => secrets.push(s),
    })
    expect(loaded.source).toBe('eks-cluster prod')
    const api = await createKubeApi(loaded.kubeConfig)
    const d = await api.readDeployment('default', 'web')
    expect(d.metadata?.name).toBe('web')
    await api.readDeployment('default', 'web')
    expect(seen).toHaveLength(2)
    expect(seen.every((s) => s.verdict)).toBe(true)
    // One token minted and reused while valid, and handed to the masker before use.
    expect(seen[0]?.authorization).toBe(seen[1]?.authorization)
    expect(secrets).toEqual([seen[0]?.authorization?.slice(7)])
  })
})
