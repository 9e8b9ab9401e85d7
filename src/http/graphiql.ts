import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GRAPHIQL_PATH } from '../graphql/plugins/landing-page';
import type { Logger } from '../logger';


/** GraphiQL 3's browser build and the React 18 it runs on, from node_modules: nothing from a CDN. */
const ASSETS = {
  'react.js': ['react/umd/react.production.min.js', 'text/javascript'],
  'react-dom.js': ['react-dom/umd/react-dom.production.min.js', 'text/javascript'],
  'graphiql.js': ['graphiql/graphiql.min.js', 'text/javascript'],
  'graphiql.css': ['graphiql/graphiql.min.css', 'text/css'],
} as const;

/** Only what the page loads from here; GraphiQL's editor sets inline styles, nothing else is inline. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · Gatehouse</title>
  <link rel="stylesheet" href="${GRAPHIQL_PATH}/graphiql.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_PATH}/react.js"></script>
  <script src="${GRAPHIQL_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_PATH}/graphiql.js"></script>
  <script src="${GRAPHIQL_PATH}/start.js"></script>
</body>
</html>`;

/** Same origin as the API, with the session cookie, as a signed-in page would call it. */
const start = (graphqlPath: string) => `'use strict';
const fetcher = GraphiQL.createFetcher({
  url: new URL(${JSON.stringify(graphqlPath)}, window.location.href).href,
  fetch: (url, init) => window.fetch(url, { ...init, credentials: 'include' }),
});
ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher, shouldPersistHeaders: false }));
`;

/**
 * A GraphQL IDE that needs no internet, for development: GraphiQL served by Gatehouse at
 * /graphiql (Apollo Sandbox, the landing page, loads from Apollo's CDN). GraphiQL, React and
 * React DOM are development dependencies of Gatehouse; where they are not installed (an app's
 * production install), the page is not served and the log says what to install.
 */
export function graphiqlRoute(graphqlPath: string, logger: Logger) {
  return async (scope: FastifyInstance) => {
    const require = createRequire(__filename);
    const files = new Map<string, { path: string; type: string }>();
    try {
      // By the package's folder: React 18 does not export its UMD files by name.
      for (const [name, [module, type]] of Object.entries(ASSETS)) {
        const [pkg, ...rest] = module.split('/');
        files.set(name, { path: join(dirname(require.resolve(`${pkg}/package.json`)), ...rest), type });
      }
    } catch {
      logger.info('GraphiQL is not installed, so /graphiql is not served (npm install -D graphiql@3 react@18 react-dom@18)');
      return;
    }
    const cache = new Map<string, Buffer>();
    scope.get(GRAPHIQL_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').header('Content-Security-Policy', CSP).send(page));
    scope.get(`${GRAPHIQL_PATH}/start.js`, async (_request, reply) => reply.type('text/javascript').send(start(graphqlPath)));
    scope.get<{ Params: { name: string } }>(`${GRAPHIQL_PATH}/:name`, async (request, reply) => {
      const file = files.get(request.params.name);
      if (!file) return reply.callNotFound();
      if (!cache.has(request.params.name)) cache.set(request.params.name, readFileSync(file.path));
      return reply.type(file.type).header('Cache-Control', 'public, max-age=3600').send(cache.get(request.params.name));
    });
  };
}
