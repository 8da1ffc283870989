// Flyway's schema history table for PostgreSQL, as Flyway creates it
// (flyway-database-postgresql PostgreSQLDatabase.getRawCreateScript): the ten columns with the same
// types and NOT NULLs, primary key "<table>_pk" on installed_rank and index "<table>_s_idx" on
// success. Row conventions (JdbcTableSchemaHistory): installed_rank is MAX+1 at insert time, except
// the `<< Flyway Schema Creation >>` marker (type SCHEMA, rank 0, script = the created schemas,
// quoted, comma-separated); the baseline row is `<< Flyway Baseline >>` of type BASELINE at rank 1
// with a NULL checksum; repair marks a missing migration with a new row of type DELETE.

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`
}

export function createTableSql(schema: string, table: string, tablespace?: string): string {
  const t = qualifiedTable(schema, table)
  return [
    `CREATE TABLE ${t} (`,
    '    "installed_rank" INT NOT NULL,',
    '    "version" VARCHAR(50),',
    '    "description" VARCHAR(200) NOT NULL,',
    '    "type" VARCHAR(20) NOT NULL,',
    '    "script" VARCHAR(1000) NOT NULL,',
    '    "checksum" INTEGER,',
    '    "installed_by" VARCHAR(100) NOT NULL,',
    '    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),',
    '    "execution_time" INTEGER NOT NULL,',
    '    "success" BOOLEAN NOT NULL',
    // PostgreSQLDatabase.getRawCreateScript: the configured tablespace, if any.
    `)${tablespace ? ` TABLESPACE ${quoteIdent(tablespace)}` : ''};`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(`${table}_pk`)} PRIMARY KEY ("installed_rank");`,
    `CREATE INDEX ${quoteIdent(`${table}_s_idx`)} ON ${t} ("success");`,
  ].join('\n')
}

export const BASELINE_DESCRIPTION = '<< Flyway Baseline >>'
export const SCHEMA_CREATION_DESCRIPTION = '<< Flyway Schema Creation >>'

export function selectRowsSql(schema: string, table: string): string {
  return `SELECT "installed_rank", "version", "description", "type", "script", "checksum", "installed_on", "installed_by", "execution_time", "success" FROM ${qualifiedTable(schema, table)} ORDER BY "installed_rank"`
}

/**
 * INSERT with the rank computed in the same statement ($1 version, $2 description, $3 type,
 * $4 script, $5 checksum, $6 installed_by, $7 execution_time, $8 success). `rank` fixes the rank
 * (0 for the schema marker, 1 for a baseline written with the table).
 */
export function insertRowSql(schema: string, table: string, rank?: number): string {
  const t = qualifiedTable(schema, table)
  const r = rank === undefined ? `(SELECT COALESCE(MAX("installed_rank"), 0) + 1 FROM ${t})` : String(rank)
  return `INSERT INTO ${t} ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (${r}, $1, $2, $3, $4, $5, $6, $7, $8)`
}

/** java.lang.String.hashCode, which Flyway uses to pick the advisory lock for a table. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

// PostgreSQLAdvisoryLockTemplate: LOCK_MAGIC_NUM ("Flyway" in ASCII) + the hash of the quoted,
// schema-qualified table name, so this action and Flyway itself exclude each other.
const LOCK_MAGIC_NUM = (0x46n << 40n) + (0x6cn << 32n) + (0x79n << 24n) + (0x77n << 16n) + (0x61n << 8n) + 0x79n

export function advisoryLockKey(schema: string, table: string): string {
  return String(LOCK_MAGIC_NUM + BigInt(javaStringHash(qualifiedTable(schema, table))))
}
