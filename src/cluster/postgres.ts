/**
 * The cluster's PostgreSQL: a database cluster of its own in the state dir (initdb once), started and
 * stopped with pg_ctl. PostgreSQL refuses to run as root, so under root every server-side command runs as
 * an unprivileged user (default `postgres`, or CLUSTER_POSTGRES_USER) that owns the folder; otherwise as the
 * current user. Clients (the schema tool, Temporal, psql) connect over TCP on loopback with a password.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The database superuser Temporal connects as. */
export const POSTGRES_USER = 'temporal';

export interface PostgresOptions {
  /** Owned by the PostgreSQL OS user: `data/` (PGDATA), `postgres.log`. */
  dir: string;
  /** The generated password's file (mode 0600, the cluster command's user). */
  passwordFile: string;
  port: number;
  log: (line: string) => void;
}

export interface RunningPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** True when this start created the database cluster (initdb). */
  initialized: boolean;
  /** One SQL statement through psql; returns its rows unaligned, one per line. */
  query(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin), or POSTGRES_BIN_DIR. */
export function findPostgresBinDir(): string {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0)
    throw new Error('No PostgreSQL server found (initdb in /usr/lib/postgresql/*/bin); set POSTGRES_BIN_DIR');
  return join(root, majors[0], 'bin');
}

async function lookUpUser(name: string): Promise<OsUser> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((entry) => entry.split(':')[0] === name);
  if (!line) throw new Error(`PostgreSQL must not run as root, and there is no user "${name}" to run it as`);
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** Who runs the server: under root the unprivileged user, otherwise this process's own user. */
async function serverUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  return lookUpUser(process.env.CLUSTER_POSTGRES_USER || 'postgres');
}

/** Under root, the server user must be able to reach the folder: every ancestor needs the x bit for others. */
async function checkReachable(dir: string, user: OsUser): Promise<void> {
  for (let current = dirname(dir); current !== parse(current).root; current = dirname(current)) {
    const info = await stat(current);
    if (info.uid !== user.uid && (info.mode & 0o001) === 0)
      throw new Error(
        `PostgreSQL runs as "${user.name}", which cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}); ` +
          'choose a STATE_DIR it can reach or make the folder traversable (chmod o+x)',
      );
  }
}

export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const bin = findPostgresBinDir();
  const user = await serverUser();
  const dataDir = join(options.dir, 'data');
  const logFile = join(options.dir, 'postgres.log');

  /** Runs a server-side program (initdb, pg_ctl) as the server user, in its own folder. */
  const asServerUser = (program: string, args: string[]) =>
    execFileAsync(join(bin, program), args, {
      cwd: options.dir,
      uid: user?.uid,
      gid: user?.gid,
      env: { PATH: process.env.PATH, HOME: options.dir, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      maxBuffer: 16 * 1024 * 1024,
    });

  await mkdir(dirname(options.dir), { recursive: true });
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  if (user) {
    await checkReachable(options.dir, user);
    await chown(options.dir, user.uid, user.gid);
  }
  await chmod(options.dir, 0o700);

  const initialized = !existsSync(join(dataDir, 'PG_VERSION'));
  let password: string;
  if (initialized) {
    // A half-made data dir (initdb killed) is made again from nothing: it holds no data yet.
    await rm(dataDir, { recursive: true, force: true });
    password = randomBytes(24).toString('base64url');
    await mkdir(dirname(options.passwordFile), { recursive: true });
    await writeFile(options.passwordFile, `${password}\n`, { mode: 0o600 });
    const pwfile = join(options.dir, 'initdb-password');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) await chown(pwfile, user.uid, user.gid);
    options.log(`Creating the PostgreSQL cluster in ${dataDir}${user ? ` (as OS user ${user.name})` : ''} ...`);
    try {
      await asServerUser('initdb', [
        '-D',
        dataDir,
        '-U',
        POSTGRES_USER,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
    // Loopback TCP only (no socket file to place); room for the four services' connection pools.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      "\n# temporal cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n",
    );
  } else {
    password = (await readFile(options.passwordFile, 'utf8')).trim();
  }

  // A server left running by a killed cluster command is stopped first, so this start owns it.
  const status = await asServerUser('pg_ctl', ['status', '-D', dataDir]).then(
    () => true,
    () => false,
  );
  if (status) {
    options.log('Stopping a PostgreSQL server left running by an earlier cluster command ...');
    await asServerUser('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
  }
  await asServerUser('pg_ctl', [
    'start',
    '-D',
    dataDir,
    '-l',
    logFile,
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${options.port}`,
  ]).catch((err: Error) => {
    throw new Error(`PostgreSQL did not start (see ${logFile}): ${err.message}`);
  });

  const psql = join(bin, 'psql');
  return {
    host: '127.0.0.1',
    port: options.port,
    user: POSTGRES_USER,
    password,
    initialized,
    async query(database, sql) {
      const { stdout } = await execFileAsync(
        psql,
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(options.port),
          '-U',
          POSTGRES_USER,
          '-d',
          database,
          '-v',
          'ON_ERROR_STOP=1',
          '-Atc',
          sql,
        ],
        { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } },
      );
      return stdout.trim();
    },
    async stop() {
      await asServerUser('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']).catch(() => undefined);
    },
  };
}
