import { imageMode } from '../../../packages/testbed/src/kube/kubelet.ts'
import { parseQuantity, unschedulable } from '../../../packages/testbed/src/kube/scheduler.ts'

test.each([
  ['nginx:1.25', 'normal'],
  ['nginx', 'normal'],
  ['registry.example.com:5000/team/app:v2-crashloop', 'crashloop'],
  ['app:v2-oom', 'oom'],
  ['app:v2-missing', 'missing'],
  ['app:v2-unready', 'unready'],
  ['app-crashloop', 'normal'],
  ['localhost:5000/app-oom:1', 'normal'],
  ['app:v1-missing@sha256:abc', 'missing'],
])('image %s acts out %s', (image, mode) => {
  expect(imageMode(image)).toBe(mode)
})

test.each([
  ['500m', 0.5],
  ['2', 2],
  ['1.5', 1.5],
  ['128Mi', 128 * 2 ** 20],
  ['1Gi', 2 ** 30],
  ['1G', 1e9],
  ['8Gi', 8 * 2 ** 30],
])('quantity %s is %d', (text, value) => {
  expect(parseQuantity(text)).toBe(value)
})

const node = {
  metadata: { labels: { 'kubernetes.io/os': 'linux' } },
  status: { allocatable: { cpu: '2', memory: '8Gi' } },
}
const pod = (spec: Record<string, unknown>) => ({ spec: { containers: [{ name: 'a', image: 'a' }], ...spec } })

test.each([
  ['fits', pod({}), undefined],
  ['selector matches', pod({ nodeSelector: { 'kubernetes.io/os': 'linux' } }), undefined],
  [
    'selector does not match',
    pod({ nodeSelector: { disktype: 'ssd' } }),
    "node(s) didn't match Pod's node affinity/selector",
  ],
  ['too much cpu', pod({ containers: [{ name: 'a', resources: { requests: { cpu: '3' } } }] }), 'Insufficient cpu'],
  [
    'too much of both',
    pod({ containers: [{ name: 'a', resources: { requests: { cpu: '2500m', memory: '16Gi' } } }] }),
    'Insufficient cpu, 1 Insufficient memory',
  ],
])('scheduling a pod that %s', (_name, p, why) => {
  expect(unschedulable(p, node)).toBe(why)
})
