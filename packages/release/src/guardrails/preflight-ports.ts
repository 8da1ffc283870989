// The preflight ports over the AWS SDK (STS, CloudWatch, ECR), client-node (through
// packages/kube) and fetch. Loaded with dynamic import() only after the inputs were checked.
import { awsErrorName, clientConfig } from '@deploy-actions/aws'
import type { KubeAccess, KubeObject } from '@deploy-actions/kube'
import type { PreflightPorts } from './preflight.ts'

export async function preflightPorts(
  region: string,
  // `access` (an action's kubeconfig / eks-cluster inputs, parsed) connects through connectKube,
  // so an EKS cluster works too; without it, the kubeconfig content or the environment's.
  kube: { kubeconfig?: string; env?: NodeJS.ProcessEnv; access?: KubeAccess; onSecret?: (secret: string) => void } = {},
  options: { requestTimeoutMs?: number } = {},
): Promise<PreflightPorts> {
  const config = clientConfig(region, 3)
  return {
    async identity() {
      const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
      const id = await new STSClient(config).send(new GetCallerIdentityCommand({}))
      return { account: id.Account ?? '?', arn: id.Arn ?? '?' }
    },
    async alarmsInAlarm(names) {
      const { CloudWatchClient, DescribeAlarmsCommand } = await import('@aws-sdk/client-cloudwatch')
      const cw = new CloudWatchClient(config)
      const firing: Array<{ name: string; reason: string }> = []
      // DescribeAlarms takes at most 100 names a call.
      for (let i = 0; i < names.length; i += 100) {
        let token: string | undefined
        do {
          const page = await cw.send(
            new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), StateValue: 'ALARM', NextToken: token }),
          )
          // Filtered again here: a server that applies only one of AlarmNames and StateValue
          // (moto) would otherwise report OK alarms as firing.
          for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])])
            if (a.StateValue === 'ALARM')
              firing.push({ name: a.AlarmName ?? '?', reason: a.StateReason ?? 'no reason given' })
          token = page.NextToken
        } while (token)
      }
      return firing
    },
    async liveDeployment(namespace, name) {
      const { canaryDeploymentName, connectKube, createKubeApi, isNotFound, loadKubeConfig } = await import(
        '@deploy-actions/kube'
      )
      const env = kube.env ?? process.env
      const api = kube.access
        ? (await connectKube(kube.access, { region, env, ...(kube.onSecret ? { onSecret: kube.onSecret } : {}) })).api
        : await createKubeApi((await loadKubeConfig({ kubeconfig: kube.kubeconfig ?? '', env })).kubeConfig)
      const read = (n: string) =>
        api.readDeployment(namespace, n).catch((error: unknown) => {
          if (isNotFound(error)) return undefined
          throw error
        })
      // Both reads at once: the canary's own Deployment carries its state (canary-deploy's annotation).
      const [deployment, canary] = await Promise.all([read(name), read(canaryDeploymentName(name))])
      // Read as any object: only its metadata (name, annotations, deletionTimestamp) is looked at.
      return deployment && { deployment, canary: canary as KubeObject | undefined }
    },
    async tagDigest(repository, tag) {
      const { ECRClient, DescribeImagesCommand } = await import('@aws-sdk/client-ecr')
      try {
        const res = await new ECRClient(config).send(
          new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
        )
        return res.imageDetails?.[0]?.imageDigest
      } catch (error) {
        if (awsErrorName(error) === 'ImageNotFoundException') return undefined
        if (awsErrorName(error) === 'RepositoryNotFoundException')
          throw new Error(`ECR repository ${repository} does not exist`)
        throw error
      }
    },
    async httpStatus(url) {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
        redirect: 'manual',
      })
      await res.arrayBuffer()
      return res.status
    },
  }
}
