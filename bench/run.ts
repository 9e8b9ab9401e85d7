import 'reflect-metadata';
import { type ChildProcess, execFile, execFileSync, execSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import pg from 'pg';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { connectOrm } from '../src/db/database';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { migrateUp } from '../src/db/migrate';

/**
 * `npm run bench`: builds and starts the production server on PostgreSQL (DATABASE_URL or an
 * embedded one), seeds users with generate_series, and drives it with autocannon from another
 * process, next to the limits measured in the same run: a bare Apollo `{ hello }` over the same
 * HTTP stack, and raw argon2id verifications. Prints a table and writes bench/RESULTS.md's table.
 */
const ROOT = join(__dirname, '..');
const execFileAsync = promisify(execFile);
const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 32;
const PASSWORD = 'bench password 123';
/** BENCH_QUICK=1: only the `hello` limit and the `me` cases, for iterating on the request path. */
const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_CASES=JWT,anonymous: only the `me` cases whose names contain one of these words. */
const CASES = process.env.BENCH_CASES?.split(',').filter(Boolean);
/** BENCH_CPU_PROF=dir: the Gatehouse server writes a V8 CPU profile there (see summarize-profile.ts). */
const CPU_PROF = process.env.BENCH_CPU_PROF;
/**
 * On a machine with at least 2 cores, the server under test (Gatehouse or the `hello` limit) runs
 * on the first half of the cores and the load generator on the others, so the generator never
 * steals the server's CPU and each `me` ratio compares per-request cost on equal terms. The
 * argon2-bound cases (login, register, refresh, scale) give the server every core back.
 */
const PIN = cpus().length >= 2 && hasTaskset();
const HALF = Math.max(1, Math.floor(cpus().length / 2));
const SERVER_CPUS = HALF === 1 ? '0' : `0-${HALF - 1}`;
const LOAD_CPUS = `${HALF}-${cpus().length - 1}`;

interface Row { name: string; rps: number; p50: number; p99: number; rssMb: number; limit?: string; ratio?: number; errors: number }
/** Gatehouse's figure over the peer's for the same job, in the same run. */
interface Versus { ours: string; theirs: string; ratio: number }

async function main(): Promise<void> {
  execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
  const { url: adminUrl, stop: stopDb } = await database();
  const dbName = `gatehouse_bench_${Date.now()}`;
  await query(adminUrl, `create database "${dbName}"`);
  const url = withDatabase(adminUrl, dbName);
  const orm = await connectOrm(url);
  await migrateUp(orm);
  await orm.close(true);
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData: (s, _x, cb) => s.on('end', () => cb()).resume() });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));

  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await seedUsers(url, hash, 1, 10_000);

  const rows: Row[] = [];
  const hello = await startChild(['--import', 'tsx', join(ROOT, 'bench', 'hello-server.ts')], {});
  const helloRow = await measure('bare Apollo { hello }', hello, `http://127.0.0.1:${hello.port}/graphql`, { body: JSON.stringify({ query: '{ hello }' }) });
  hello.child.kill();
  rows.push(helloRow);
  // Evidence for the HTTP-layer decision: the same bare server over Fastify.
  const fastify = await startChild(['--import', 'tsx', join(ROOT, 'bench', 'hello-fastify.ts')], {});
  const fastifyRow = await measure('bare Apollo { hello } over Fastify', fastify, `http://127.0.0.1:${fastify.port}/graphql`, { body: JSON.stringify({ query: '{ hello }' }) });
  fastify.child.kill();
  rows.push({ ...fastifyRow, limit: 'hello', ratio: fastifyRow.rps / helloRow.rps });

  const server = await startGatehouse(url, (smtp.server.address() as { port: number }).port);
  const graphql = `http://127.0.0.1:${server.port}/graphql`;
  const creds = await credentials(graphql);
  const me = JSON.stringify({ query: '{ me { id email } }' });
  const cases: [string, Record<string, string>][] = [
    ['me over access JWT', { authorization: `Bearer ${creds.jwt}` }],
    ['me over session cookie', { cookie: creds.cookie }],
    ['me over session token', { authorization: `Bearer ${creds.sessionToken}` }],
    ['me over API token', { authorization: `Bearer ${creds.apiToken}` }],
    ['me anonymous', {}],
  ];
  // Gatehouse serves on Fastify: its `me` is measured against the bare server on the same stack.
  for (const [name, headers] of cases) {
    if (CASES && !CASES.some((word) => name.includes(word))) continue;
    const row = await measure(name, server, graphql, { body: me, headers });
    rows.push({ ...row, limit: 'hello over Fastify', ratio: row.rps / fastifyRow.rps });
  }
  const versus: Versus[] = [];
  const byName = (name: string) => rows.find((r) => r.name === name);
  const peer = QUICK && !process.env.BENCH_PEER ? null : await betterAuthReads(url, rows);
  if (peer) {
    const jwt = byName('me over access JWT');
    const cookie = byName('me over session cookie');
    if (jwt) versus.push({ ours: jwt.name, theirs: peer.cached.name, ratio: jwt.rps / peer.cached.rps });
    if (cookie) versus.push({ ours: cookie.name, theirs: peer.uncached.name, ratio: cookie.rps / peer.uncached.rps });
  }
  const sockets = QUICK && !process.env.BENCH_SOCKETS ? null : await socketCase(url, server);
  const scale: Row[] = [];
  const plans: string[] = [];
  if (!QUICK) await slowCases(url, graphql, server, rows, scale, plans, hash);
  const login = byName('login (argon2id 19 MiB, t=2)');
  const signIn = byName('Better Auth sign-in (scrypt)');
  if (login && signIn) versus.push({ ours: login.name, theirs: signIn.name, ratio: login.rps / signIn.rps });

  server.child.kill('SIGTERM');
  smtp.close();
  await query(adminUrl, `drop database if exists "${dbName}" with (force)`);
  await stopDb();
  const report = renderReport(rows, scale, plans, versus, sockets);
  process.stdout.write(`\n${report}\n`);
  writeFileSync(join(ROOT, 'bench', 'latest.md'), report);
}

