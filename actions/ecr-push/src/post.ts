// ecr-push post step: log docker out of the registry the main step logged in to.
import { coreLogger, getState } from '@deploy-actions/kit/runtime'
import { REGISTRY_STATE } from './plan.ts'

export async function post(): Promise<void> {
  const host = getState(REGISTRY_STATE)
  if (!host) return
  const { execDocker } = await import('./ports.ts')
  await execDocker(coreLogger).logout(host)
}
