import { createGatehouse, type GatehouseSettings } from 'gatehouse';
import { join } from 'node:path';
import { Note } from './note.entity';
import { NotesResolver } from './notes.resolver';

/** The notes API: Gatehouse with the app's entity, resolver and migrations. */
export function createNotesApi(settings: GatehouseSettings) {
  return createGatehouse({
    settings,
    resolvers: [NotesResolver],
    entities: [Note],
    migrations: { path: join(__dirname, '..', 'migrations') },
  });
}
