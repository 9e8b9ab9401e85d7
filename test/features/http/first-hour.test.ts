import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { registerUser, whoAmI } from '../../helpers/accounts';
import { startOwnCluster } from '../../helpers/own-cluster';
import { runServerToExit, spawnServer } from '../../helpers/process';

/**
 * A new user's first hour on a fresh clone: `npm start` works wherever they cloned, a mistake in
 * a setting is one line naming the setting (never a stack trace), and the scripts do what the
 * README says.
 */
const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

function reachableFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // the embedded PostgreSQL may run as another user
  return dir;
}

/** The quick start's environment: development, the embedded database, nothing else set. */
function quickStart(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'development', GATEHOUSE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra };
}

/** What a refused start printed: exactly one line, no stack trace, exit code 1. */
function expectOneLine(result: { code: number | null; output: string }): string {
  expect(result.code).toBe(1);
  const lines = result.output.trim().split('\n');
  expect(lines, result.output).toHaveLength(1);
  expect(lines[0]).toMatch(/^Gatehouse cannot start\. /);
  return lines[0]!;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('starting anywhere', () => {
  it.runIf(userInfo().uid === 0)('as root in a private (0700) folder, as in /root, npm start works and keeps its data across restarts', async () => {
    const home = mkdtempSync(join(tmpdir(), 'gatehouse-home-')); // mode 0700, like /root
    const dataDir = join(home, 'app', '.gatehouse');
    cleanups.push(() => {
      const location = join(dataDir, 'postgres-location');
      if (existsSync(location)) rmSync(readFileSync(location, 'utf8').trim(), { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    });
    const first = await spawnServer(quickStart(dataDir));
    expect(first.output()).toMatch(/embedded cluster lives in \/var\/lib\/gatehouse\//);
    const { client, email } = await registerUser(first);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnServer(quickStart(dataDir));
    try {
      expect(await whoAmI(client.clone(second.graphqlUrl))).toBe(email);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });

  it('a second start on the same data dir refuses in one line, naming the running pid, and the first keeps serving', async () => {
    const dataDir = reachableFolder('gatehouse-twice-');
    const first = await spawnServer(quickStart(dataDir));
    try {
      const { client, email } = await registerUser(first);
      const line = expectOneLine(await runServerToExit(quickStart(dataDir, { LOG_LEVEL: 'warn' })));
      expect(line).toContain(`pid ${first.child.pid}`);
      expect(line).toContain(dataDir);
      expect(line).toContain('GATEHOUSE_DATA_DIR');
      expect(await whoAmI(client)).toBe(email); // its database was left alone
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    // Stopped, it lets the next start have the data dir.
    const next = await spawnServer(quickStart(dataDir));
    expect(await next.stop('SIGTERM')).toBe(0);
  });
});

describe('a mistake in a setting is one line naming it', () => {
  it('an unreachable DATABASE_URL names the setting and the address tried', async () => {
    const port = await closedPort();
    const line = expectOneLine(await runServerToExit(quickStart(reachableFolder('gatehouse-db-'), { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/app`, LOG_LEVEL: 'warn' })));
    expect(line).toMatch(new RegExp(`DATABASE_URL: .*127\\.0\\.0\\.1:${port}.*connection refused`));
  });

  it('a wrong database password names DATABASE_URL and the user, never the password', async () => {
    const cluster = await startOwnCluster(); // password authentication, unlike the machine's server
    cleanups.push(() => cluster.stop());
    const url = new URL(cluster.databaseUrl);
    url.password = 'not-the-password';
    const line = expectOneLine(await runServerToExit(quickStart(reachableFolder('gatehouse-pw-'), { DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' })));
    expect(line).toMatch(/DATABASE_URL: .*refused the password of user "postgres"/);
    expect(line).not.toContain('not-the-password');
  });

  it('a PORT in use names the setting and the address', async () => {
    const taken = await occupiedPort();
    cleanups.push(() => new Promise<void>((resolve) => taken.server.close(() => resolve())));
    const line = expectOneLine(await runServerToExit(quickStart(reachableFolder('gatehouse-port-'), { PORT: String(taken.port), LOG_LEVEL: 'warn' })));
    expect(line).toContain(`PORT: 127.0.0.1:${taken.port} is already in use`);
  });
});

describe('the working folder and the scripts', () => {
  it('the README documents every npm script, and no script that does not exist', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const development = readme.slice(readme.indexOf('## Development'));
    // The first cell of each row: `npm start`, `npm test`, `npm run <name>` (maybe after VAR=… ).
    const documented = [...development.matchAll(/^\| `(?:[A-Z_]+=\S+ )?npm (?:run )?([\w:-]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...scripts].sort());
  });

  it('.env in the working folder is read, and a variable set in the environment wins over it', async () => {
    const cwd = reachableFolder('gatehouse-dotenv-');
    const dataDir = join(cwd, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(cwd, '.env'), `GATEHOUSE_DATA_DIR=${dataDir}\nSESSION_COOKIE_NAME=from_dotenv\nLOG_LEVEL=info\nHOST=127.0.0.1\nPORT=0\nNODE_ENV=development\n`);
    const server = await spawnServer({ SESSION_COOKIE_NAME: 'from_environment' }, { cwd });
    try {
      const { client } = await registerUser(server);
      expect([...client.cookies.keys()]).toContain('from_environment');
      expect(server.output()).toContain(`embedded PostgreSQL in ${join(dataDir, 'postgres')}`); // the data dir came from .env
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('npm start builds only when the sources changed', async () => {
    await run('npm', ['run', '--silent', 'prestart'], { cwd: ROOT }); // whatever state dist/ was in
    const { stdout } = await run('npm', ['run', '--silent', 'prestart', '--', '--verbose'], { cwd: ROOT });
    expect(stdout).toMatch(/is up to date/);
    expect(stdout).not.toMatch(/Building project/);
  });

  it('npm run migration:up migrates the very database the server then uses (the embedded one by default)', async () => {
    const dataDir = reachableFolder('gatehouse-migrate-');
    const env = quickStart(dataDir);
    const migrated = await run('npm', ['run', '--silent', 'migration:up'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    expect(migrated.stdout).toMatch(/"msg":"applied migrations"/);
    const server = await spawnServer(env);
    try {
      expect(server.output()).not.toMatch(/applied migrations/); // nothing left to apply: the same database
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });
});

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const { server, port } = await occupiedPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function occupiedPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address === 'object' && address) resolve({ server, port: address.port });
    });
  });
}
