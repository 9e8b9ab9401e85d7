import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The suite-wide secret check (SEC-15): every test server logs at debug level into one folder,
 * and every password a test sends and every token it receives is noted here; after the run,
 * global-setup's teardown fails the run if any noted secret appears in any log line.
 */
const SECRET_KEYS = /^(password|newPassword|currentPassword|token|sessionToken|accessToken|refreshToken|deviceToken|code|codes|codeVerifier|idToken|flowToken|secret|otpauthUri|recoveryCode)$/;
// Shorter values ("password", a wrong code "000000") are test inputs that occur in logs as ordinary
// words and numbers; every real secret here (passwords of tests, tokens) is longer.
const MIN_LENGTH = 10;

export function secretsDir(): string | undefined {
  return process.env.GATEHOUSE_TEST_SECRETS_DIR;
}

/** Notes every value under a secret-looking key, anywhere in `value`. */
export function noteSecrets(value: unknown): void {
  const dir = secretsDir();
  if (!dir) return;
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      if (key && SECRET_KEYS.test(key) && v.length >= MIN_LENGTH) found.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value);
  if (found.length > 0) noteSecretValues(found);
}

export function noteSecretValues(values: string[]): void {
  const dir = secretsDir();
  values = values.filter((v) => v.length >= MIN_LENGTH);
  if (!dir || values.length === 0) return;
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  appendFileSync(join(dir, 'secrets', `${process.pid}.txt`), values.map((v) => JSON.stringify(v)).join('\n') + '\n');
}

/** After the run: the secrets found in the logs (empty when the check passes). */
export function leakedSecrets(dir: string): { secret: string; file: string }[] {
  const read = (sub: string) => {
    try {
      return readdirSync(join(dir, sub)).map((f) => ({ file: f, text: readFileSync(join(dir, sub, f), 'utf8') }));
    } catch {
      return [];
    }
  };
  const secrets = new Set(
    read('secrets')
      .flatMap(({ text }) => text.split('\n'))
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string),
  );
  const logs = read('logs');
  const leaks: { secret: string; file: string }[] = [];
  for (const secret of secrets) {
    for (const log of logs) if (log.text.includes(secret)) leaks.push({ secret, file: log.file });
  }
  return leaks;
}
