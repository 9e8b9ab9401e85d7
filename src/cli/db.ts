import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { EMBEDDED_URL_FILE, openDatabase } from '../db/database';
import { createLogger } from '../logger';
import type { Output } from './commands';

/** Whether `psql` is on the PATH. */
function hasPsql(): boolean {
  return spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `db`: the database the server uses. DATABASE_URL, or the embedded PostgreSQL's URL (read from
 * the data dir while its server runs, whose port changes at each start; else the cluster is
 * started here for as long as the command runs). With psql installed and `print` not asked, psql
 * opens on it; otherwise the URL is printed (and an embedded cluster started here runs until
 * Ctrl-C).
 */
export async function db(config: Config, out: Output, options: { print: boolean }): Promise<void> {
  const urlFile = join(config.dataDir, EMBEDDED_URL_FILE);
  const running = config.databaseUrl ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : null);
  const psql = !options.print && hasPsql();
  if (running) return open(running, psql, out);
  const database = await openDatabase(config, createLogger({ ...config, logFormat: 'json' }));
  try {
    const url = readFileSync(urlFile, 'utf8').trim();
    if (psql) return open(url, true, out);
    out.line(url);
    out.line('# The embedded PostgreSQL runs until you press Ctrl-C.');
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  } finally {
    await database.close();
  }
}

function open(url: string, psql: boolean, out: Output): void {
  if (!psql) return out.line(url);
  spawnSync('psql', [url], { stdio: 'inherit' });
}
