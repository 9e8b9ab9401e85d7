import { randomBytes } from 'node:crypto';
import { sql, type TestServer } from './test-server';

export interface InjectedFault {
  /** Removes the fault: the same statements succeed again. */
  remove(): Promise<void>;
}

/**
 * Makes PostgreSQL itself fail one kind of statement midway through an operation, as a killed or
 * timed-out statement would: a BEFORE trigger on `table` raises for the rows matching `when` (SQL
 * over NEW or OLD). Only the rows of the test's own user match, so other tests are untouched.
 */
export async function injectFault(
  server: TestServer,
  table: string,
  event: 'insert' | 'update' | 'delete',
  when: string,
): Promise<InjectedFault> {
  const name = `test_fault_${randomBytes(4).toString('hex')}`;
  await sql(
    server,
    `create function ${name}() returns trigger language plpgsql as $$
       begin
         if ${when} then raise exception 'injected fault in %', tg_table_name; end if;
         if tg_op = 'DELETE' then return old; end if;
         return new;
       end $$`,
  );
  await sql(server, `create trigger ${name} before ${event} on ${table} for each row execute function ${name}()`);
  return {
    async remove() {
      await sql(server, `drop trigger ${name} on ${table}`);
      await sql(server, `drop function ${name}()`);
    },
  };
}

/** A quoted SQL literal for a value the test made itself (an id, an address). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