/** Sign-in, registration, refresh and the scale cases: the ones bounded by argon2 or by data size. */
async function slowCases(url: string, graphql: string, server: Running, rows: Row[], scale: Row[], plans: string[], hash: string): Promise<void> {
  // These cases are bound by argon2 (the load generator sends a few dozen requests a second), so
  // the server gets every core again, and the limit is argon2id verifications on every core.
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', `0-${cpus().length - 1}`, String(server.child.pid)], { stdio: 'ignore' });
  const argonRate = (JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'argon2.ts'), String(SECONDS)], { cwd: ROOT }).toString()) as { perSecond: number }).perSecond;
  rows.push({ name: `raw argon2id verify (all ${cpus().length} cores)`, rps: argonRate, p50: 0, p99: 0, rssMb: 0, errors: 0 });
  const me = JSON.stringify({ query: '{ me { id email } }' });
  const login = JSON.stringify({ query: 'mutation($i: LoginInput!) { login(input: $i) { __typename } }', variables: { i: { email: 'bench-1@example.com', password: PASSWORD, credentials: 'SESSION_TOKEN' } } });
  const loginRow = await measure('login (argon2id 19 MiB, t=2)', server, graphql, { body: login });
  rows.push({ ...loginRow, limit: 'argon2', ratio: loginRow.rps / argonRate });
  const register = JSON.stringify({ query: 'mutation($i: RegisterInput!) { register(input: $i) { __typename } }', variables: { i: { email: 'new-__N__@example.com', password: PASSWORD, credentials: 'SESSION_TOKEN' } } });
  const registerRow = await measure('register', server, graphql, { body: register, numbered: true });
  rows.push({ ...registerRow, limit: 'argon2', ratio: registerRow.rps / argonRate });
  const peer = await startBetterAuth(url, false, true);
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', `0-${cpus().length - 1}`, String(peer.child.pid)], { stdio: 'ignore' });
  const signIn = JSON.stringify({ email: BETTER_AUTH_USER, password: PASSWORD });
  rows.push(await measure('Better Auth sign-in (scrypt)', peer, `http://127.0.0.1:${peer.port}/api/auth/sign-in/email`, { body: signIn, headers: { origin: BETTER_AUTH_ORIGIN } }));
  peer.child.kill();
  const refreshFile = await seedRefreshTokens(url, 150_000);
  rows.push(await measure('refreshToken', server, graphql, { body: '', bodiesFile: refreshFile }));

  // Scale: the same requests with 10k and with 1M users and sessions.
  for (const [label, total] of [['10k', 10_000], ['1M', 1_000_000]] as const) {
    await seedUsers(url, hash, 10_001, total);
    await seedSessions(url, total);
    const fresh = await credentials(graphql);
    scale.push({ ...(await measure(`${label}: login`, server, graphql, { body: login })) });
    scale.push({ ...(await measure(`${label}: me over session cookie`, server, graphql, { body: me, headers: { cookie: fresh.cookie } })) });
    scale.push({ ...(await measure(`${label}: me over access JWT`, server, graphql, { body: me, headers: { authorization: `Bearer ${fresh.jwt}` } })) });
  }
  plans.push(...(await explain(url)));
}

