import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** examples/web: the frontend a team would copy. */
export const WEB_ROOT = join(__dirname, '..', '..', 'examples', 'web');

export interface WebExample {
  /** The app's origin, e.g. http://localhost:5173. */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds examples/web with Vite (its own vite.config.ts) for `graphqlUrl`, as `npm run build`
 * would with VITE_GATEHOUSE_URL set, and serves the build with `vite preview` on `port`
 * (localhost), falling back to index.html for the app's paths, as any static host would;
 * `serveAlso` serves the same build on another host and port.
 */
export async function startWebExample(port: number, graphqlUrl: string): Promise<WebExample & { serveAlso(host: string, port: number): Promise<WebExample> }> {
  const { build, preview } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'gatehouse-web-'));
  const shared = { root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' as const };
  await build({ ...shared, build: { outDir, emptyOutDir: true }, define: { 'import.meta.env.VITE_GATEHOUSE_URL': JSON.stringify(graphqlUrl) } });
  const serve = async (host: string, on: number): Promise<WebExample> => {
    const server = await preview({ ...shared, build: { outDir }, preview: { port: on, host, strictPort: true } });
    return { url: `http://${host}:${on}`, close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())) };
  };
  // The same build served from another origin too (a team opening http://127.0.0.1 instead of localhost).
  return { ...(await serve('localhost', port)), serveAlso: serve };
}
