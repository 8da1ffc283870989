// The traffic emulator (see emulator.ts) and the pieces tests and benches use directly.
export { behaviourOf, ERROR_EVERY, SLOW_DELAY_MS } from './backends.ts'
export {
  type ServedShare,
  startTrafficEmulator,
  type TrafficEmulator,
  type TrafficEmulatorOptions,
} from './emulator.ts'
export { BUCKETS } from './metrics.ts'
export { expectedShares, imageTag, type Resolution, type RoutingSnapshot, resolveRouting } from './routing.ts'
