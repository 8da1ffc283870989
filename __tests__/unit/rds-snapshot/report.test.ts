import { newReport, outputsOf, renderSummary } from '../../../actions/rds-snapshot/src/report.ts'

test('outputs: only what is known; deleted always set in prune mode', () => {
  expect(outputsOf(newReport({ mode: 'create', dryRun: false, db: undefined }))).toEqual({
    'snapshot-identifier': undefined,
    'snapshot-arn': undefined,
    status: undefined,
    endpoint: undefined,
    deleted: undefined,
  })
  expect(outputsOf(newReport({ mode: 'prune', dryRun: false, db: undefined })).deleted).toBe('')
  expect(
    outputsOf({ ...newReport({ mode: 'prune', dryRun: false, db: undefined }), deleted: ['a', 'b'] }).deleted,
  ).toBe('a,b')
})

test('summary: table with sizes and times, copied settings, endpoint and the next step', () => {
  const md = renderSummary({
    ...newReport({ mode: 'restore', dryRun: false, db: undefined }),
    db: { kind: 'instance', id: 'webshop-prod' },
    rows: [
      {
        what: 'DB instance',
        id: 'web-restored',
        outcome: 'restored',
        status: 'available',
        sizeGiB: 20,
        at: '2026-01-01T00:00:00Z',
        durationMs: 65_000,
      },
    ],
    copied: [['instance class', 'db.m5.large']],
    endpoint: 'web-restored.example',
    port: 5432,
    nextStep: 'Next step (by hand): do it',
  })
  expect(md).toContain('### rds-snapshot: restore of DB instance `webshop-prod`')
  expect(md).toContain(
    '| DB instance | `web-restored` | restored | available | 20 GiB | 2026-01-01T00:00:00Z | 1m05s |',
  )
  expect(md).toContain('| instance class | db.m5.large |')
  expect(md).toContain('Endpoint: `web-restored.example:5432`')
  expect(md).toContain('**Next step (by hand): do it**')
})

test('summary of a failure says so', () => {
  const md = renderSummary({
    ...newReport({ mode: 'create', dryRun: false, db: undefined }),
    error: 'DB instance "x" was not found',
  })
  expect(md).toContain('**Failed:** DB instance "x" was not found')
  expect(md).not.toContain('Nothing to do')
})
