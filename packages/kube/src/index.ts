// @deploy-actions/kube: kubeconfig resolution (input, KUBECONFIG, ~/.kube/config, in-cluster, EKS
// with a native token), rollout status by watch with kubectl's semantics, history and undo through
// ReplicaSet revisions, conflict-safe updates, a port for any object (objects.ts), the weighted traffic routers (traffic/). Importing it is cheap: @kubernetes/client-node and
// the EKS client load on first use (loadKubeConfig, createKubeApi, createEksPort).
export * from './client.ts'
export * from './eks.ts'
export * from './history.ts'
export * from './kubeconfig.ts'
export * from './objects.ts'
export * from './pods.ts'
export * from './revisions.ts'
export * from './rollback.ts'
export * from './rollout.ts'
export * from './status.ts'
export * from './token.ts'
export { AlbRouter } from './traffic/alb.ts'
export * from './traffic/canary-service.ts'
export * from './traffic/create.ts'
export * from './traffic/errors.ts'
export { GatewayApiRouter } from './traffic/gateway-api.ts'
export { NginxRouter } from './traffic/nginx.ts'
export * from './traffic/router.ts'
export * from './types.ts'
export * from './update.ts'
