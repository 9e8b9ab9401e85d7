import { password as prompt } from '@inquirer/prompts';
import { CommandError } from './commands';

/**
 * The password for create-user: the first line of stdin with --password-stdin (so it never
 * appears in the process list or shell history, as an argument would), else a hidden prompt at a
 * terminal.
 */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    let input = '';
    for await (const chunk of process.stdin) input += String(chunk);
    const line = input.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new CommandError('--password-stdin: stdin held no password.');
    return line;
  }
  if (!process.stdin.isTTY) throw new CommandError('Give the password at a terminal, or pipe it with --password-stdin.');
  const first = await prompt({ message: 'Password', mask: '*' });
  const again = await prompt({ message: 'Again', mask: '*' });
  if (first !== again) throw new CommandError('The two passwords differ.');
  return first;
}
