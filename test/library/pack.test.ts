import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MeDocument, RegisterDocument } from '../generated/graphql';
import { adopt, type AuthSuccessFields, GOOD_PASSWORD, uniqueEmail } from '../helpers/accounts';
import { errorCode, TestClient } from '../helpers/client';
import { adminQuery, databaseUrl } from '../helpers/database';
import { processEnv } from '../helpers/process';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixture');
const pkg = require('../../package.json') as { dependencies: Record<string, string>; allowScripts: Record<string, boolean> };

/**
 * The package as an app gets it: `npm pack`'s tarball installed into an empty project outside
 * this repository, whose own resolver (test/library/fixture/index.ts, 21 lines) is compiled by
 * tsc against the package's type declarations and served with Gatehouse's from one server, on a
 * database that only the package's own migrations set up.
 */
let child: ChildProcess | undefined;
let graphqlUrl: string;
let output = '';
let work: string | undefined;
let database: string | undefined;
let appDir: string;
let appEnv: Record<string, string>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gatehouse-pack-'));
  // Built into a folder of its own, so this never races `npm start`'s build of the repo's dist/.
  const stage = join(work, 'package');
  mkdirSync(stage);
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(stage, 'dist'), '--tsBuildInfoFile', join(work, 'tsbuildinfo')], { cwd: ROOT });
  for (const file of ['package.json', 'README.md', 'schema.graphql']) copyFileSync(join(ROOT, file), join(stage, file));
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: stage });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;

  const app = (appDir = join(work, 'app'));
  mkdirSync(app);
  const dependencies = { gatehouse: `file:../${tarball}`, ...pick(pkg.dependencies, ['type-graphql', 'graphql', 'reflect-metadata']), '@types/node': '20.19.43' };
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, dependencies, allowScripts: pkg.allowScripts }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
  for (const file of ['index.ts', 'tsconfig.json']) copyFileSync(join(FIXTURE, file), join(app, file));
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app });

  database = `gatehouse_pack_${process.pid}_${Date.now()}`;
  await adminQuery(inject('adminUrl'), `create database "${database}"`); // empty: the package migrates it
  const env = (appEnv = processEnv({ DATABASE_URL: databaseUrl(inject('adminUrl'), database), HOST: '127.0.0.1' }));
  child = spawn(process.execPath, [join(app, 'out', 'index.js')], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env } });
  graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}/graphql`);
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`the app exited with ${code}:\n${output}`)));
  });
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null) await new Promise((resolve) => child!.once('exit', resolve).kill('SIGTERM'));
  if (database) await adminQuery(inject('adminUrl'), `drop database if exists "${database}" with (force)`);
  if (work) rmSync(work, { recursive: true, force: true });
});

const GREETING = parse('{ greeting }') as unknown as TypedDocumentNode<{ greeting: string }, Record<string, never>>;

describe('the packed package in an app of its own', () => {
  it('serves register, me and the app’s own resolver behind @Authorized() from one server', async () => {
    expect(output).toMatch(/applied migrations/); // the package's migrations, on an empty database
    const email = uniqueEmail('packed');
    const client = new TestClient(graphqlUrl);
    const registered = await client.request(RegisterDocument, { input: { email, password: GOOD_PASSWORD, credentials: 'SESSION_TOKEN' } });
    adopt(client, registered.data!.register as AuthSuccessFields, 'SESSION_TOKEN');
    expect((await client.request(MeDocument)).data?.me?.email).toBe(email);
    expect((await client.request(GREETING)).data?.greeting).toBe(`Hello, ${email}`);
    expect(errorCode(await new TestClient(graphqlUrl).request(GREETING))).toBe('UNAUTHENTICATED');
  });
});

describe('the packed command line', () => {
  it('is installed as the gatehouse bin and runs against the app’s database', async () => {
    const { stdout } = await run(join(appDir, 'node_modules', '.bin', 'gatehouse'), ['doctor'], { cwd: appDir, env: { PATH: process.env.PATH ?? '', ...appEnv, LOG_LEVEL: 'warn' } });
    expect(stdout).toMatch(/^ok +database .*every migration applied/m);
  });
});

function pick(from: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, from[name]!]));
}