const SOCKETS = 1_000;
const REVOCATIONS = 20;

interface SocketsResult { open: number; peakRssMb: number; closeMs: number[] }

/**
 * 1,000 open `securityEvents` subscriptions (one session token and user each) on one instance:
 * the server's RSS with them open, and how long a revoked session's socket stays open.
 */
async function socketCase(url: string, server: Running): Promise<SocketsResult> {
  const { rows: users } = await query(url, `select id from users where email like 'bench-%' order by email limit $1`, [SOCKETS]);
  const sessions = users.map(() => ({ id: randomUUID(), token: `gths_${randomBytes(32).toString('base64url')}` }));
  await query(
    url,
    `insert into sessions (id, user_id, credential_kind, token_hash, created_at, authenticated_at, last_seen_at, expires_at, idle_timeout_seconds)
     select s, u, 'SESSION_TOKEN', h, now(), now(), now(), now() + interval '12 hours', 86400 from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(s, u, h)`,
    [sessions.map((x) => x.id), users.map((u) => (u as { id: string }).id), sessions.map((x) => createHash('sha256').update(x.token).digest('hex'))],
  );
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-bench-')), 'sockets.txt');
  writeFileSync(file, sessions.map((x) => JSON.stringify(x)).join('\n'));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.child.pid!))), 200);
  const spec = { url: `ws://127.0.0.1:${server.port}/graphql`, databaseUrl: url, tokensFile: file, revocations: REVOCATIONS };
  const [command, ...rest] = pinned(LOAD_CPUS, ['--import', 'tsx', join(ROOT, 'bench', 'sockets.ts'), JSON.stringify(spec)]);
  const { stdout } = await execFileAsync(command!, rest, { cwd: ROOT, maxBuffer: 1 << 20 });
  clearInterval(sampler);
  const result = JSON.parse(stdout) as { open: number; closeMs: number[] };
  process.stderr.write(`sockets: ${result.open} open, peak RSS ${Math.round(peak)} MB, revocation closes in ${result.closeMs.join(', ')} ms\n`);
  return { ...result, peakRssMb: peak };
}

const BETTER_AUTH_USER = 'better-auth-1@example.com';
const BETTER_AUTH_ORIGIN = 'http://127.0.0.1';

/**
 * Better Auth on the same PostgreSQL (its own tables), `get-session` with and without its
 * cookie cache, on the same cores as Gatehouse's `me`. The first start creates its tables and the
 * user.
 */
async function betterAuthReads(url: string, rows: Row[]): Promise<{ cached: Row; uncached: Row }> {
  const results: Row[] = [];
  for (const cookieCache of [false, true]) {
    const peer = await startBetterAuth(url, cookieCache, !cookieCache);
    const base = `http://127.0.0.1:${peer.port}/api/auth`;
    const post = (path: string, body: unknown) =>
      fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: BETTER_AUTH_ORIGIN }, body: JSON.stringify(body) });
    if (!cookieCache) await post('sign-up/email', { email: BETTER_AUTH_USER, password: PASSWORD, name: 'Bench' });
    const signedIn = await post('sign-in/email', { email: BETTER_AUTH_USER, password: PASSWORD });
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const name = `Better Auth get-session (${cookieCache ? 'cookie cache' : 'no cookie cache'})`;
    results.push(await measure(name, peer, `${base}/get-session`, { body: '', method: 'GET', headers: { cookie } }));
    peer.child.kill();
  }
  rows.push(...results);
  return { uncached: results[0]!, cached: results[1]! };
}

