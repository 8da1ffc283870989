import { type AppliedRow, buildPlan, parseVersion, resolveMigrations } from '@deploy-actions/flyway'

const files = (...names: Array<[string, string?]>) =>
  resolveMigrations(
    names.map(([script, content]) => ({
      script,
      file: `db/migration/${script}`,
      content: content ?? `-- ${script}\nSELECT 1;`,
    })),
  ).migrations

let rank = 0
function row(over: Partial<AppliedRow> & { script?: string }, from = files()): AppliedRow {
  const file = from.find((f) => f.script === over.script)
  return {
    installedRank: ++rank,
    version: file?.version?.text ?? null,
    description: file?.description ?? 'x',
    type: 'SQL',
    script: over.script ?? 'x.sql',
    checksum: file?.checksum ?? 0,
    installedBy: 'postgres',
    installedOn: '2024-01-02 03:04:05.123',
    executionTime: 5,
    success: true,
    ...over,
  }
}

const opts = { outOfOrder: false }

describe('buildPlan', () => {
  test('fresh database: everything pending, versioned in order, then repeatables', () => {
    const m = files(['V2__b.sql'], ['V1__a.sql'], ['R__v.sql'])
    const p = buildPlan(m, [], opts)
    expect(p.pending.map((x) => x.script)).toEqual(['V1__a.sql', 'V2__b.sql', 'R__v.sql'])
    expect(p.info.map((r) => r.state)).toEqual(['Pending', 'Pending', 'Pending'])
    expect(p.errors).toEqual([])
    expect(p.currentVersion).toBeUndefined()
  })

  test('applied ones are Success and only newer ones are pending', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'], ['V3__c.sql'])
    const applied = [row({ script: 'V1__a.sql' }, m), row({ script: 'V2__b.sql' }, m)]
    const p = buildPlan(m, applied, opts)
    expect(p.info.map((r) => [r.version, r.state])).toEqual([
      ['1', 'Success'],
      ['2', 'Success'],
      ['3', 'Pending'],
    ])
    expect(p.pending.map((x) => x.script)).toEqual(['V3__c.sql'])
    expect(p.currentVersion).toBe('2')
    expect(p.info[0]?.installedOn).toBe('2024-01-02 03:04:05')
  })

  test('an edited applied file is a checksum mismatch naming the file', () => {
    const m = files(['V1__a.sql', 'SELECT 2;'])
    const p = buildPlan(m, [row({ script: 'V1__a.sql', version: '1', description: 'a', checksum: 12345 })], opts)
    expect(p.errors).toEqual([
      {
        message: expect.stringMatching(/checksum mismatch.*12345.*db\/migration\/V1__a\.sql/),
        file: 'db/migration/V1__a.sql',
      },
    ])
    expect(p.mismatched).toHaveLength(1)
  })

  test('a description change is a mismatch too', () => {
    const m = files(['V1__renamed.sql'])
    const p = buildPlan(
      m,
      [row({ script: 'V1__a.sql', version: '1', description: 'a', checksum: m[0]!.checksum })],
      opts,
    )
    expect(p.errors[0]?.message).toMatch(/description mismatch/)
  })

  test('applied file that is gone is Missing; one above every file is Future (not an error)', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'])
    const applied = [
      row({ script: 'V1__a.sql' }, m),
      row({ version: '1.5', description: 'gone', script: 'V1.5__gone.sql' }),
      row({ script: 'V2__b.sql' }, m),
      row({ version: '9', description: 'newer', script: 'V9__newer.sql' }),
    ]
    const p = buildPlan(m, applied, opts)
    expect(p.info.map((r) => r.state)).toEqual(['Success', 'Missing', 'Success', 'Future'])
    expect(p.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('not resolved locally: 1.5 (V1.5__gone.sql)'),
    ])
    expect(p.missing.map((r) => r.version)).toEqual(['1.5'])
    expect(p.currentVersion).toBe('9')
  })

  test('a failed row is Failed, blocks migrate and is not pending again', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'])
    const p = buildPlan(m, [row({ script: 'V1__a.sql' }, m), row({ script: 'V2__b.sql', success: false }, m)], opts)
    expect(p.info.map((r) => r.state)).toEqual(['Success', 'Failed'])
    expect(p.errors[0]?.message).toMatch(/failed migration to version 2/)
    expect(p.pending).toEqual([])
  })

  test('an older unapplied file is Ignored (error) unless out-of-order', () => {
    const m = files(['V1__a.sql'], ['V1.5__late.sql'], ['V2__b.sql'])
    const applied = [row({ script: 'V1__a.sql' }, m), row({ script: 'V2__b.sql' }, m)]
    const strict = buildPlan(m, applied, opts)
    expect(strict.info.find((r) => r.version === '1.5')?.state).toBe('Ignored')
    expect(strict.errors[0]?.message).toMatch(/not applied to database: 1\.5.*out-of-order/)
    const lax = buildPlan(m, applied, { outOfOrder: true })
    expect(lax.errors).toEqual([])
    expect(lax.pending.map((x) => x.script)).toEqual(['V1.5__late.sql'])
  })

  test('applied out of order shows as Out of Order', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'])
    const p = buildPlan(m, [row({ script: 'V2__b.sql' }, m), row({ script: 'V1__a.sql' }, m)], opts)
    expect(p.info.map((r) => r.state)).toEqual(['Success', 'Out of Order'])
  })

  test('target stops at a version: the rest are Above Target', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'], ['V3__c.sql'])
    const p = buildPlan(m, [], { outOfOrder: false, target: parseVersion('2')! })
    expect(p.pending.map((x) => x.version?.text)).toEqual(['1', '2'])
    expect(p.info.map((r) => r.state)).toEqual(['Pending', 'Pending', 'Above Target'])
  })

  test('baseline: older files are Below Baseline, the baseline version Ignored (Baseline), newer pending', () => {
    const m = files(['V1__a.sql'], ['V2__b.sql'], ['V3__c.sql'])
    const p = buildPlan(
      m,
      [
        row({
          version: '2',
          description: '<< Flyway Baseline >>',
          type: 'BASELINE',
          script: '<< Flyway Baseline >>',
          checksum: null,
        }),
      ],
      opts,
    )
    expect(p.info.map((r) => [r.version, r.state])).toEqual([
      ['2', 'Baseline'],
      ['1', 'Below Baseline'],
      ['2', 'Ignored (Baseline)'],
      ['3', 'Pending'],
    ])
    expect(p.pending.map((x) => x.version?.text)).toEqual(['3'])
    expect(p.currentVersion).toBe('2')
    expect(p.baselineVersion).toBe('2')
  })

  test('schema marker row is shown and ignored for versions', () => {
    const m = files(['V1__a.sql'])
    const p = buildPlan(
      m,
      [
        row({
          installedRank: 0,
          type: 'SCHEMA',
          description: '<< Flyway Schema Creation >>',
          script: '"app"',
          checksum: null,
        }),
      ],
      opts,
    )
    expect(p.info.map((r) => [r.category, r.state])).toEqual([
      ['Schema', 'Success'],
      ['Versioned', 'Pending'],
    ])
  })

  test('repeatables: unchanged is Success, changed is Outdated + Pending, older rows Superseded', () => {
    const m = files(['R__same.sql'], ['R__changed.sql', 'SELECT 2;'])
    const same = m.find((x) => x.description === 'same')!
    const applied = [
      row({ script: 'R__changed.sql', description: 'changed', checksum: 1 }),
      row({ script: 'R__same.sql', description: 'same', checksum: same.checksum }),
      row({ script: 'R__changed.sql', description: 'changed', checksum: 2 }),
    ]
    const p = buildPlan(m, applied, opts)
    expect(p.info.map((r) => [r.description, r.state])).toEqual([
      ['changed', 'Superseded'],
      ['same', 'Success'],
      ['changed', 'Outdated'],
      ['changed', 'Pending'],
    ])
    expect(p.pending.map((x) => x.description)).toEqual(['changed'])
    expect(p.errors).toEqual([])
  })

  test('rows marked deleted by repair no longer count as missing', () => {
    const m = files(['V1__a.sql'])
    const applied = [
      row({ script: 'V1__a.sql' }, m),
      row({ version: '1.5', description: 'gone', script: 'V1.5__gone.sql' }),
      row({ version: '1.5', description: 'gone', script: 'V1.5__gone.sql', type: 'DELETE' }),
    ]
    const p = buildPlan(m, applied, opts)
    expect(p.errors).toEqual([])
    expect(p.info.map((r) => r.state)).toEqual(['Success', 'Deleted'])
  })
})

test("validate's pending and outdated issues, silenced by *:pending as Flyway's ValidatePattern", () => {
  const m = files(['V1__a.sql'], ['V2__b.sql'])
  const applied = [row({ version: '1', description: 'a', script: 'V1__a.sql', checksum: m[0]!.checksum })]
  const p = buildPlan(m, applied, opts)
  expect(p.errors).toEqual([])
  expect(p.pendingIssues.map((i) => i.message)).toEqual([
    "Detected resolved migration not applied to database: 2 (db/migration/V2__b.sql). To fix this error, either run migrate, or set ignore-migration-patterns: '*:pending'",
  ])
  expect(buildPlan(m, applied, { ...opts, ignoreMigrationPatterns: ['*:pending'] }).pendingIssues).toEqual([])
  expect(
    buildPlan(m, applied, { ...opts, ignoreMigrationPatterns: ['repeatable:pending'] }).pendingIssues,
  ).toHaveLength(1)
})
