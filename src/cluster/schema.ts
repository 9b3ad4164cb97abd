/**
 * Temporal's two databases (persistence and visibility) with the schema tool's embedded PostgreSQL 12+
 * schemas. Idempotent: a database is created only when missing, the versioning tables set up only when
 * absent (setting up again would reset the recorded version), and update-schema applies only the
 * versions not yet applied, so every start runs it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunningPostgres } from './postgres.js';

const execFileAsync = promisify(execFile);

export const TEMPORAL_DATABASES = [
  { database: 'temporal', schemaName: 'postgresql/v12/temporal' },
  { database: 'temporal_visibility', schemaName: 'postgresql/v12/visibility' },
] as const;

export interface SchemaReport {
  /** Databases this call created. */
  created: string[];
  /** The schema version each database is at afterwards. */
  versions: Record<string, string>;
}

const sqlLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

export async function ensureTemporalSchemas(
  sqlTool: string,
  postgres: RunningPostgres,
  log: (line: string) => void,
): Promise<SchemaReport> {
  const connection = [
    '--plugin',
    'postgres12',
    '--ep',
    postgres.host,
    '-p',
    String(postgres.port),
    '-u',
    postgres.user,
    '--pw',
    postgres.password,
  ];
  const tool = async (database: string, args: string[]) => {
    try {
      await execFileAsync(sqlTool, [...connection, '--db', database, ...args], { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const output = [(err as { stdout?: string }).stdout, (err as { stderr?: string }).stderr].join('\n').trim();
      throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed:\n${output.slice(-2000)}`);
    }
  };
  const report: SchemaReport = { created: [], versions: {} };
  for (const { database, schemaName } of TEMPORAL_DATABASES) {
    const exists = await postgres.query(
      'postgres',
      `SELECT 1 FROM pg_database WHERE datname = ${sqlLiteral(database)}`,
    );
    if (exists !== '1') {
      log(`Creating database ${database} ...`);
      await tool(database, ['create-database', '--defaultdb', 'postgres']);
      report.created.push(database);
    }
    const versioned = await postgres.query(database, "SELECT to_regclass('public.schema_version') IS NOT NULL");
    if (versioned !== 't') await tool(database, ['setup-schema', '-v', '0.0']);
    await tool(database, ['update-schema', '--schema-name', schemaName]);
    report.versions[database] = await postgres.query(database, 'SELECT curr_version FROM schema_version');
  }
  return report;
}
