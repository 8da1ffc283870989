// The shop's two CloudWatch alarms the guardrail tests put in moto, and the state of `shop-5xx`
// (ALARM with the reason CloudWatch writes for a crossed threshold).
import { type CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch'

export const SHOP_ALARMS = ['shop-5xx', 'shop-latency']
export const CROSSED = 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (1.0)'

export async function putShopAlarms(cw: CloudWatchClient): Promise<void> {
  for (const name of SHOP_ALARMS)
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'Shop',
        MetricName: name,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    )
}

export async function setShop5xx(cw: CloudWatchClient, state: 'OK' | 'ALARM'): Promise<void> {
  await cw.send(
    new SetAlarmStateCommand({
      AlarmName: 'shop-5xx',
      StateValue: state,
      StateReason: state === 'ALARM' ? CROSSED : 'recovered',
    }),
  )
}
