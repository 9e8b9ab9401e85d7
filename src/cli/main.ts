#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { ConfigError } from '../config';
import { loadDotEnv } from '../startup/dotenv';
import { StartupError } from '../startup/startup-error';
import { cliConfig, CommandError, createUser, disableUser, migrate, type Output, revokeSessions, rotateKeys, setRoles } from './commands';
import { db } from './db';
import { doctor } from './doctor';
import { readPassword } from './password';

/**
 * `gatehouse <command>` (the package's bin; `npm run gatehouse -- <command>` in this repository):
 * an operator's tools on the database the server would use, configured as the server is (the
 * environment and `.env`). Exit codes: 0 done, 1 refused (one line says why), 2 a usage mistake.
 */
const out: Output = { line: (text) => process.stdout.write(`${text}\n`) };

const program = new Command('gatehouse')
  .description('Operate a Gatehouse server: its database, accounts and keys.')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program.command('migrate').description('Apply pending migrations to the database the server would use (the embedded one included).').action(() => migrate(cliConfig(), out));

program
  .command('create-user')
  .description('Create a verified account with a password (prompted, or read from stdin).')
  .requiredOption('--email <email>', 'the address')
  .option('--admin', 'give it the admin role', false)
  .option('--password-stdin', 'read the password from the first line of stdin (for scripts); never an argument', false)
  .action(async (options: { email: string; admin: boolean; passwordStdin: boolean }) => {
    const password = await readPassword(options.passwordStdin);
    await createUser(cliConfig(), out, { email: options.email, password, admin: options.admin });
  });

program
  .command('disable-user')
  .description('Disable an account: every session, JWT family and API token ends at once.')
  .requiredOption('--email <email>', 'the address')
  .option('--reason <text>', 'why (on the audit trail)')
  .action((options: { email: string; reason?: string }) => disableUser(cliConfig(), out, options));

program
  .command('revoke-sessions')
  .description('End every session, JWT family and API token of an account.')
  .requiredOption('--email <email>', 'the address')
  .action((options: { email: string }) => revokeSessions(cliConfig(), out, options));

program
  .command('set-roles')
  .description('Set the roles of an account (user is always kept).')
  .requiredOption('--email <email>', 'the address')
  .addOption(new Option('--roles <roles>', 'comma-separated, from ROLES').makeOptionMandatory())
  .action((options: { email: string; roles: string }) => setRoles(cliConfig(), out, { email: options.email, roles: options.roles.split(',').map((r) => r.trim()).filter(Boolean) }));

program.command('rotate-keys').description('Print a new JWT signing key and SECRET_KEY, with the settings that keep current tokens valid meanwhile.').action(() => rotateKeys(cliConfig(), out));

program
  .command('doctor')
  .description('Check the settings, database, migrations, SMTP, keys and Redis; one line each.')
  .action(async () => {
    if (!(await doctor(out))) process.exitCode = 1;
  });

program
  .command('db')
  .description('Open psql on the database the server uses (the embedded one included), or print its URL.')
  .option('--print', 'only print the URL', false)
  .action((options: { print: boolean }) => db(cliConfig(), out, options));

loadDotEnv();
program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (error instanceof CommandError || error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
    } else {
      process.stderr.write(`gatehouse failed: ${describe(error)}\n`);
    }
    process.exit(1);
  },
);

/**
 * An unexpected failure in one line, without what a driver error carries: MikroORM puts the
 * failed statement, values and all (a password hash), into its message; only the reason stays.
 */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const statement = /^(select|insert|update|delete|with)\b/i.test(error.message);
  return `${error.name}: ${statement ? `a database statement failed: ${error.message.split(' - ').at(-1)}` : error.message}`;
}
