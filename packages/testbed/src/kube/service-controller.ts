// The cloud provider's service controller: a LoadBalancer Service gets an ELB-style hostname
// in status, with the EnsuringLoadBalancer / EnsuredLoadBalancer events.
import type { Api } from './api.ts'
import { recordEvent } from './events.ts'
import { resourceByKind } from './resources.ts'
import { fnv32a, type KObj } from './types.ts'

const SERVICES = resourceByKind('Service')

export class ServiceController {
  private readonly api: Api
  constructor(api: Api) {
    this.api = api
  }

  tick(): void {
    for (const svc of this.api.store.list(SERVICES)) {
      if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) continue
      this.ensure(svc)
    }
  }

  private ensure(svc: KObj): void {
    const event = (reason: string, message: string) =>
      recordEvent(this.api, { involved: svc, type: 'Normal', reason, message, component: 'service-controller' })
    event('EnsuringLoadBalancer', 'Ensuring load balancer')
    const id = fnv32a(svc.metadata.uid).toString(16).padStart(8, '0')
    svc.status = {
      loadBalancer: { ingress: [{ hostname: `a${id}${id}-${fnv32a(id) % 1_000_000_000}.testbed.elb.amazonaws.com` }] },
    }
    this.api.store.update(SERVICES, svc, { statusOnly: true })
    event('EnsuredLoadBalancer', 'Ensured load balancer')
  }
}
