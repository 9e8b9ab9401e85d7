import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/**
 * The peer our users would pick instead, for the comparison in the same run: Better Auth with
 * email-and-password on the same PostgreSQL (its own tables, created by its own migrations),
 * served by Node's HTTP server through its Node handler. Rate limits off, as in Gatehouse's
 * benchmarked server. BENCH_BA_COOKIE_CACHE=1 turns on its session cookie cache (its fastest
 * `get-session`, which skips the database and with it any revocation check). Bench only: never
 * imported by Gatehouse.
 */
async function main(): Promise<void> {
  const { betterAuth } = await import('better-auth');
  const { toNodeHandler } = await import('better-auth/node');
  const { getMigrations } = await import('better-auth/db/migration');
  const cookieCache = process.env.BENCH_BA_COOKIE_CACHE === '1';
  const auth = betterAuth({
    database: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }),
    secret: process.env.BETTER_AUTH_SECRET,
    baseURL: 'http://127.0.0.1',
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    session: { cookieCache: { enabled: cookieCache, maxAge: 300 } },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  if (process.env.BENCH_BA_MIGRATE === '1') {
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
  }
  const server = createServer(toNodeHandler(auth));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
}

void main();
