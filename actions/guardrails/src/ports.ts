// What the guardrails action talks to: the preflight ports of the release engine (STS,
// CloudWatch, ECR through the SDK; the Deployment through client-node, kubeconfig or EKS) and
// fetch for the webhooks (the engine's notify). Loaded with import() after the inputs are valid.
import type { PreflightPorts } from '../../../packages/release/src/guardrails/preflight.ts'
import type { CheckInputs } from './inputs.ts'

export interface Deps {
  now(): number
  log(line: string): void
  /** A warning annotation: a break-glass release, an undelivered notification. */
  warn(line: string): void
  /** The preflight ports, connected when the check asks for preflight checks. */
  preflight(inputs: CheckInputs): Promise<PreflightPorts>
  env: Record<string, string | undefined>
}

export async function preflightPortsOf(
  inputs: Pick<CheckInputs, 'region' | 'kube'>,
  onSecret: (secret: string) => void,
): Promise<PreflightPorts> {
  const { preflightPorts } = await import('../../../packages/release/src/guardrails/preflight-ports.ts')
  return preflightPorts(inputs.region ?? 'us-east-1', { access: inputs.kube, onSecret })
}
