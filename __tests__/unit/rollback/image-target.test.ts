// Which container a rollback `image` goes into, and how an image reference splits, by table.
import { imageRepository, imageTarget, RollbackError } from '@deploy-actions/kube'

test.each([
  ['web:1.2', 'web'],
  ['registry:5000/team/web:1.2', 'registry:5000/team/web'],
  ['registry:5000/team/web', 'registry:5000/team/web'],
  ['123.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:abc', '123.dkr.ecr.eu-west-1.amazonaws.com/web'],
  ['web:1.2@sha256:abc', 'web'],
])('imageRepository(%s) = %s', (image, repository) => {
  expect(imageRepository(image)).toBe(repository)
})

const pod = [
  { name: 'app', image: 'ecr/web:1.4' },
  { name: 'proxy', image: 'envoy:1.30' },
]

test.each([
  [[{ name: 'only', image: 'x:1' }], 'other:2', 'only'],
  [pod, 'ecr/web:1.3', 'app'],
  [pod, 'envoy:1.29', 'proxy'],
])('imageTarget(%j, %s) = %s', (containers, image, name) => {
  expect(imageTarget(containers, image).name).toBe(name)
})

test('an image no container runs, or two run, names the containers', () => {
  expect(() => imageTarget(pod, 'ecr/api:2')).toThrow(
    new RollbackError('no container runs ecr/api; containers: app (ecr/web:1.4), proxy (envoy:1.30)'),
  )
  expect(() =>
    imageTarget(
      [
        { name: 'a', image: 'web:1' },
        { name: 'b', image: 'web:2' },
      ],
      'web:3',
    ),
  ).toThrow(/more than one container runs web: a \(web:1\), b \(web:2\)/)
})
