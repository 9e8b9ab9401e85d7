import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printGatehouseSchema } from '../src/graphql/print-schema';

/** `npm run schema`: writes schema.graphql from the code. A test fails when the two drift. */
async function main(): Promise<void> {
  writeFileSync(join(__dirname, '..', 'schema.graphql'), await printGatehouseSchema());
}

void main();
