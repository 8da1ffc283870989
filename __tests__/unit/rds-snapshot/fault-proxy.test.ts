import { actionOf, rewriteXmlStatus } from '@deploy-actions/testbed'

const instances =
  '<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances>' +
  '<DBInstance><DBInstanceIdentifier>a</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>' +
  '<VpcSecurityGroups><VpcSecurityGroupMembership><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups></DBInstance>' +
  '<DBInstance><DBInstanceStatus>available</DBInstanceStatus></DBInstance>' +
  '</DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>'

test('only the resource status is rewritten, not nested ones', () => {
  const out = rewriteXmlStatus(instances, 'modifying')
  expect(out).toBe(instances.replaceAll('<DBInstanceStatus>available<', '<DBInstanceStatus>modifying<'))
  expect(out).toContain('<Status>active</Status>')
})

test('a cluster status is its own Status element', () => {
  const xml =
    '<DBClusters><DBCluster><Status>available</Status><VpcSecurityGroups><VpcSecurityGroupMembership><Status>active</Status>' +
    '</VpcSecurityGroupMembership></VpcSecurityGroups><DBClusterMembers><DBClusterMember><IsClusterWriter>true</IsClusterWriter>' +
    '</DBClusterMember></DBClusterMembers></DBCluster></DBClusters>'
  expect(rewriteXmlStatus(xml, 'backing-up')).toBe(
    xml.replace('<Status>available</Status>', '<Status>backing-up</Status>'),
  )
})

test.each([
  [
    '<DBSnapshots><DBSnapshot><Status>available</Status><Port>5432</Port></DBSnapshot></DBSnapshots>',
    '<DBSnapshots><DBSnapshot><Status>creating</Status><Port>5432</Port><PercentProgress>40</PercentProgress></DBSnapshot></DBSnapshots>',
  ],
  [
    '<DBClusterSnapshot><Status>available</Status><PercentProgress>100</PercentProgress></DBClusterSnapshot>',
    '<DBClusterSnapshot><Status>creating</Status><PercentProgress>40</PercentProgress></DBClusterSnapshot>',
  ],
])('snapshot status and PercentProgress: %s', (xml, expected) => {
  expect(rewriteXmlStatus(xml, 'creating', 40)).toBe(expected)
})

test('an error response has nothing to rewrite', () => {
  const xml = '<ErrorResponse><Error><Code>DBSnapshotNotFound</Code></Error></ErrorResponse>'
  expect(rewriteXmlStatus(xml, 'creating', 10)).toBe(xml)
})

test.each([
  [
    { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, url: '/' },
    'Action=DescribeDBInstances&Version=2014-10-31',
    'DescribeDBInstances',
  ],
  [{ headers: {}, url: '/?Action=ListUsers&Version=1' }, '', 'ListUsers'],
  [
    { headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken' }, url: '/' },
    '{}',
    'GetAuthorizationToken',
  ],
  [{ headers: { 'content-type': 'application/xml' }, url: '/bucket/key' }, '<x/>', ''],
])('actionOf %j', (req, body, action) => {
  expect(actionOf(req, Buffer.from(body))).toBe(action)
})
