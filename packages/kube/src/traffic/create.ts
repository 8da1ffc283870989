import type { ObjectsApi } from '../objects.ts'
import { AlbRouter } from './alb.ts'
import { GatewayApiRouter } from './gateway-api.ts'
import { NginxRouter } from './nginx.ts'
import type { CanaryRouting, TrafficRouter, WeightedRouterKind } from './router.ts'

/** The weighted router of this kind over the given routing and object port. */
export function createRouter(kind: WeightedRouterKind, routing: CanaryRouting, objects: ObjectsApi): TrafficRouter {
  switch (kind) {
    case 'gateway-api':
      return new GatewayApiRouter(routing, objects)
    case 'alb':
      return new AlbRouter(routing, objects)
    case 'nginx':
      return new NginxRouter(routing, objects)
  }
}
