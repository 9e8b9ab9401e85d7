import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

/**
 * One load run, in its own process (so the load generator does not share the server's event
 * loop). Reads its case from argv as JSON and prints autocannon's summary as JSON.
 */
interface LoadCase {
  url: string;
  /** POST (GraphQL, sign-ins) unless GET (Better Auth's get-session). */
  method?: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>;
  seconds: number;
  connections: number;
  /** A file of bodies, one per line, sent one after another instead of `body` (refresh). */
  bodiesFile?: string;
  /** `body` contains __N__, replaced by a fresh number per request (register). */
  numbered?: boolean;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as LoadCase;
  let next = 0;
  const bodies = spec.bodiesFile ? readFileSync(spec.bodiesFile, 'utf8').split('\n').filter(Boolean) : undefined;
  const salt = `${process.pid}-${Date.now()}`;
  const bodyFor = () => {
    if (bodies) return bodies[next++ % bodies.length]!;
    if (spec.numbered) return spec.body.replace('__N__', `${salt}-${next++}`);
    return spec.body;
  };
  const method = spec.method ?? 'POST';
  const result = await autocannon({
    url: spec.url,
    method,
    connections: spec.connections,
    duration: spec.seconds,
    headers: method === 'POST' ? { 'content-type': 'application/json', ...spec.headers } : spec.headers,
    requests: [method === 'POST' ? { method, setupRequest: (request) => ({ ...request, body: bodyFor() }) } : { method }],
  });
  process.stdout.write(
    `${JSON.stringify({
      requests: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      total: result.requests.total,
    })}\n`,
  );
}

void main();
