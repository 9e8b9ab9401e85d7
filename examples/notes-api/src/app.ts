import { createGatehouse, type GatehouseOptions, type GatehouseSettings } from 'gatehouse';
import { join } from 'node:path';
import { Note } from './note.entity';
import { NotesResolver } from './notes.resolver';

/** The notes API: Gatehouse with the app's entity, resolver and migrations. */
export function createNotesApi(settings: GatehouseSettings, options: Pick<GatehouseOptions, 'logger' | 'clock'> = {}) {
  return createGatehouse({
    ...options,
    settings,
    resolvers: [NotesResolver],
    entities: [Note],
    migrations: { path: join(__dirname, '..', 'migrations') },
  });
}
