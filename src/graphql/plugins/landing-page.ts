import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** Where Gatehouse serves GraphiQL in development (src/http/graphiql.ts): no internet needed. */
export const GRAPHIQL_PATH = '/graphiql';

const APOLLO_OFFLINE = /<p>Apollo Sandbox cannot be loaded;[^<]*<\/p>/;
const HINT = `<p>Apollo Sandbox cannot be loaded: it comes from Apollo's CDN, which this browser cannot reach.</p>
  <p>Use the GraphiQL that Gatehouse serves itself, which needs no internet: <a href="${GRAPHIQL_PATH}">${GRAPHIQL_PATH}</a> (it sends your session cookie).</p>`;

/**
 * Apollo Sandbox as the development landing page (embedded, with cookies), whose offline notice
 * says where to go instead: Apollo's own only says that Sandbox cannot be loaded.
 */
export function sandboxLandingPage(): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          const html = typeof page.html === 'function' ? await page.html() : page.html;
          const hinted = APOLLO_OFFLINE.test(html) ? html.replace(APOLLO_OFFLINE, HINT) : html.replace('</body>', `<div>${HINT}</div></body>`);
          // Sandbox's empty container covers the notice (and its link) when Sandbox never loaded.
          return { html: hinted.replace('#embeddableSandbox {', '#embeddableSandbox:empty { display: none; }\n  #embeddableSandbox {') };
        },
      };
    },
  };
}