function startBetterAuth(url: string, cookieCache: boolean, migrate: boolean): Promise<Running> {
  return startChild([...startFlags(), '--import', 'tsx', join(ROOT, 'bench', 'better-auth-server.ts')], {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    BETTER_AUTH_SECRET: 'bench-only-secret-of-at-least-32-characters',
    BENCH_BA_COOKIE_CACHE: cookieCache ? '1' : '0',
    BENCH_BA_MIGRATE: migrate ? '1' : '0',
  });
}

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dir: join(dir, 'pg'), persistent: false, logger: pino({ level: 'silent' }) });
  return db;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function seedUsers(url: string, hash: string, from: number, to: number): Promise<void> {
  await query(
    url,
    `insert into users (id, email, password_hash, is_active, created_at, updated_at, email_verified_at)
     select gen_random_uuid(), 'bench-' || g || '@example.com', $1, true, now(), now(), now() from generate_series($2::int, $3::int) g
     on conflict (email) do nothing`,
    [hash, from, to],
  );
}

/** One live cookie session per user, with random token hashes: the table a lookup must not scan. */
async function seedSessions(url: string, total: number): Promise<void> {
  await query(
    url,
    `insert into sessions (id, user_id, credential_kind, token_hash, created_at, authenticated_at, last_seen_at, expires_at, idle_timeout_seconds)
     select gen_random_uuid(), id, 'COOKIE', md5(random()::text) || md5(id::text), now(), now(), now(), now() + interval '12 hours', 1800
     from users where not exists (select 1 from sessions s where s.user_id = users.id) limit $1`,
    [total],
  );
  await query(url, 'analyze');
}

async function seedRefreshTokens(url: string, count: number): Promise<string> {
  const { rows } = await query(url, `select id from users where email = 'bench-1@example.com'`);
  const userId = (rows[0] as { id: string }).id;
  const sessions: string[] = [];
  const hashes: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const token = `gthr_${randomBytes(32).toString('base64url')}`;
    sessions.push(randomUUID());
    hashes.push(createHash('sha256').update(token).digest('hex'));
    bodies.push(JSON.stringify({ query: 'mutation($t: String!) { refreshToken(refreshToken: $t) { __typename } }', variables: { t: token } }));
  }
  await query(
    url,
    `insert into sessions (id, user_id, credential_kind, created_at, authenticated_at, last_seen_at, expires_at, idle_timeout_seconds)
     select s, $2, 'JWT', now(), now(), now(), now() + interval '30 days', 604800 from unnest($1::uuid[]) s`,
    [sessions, userId],
  );
  await query(url, `insert into refresh_tokens (id, session_id, token_hash, created_at) select gen_random_uuid(), s, h, now() from unnest($1::uuid[], $2::text[]) as t(s, h)`, [sessions, hashes]);
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-bench-')), 'refresh.txt');
  writeFileSync(file, bodies.join('\n'));
  return file;
}

async function explain(url: string): Promise<string[]> {
  const plans: string[] = [];
  for (const sql of [
    `explain select * from sessions where token_hash = 'x'`,
    `explain select * from users where email = 'bench-500000@example.com'`,
    `explain select * from refresh_tokens where token_hash = 'x'`,
  ]) {
    const { rows } = await query(url, sql);
    plans.push(`${sql.replace('explain ', '')}\n    → ${(rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join(' / ')}`);
  }
  return plans;
}

interface Running { child: ChildProcess; port: number }

/** Every server the bench started, stopped if the bench itself fails. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function startChild(args: string[], env: Record<string, string>): Promise<Running> {
  const [command, ...rest] = pinned(SERVER_CPUS, args);
  const child = spawn(command!, rest, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const port = /"port":(\d+)/.exec(buffer)?.[1] ?? /127\.0\.0\.1:(\d+)\/graphql/.exec(buffer)?.[1];
      if (!port) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining the request log
      resolve({ child, port: Number(port) });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${buffer}`)));
  });
}

/** The node flags `npm start` runs the server with (the heap bound), so the bench measures the same. */
function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
}

function startGatehouse(url: string, smtpPort: number): Promise<Running> {
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
  return startChild([...startFlags(), ...profile, join(ROOT, 'dist', 'src', 'main.js')], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: url,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    JWT_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    COOKIE_SECURE: 'true',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    // Throughput is measured here; the limits themselves have tests.
    RATE_LIMITS_ENABLED: 'false',
    // As many argon2 hashes at once as the machine has cores, although the server starts pinned.
    PASSWORD_HASH_CONCURRENCY: String(cpus().length),
    LOG_LEVEL: 'info',
    // The subscription case opens 1,000 sockets from one address.
    WS_MAX_SOCKETS_PER_ADDRESS: String(SOCKETS + 100),
  });
}

