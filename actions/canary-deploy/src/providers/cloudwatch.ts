// CloudWatch GetMetricData over the last few periods: the newest datapoint is the value; no
// datapoint is "no data". The SDK client loads on first use (after input validation).
import type { Measurement } from '../analysis.ts'
import type { CloudWatchCheck } from '../metrics.ts'

type Client = {
  send(command: unknown): Promise<{
    MetricDataResults?: Array<{ Values?: number[]; StatusCode?: string; Messages?: Array<{ Value?: string }> }>
  }>
}
const clients = new Map<string, { client: Client; GetMetricDataCommand: new (input: unknown) => unknown }>()

async function clientFor(region: string) {
  let entry = clients.get(region)
  if (!entry) {
    const sdk = await import('@aws-sdk/client-cloudwatch')
    entry = {
      client: new sdk.CloudWatchClient({ region, maxAttempts: 3 }) as unknown as Client,
      GetMetricDataCommand: sdk.GetMetricDataCommand as never,
    }
    clients.set(region, entry)
  }
  return entry
}

export async function cloudwatchMeasure(
  check: CloudWatchCheck,
  dimensions: Record<string, string>,
  region: string,
  now: number,
): Promise<Measurement> {
  const query = `${check.namespace} ${check.metric} ${check.stat} {${Object.entries(dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}} per ${check.periodS}s`
  try {
    const { client, GetMetricDataCommand } = await clientFor(check.region ?? region)
    const end = new Date(Math.ceil(now / 1000) * 1000)
    const start = new Date(end.getTime() - check.periodS * 1000 * 5)
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: 'm',
            ReturnData: true,
            MetricStat: {
              Metric: {
                Namespace: check.namespace,
                MetricName: check.metric,
                Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
              },
              Period: check.periodS,
              Stat: check.stat,
            },
          },
        ],
      }),
    )
    const r = out.MetricDataResults?.[0]
    const value = r?.Values?.[0]
    if (value === undefined) return { query, noData: 'no data (no datapoints)' }
    return { query, value }
  } catch (error) {
    const e = error as { name?: string; message?: string }
    return { query, error: `CloudWatch ${e.name ?? 'error'}: ${e.message ?? String(error)}` }
  }
}
