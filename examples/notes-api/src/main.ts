import 'reflect-metadata';
import { createNotesApi } from './app';

// `npx tsx examples/notes-api/src/main.ts`: the embedded PostgreSQL unless DATABASE_URL is set.
createNotesApi({ ...process.env }).then(async (api) => {
  const port = await api.listen();
  console.log(`notes API on http://localhost:${port}/graphql`);
  process.once('SIGTERM', () => void api.close().then(() => process.exit(0)));
  process.once('SIGINT', () => void api.close().then(() => process.exit(0)));
});
