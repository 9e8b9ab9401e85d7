import { createClient } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import WebSocket from 'ws';

/**
 * The subscription case, in its own process: opens one `securityEvents` subscription per session
 * token in the file (one user each), and once all are acknowledged revokes some of those sessions
 * by SQL, one at a time, timing how long each socket takes to be closed by the server. Prints
 * `{ open, closeMs: [...] }`; the bench samples the server's RSS meanwhile.
 */
interface SocketsCase { url: string; databaseUrl: string; tokensFile: string; revocations: number }

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as SocketsCase;
  const sessions = readFileSync(spec.tokensFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; token: string });
  const closedAt = new Map<string, (code: number) => void>();
  const clients = sessions.map(({ id, token }) => {
    let acked!: () => void;
    const ready = new Promise<void>((resolve) => (acked = resolve));
    const client = createClient({
      url: spec.url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      on: { connected: () => acked(), closed: (event) => closedAt.get(id)?.((event as { code: number }).code) },
    });
    client.subscribe({ query: 'subscription { securityEvents { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    return { id, client, ready };
  });
  await Promise.all(clients.map((c) => c.ready));
  process.stderr.write(`${clients.length} sockets open\n`);
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // the server settles with them all open

  const db = new pg.Client({ connectionString: spec.databaseUrl });
  await db.connect();
  const closeMs: number[] = [];
  for (const { id } of clients.slice(0, spec.revocations)) {
    const closed = new Promise<number>((resolve) => closedAt.set(id, resolve));
    const started = performance.now();
    await db.query('update sessions set revoked_at = now() where id = $1', [id]);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    closeMs.push(Math.round(performance.now() - started));
  }
  await db.end();
  process.stdout.write(`${JSON.stringify({ open: clients.length, closeMs })}\n`);
  for (const { client } of clients) void client.dispose();
  setTimeout(() => process.exit(0), 500).unref();
}

void main();
