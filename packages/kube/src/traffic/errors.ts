import { DeployError } from '@deploy-actions/kit'

/**
 * A routing object that is missing or not as a router needs it (no rule routes to the stable
 * Service, a canary Service that is someone else's). Thrown by `check()` before any write.
 */
export class RoutingError extends DeployError {
  override name = 'RoutingError'
  constructor(message: string, leftState = 'routing unchanged') {
    super(message, { leftState })
  }
}