async function credentials(graphql: string): Promise<{ jwt: string; cookie: string; sessionToken: string; apiToken: string }> {
  const login = async (kind: string) => {
    const response = await fetch(graphql, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($i: LoginInput!) { login(input: $i) { ... on AuthSuccess { sessionToken accessToken } } }', variables: { i: { email: 'bench-1@example.com', password: PASSWORD, credentials: kind } } }),
    });
    const body = (await response.json()) as { data: { login: { sessionToken: string | null; accessToken: string | null } } };
    return { ...body.data.login, cookie: (response.headers.getSetCookie()[0] ?? '').split(';')[0]! };
  };
  const cookie = (await login('COOKIE')).cookie;
  const created = await fetch(graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ query: 'mutation { createApiToken(input: { name: "bench" }) { token } }' }),
  });
  const apiToken = ((await created.json()) as { data: { createApiToken: { token: string } } }).data.createApiToken.token;
  return { cookie, sessionToken: (await login('SESSION_TOKEN')).sessionToken!, jwt: (await login('JWT')).accessToken!, apiToken };
}

async function measure(
  name: string,
  server: Running,
  url: string,
  spec: { body: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; bodiesFile?: string; numbered?: boolean },
): Promise<Row> {
  // Asynchronously, so the RSS sampler below keeps running while the load runs.
  const run = async (seconds: number) => {
    const args = ['--import', 'tsx', join(ROOT, 'bench', 'load.ts'), JSON.stringify({ url, headers: {}, ...spec, seconds, connections: CONNECTIONS })];
    const [command, ...rest] = pinned(LOAD_CPUS, args);
    const { stdout } = await execFileAsync(command!, rest, { cwd: ROOT, maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as { requests: number; p50: number; p99: number; errors: number };
  };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.child.pid!))), 200);
  await run(WARMUP_SECONDS);
  const results: Awaited<ReturnType<typeof run>>[] = [];
  for (let i = 0; i < RUNS; i++) results.push(await run(SECONDS));
  results.sort((a, b) => a.requests - b.requests);
  clearInterval(sampler);
  const median = results[Math.floor(RUNS / 2)]!;
  process.stderr.write(`${name}: ${Math.round(median.requests)} req/s, p50 ${median.p50} ms, p99 ${median.p99} ms\n`);
  return { name, rps: median.requests, p50: median.p50, p99: median.p99, rssMb: peak, errors: results.reduce((n, r) => n + r.errors, 0) };
}

/** `node …args`, run on the given cores when pinning (taskset execs, so the pid stays node's). */
function pinned(cores: string, args: string[]): string[] {
  return PIN ? ['taskset', '-c', cores, process.execPath, ...args] : [process.execPath, ...args];
}

function hasTaskset(): boolean {
  try {
    execSync('taskset -c 0 true', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

function renderReport(rows: Row[], scale: Row[], plans: string[], versus: Versus[], sockets: SocketsResult | null): string {
  const sorted = [...(sockets?.closeMs ?? [])].sort((x, y) => x - y);
  const socketLine = sockets
    ? `Subscriptions: ${sockets.open} open sockets on one instance, peak RSS ${Math.round(sockets.peakRssMb)} MB; a revoked session's socket closed in ${sorted[Math.floor(sorted.length / 2)]} ms (median of ${sorted.length}), ${sorted.at(-1)} ms at most.`
    : 'Subscriptions: not measured in this run.';
  const line = (r: Row) =>
    `| ${r.name} | ${Math.round(r.rps)} | ${r.p50 || '—'} | ${r.p99 || '—'} | ${r.rssMb ? Math.round(r.rssMb) : '—'} | ${r.ratio !== undefined ? `${r.ratio.toFixed(2)} × ${r.limit}` : '—'} | ${r.errors} |`;
  const head = '| case | req/s | p50 ms | p99 ms | peak RSS MB | ratio to its limit | errors |\n|---|---|---|---|---|---|---|';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  return [
    `Machine: ${machine}. ${RUNS} runs of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, median run shown.`,
    '',
    head,
    ...rows.map(line),
    '',
    socketLine,
    '',
    'Against Better Auth, in the same run (Gatehouse ÷ Better Auth):',
    '',
    '| Gatehouse | Better Auth | ratio |\n|---|---|---|',
    ...versus.map((v) => `| ${v.ours} | ${v.theirs} | ${v.ratio.toFixed(2)} × |`),
    '',
    'Scale (same requests after seeding users and one session each):',
    '',
    head,
    ...scale.map(line),
    '',
    'Query plans:',
    '',
    ...plans.map((p) => `- ${p}`),
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
