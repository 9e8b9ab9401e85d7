import argon2 from 'argon2';
import { availableParallelism } from 'node:os';

/**
 * The limit for `login`: raw argon2id verifications per second with production parameters, as
 * many at once as the machine has cores (libuv runs them on its thread pool).
 */
async function main(): Promise<void> {
  const params = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
  const hash = await argon2.hash('bench password 123', params);
  const seconds = Number(process.argv[2] ?? 5);
  const workers = availableParallelism();
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline) {
        await argon2.verify(hash, 'bench password 123');
        done++;
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ perSecond: done / seconds, workers })}\n`);
}

void main();
