import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Reads `.env` from the working folder, as `.env.example` promises, with Node's own parser
 * (process.loadEnvFile). A variable already set in the environment wins over the file.
 */
export function loadDotEnv(file = resolve('.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
