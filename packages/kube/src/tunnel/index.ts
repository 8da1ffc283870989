// Tunnels to private hosts through the Kubernetes API (proxy pod + port-forward).
export * from './lifecycle.ts'
export * from './port-forward.ts'
export * from './spec.ts'
export * from './tunnel.ts'
