import accepts from 'accepts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';

/**
 * What every response may do once it reaches a browser: nothing. An API answer is never a page
 * (no scripts, no styles, no frames), and no page of ours may be framed (clickjacking): the CSP's
 * `frame-ancestors 'none'`, and X-Frame-Options for browsers that predate it.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// Apollo Sandbox's landing page (development only) loads its app from Apollo's CDNs and embeds it
// in an iframe; this allows exactly that. The page's own meta CSP narrows scripts to its nonce.
const CDN = 'https://apollo-server-landing-page.cdn.apollographql.com https://embeddable-sandbox.cdn.apollographql.com https://embeddable-explorer.cdn.apollographql.com';
const SANDBOX_CSP = [
  "default-src 'none'",
  `script-src 'self' 'unsafe-inline' ${CDN}`,
  `style-src 'unsafe-inline' ${CDN} https://fonts.googleapis.com`,
  'font-src https://fonts.gstatic.com',
  'img-src https://apollo-server-landing-page.cdn.apollographql.com',
  'manifest-src https://apollo-server-landing-page.cdn.apollographql.com',
  'frame-src https://sandbox.embed.apollographql.com https://explorer.embed.apollographql.com',
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** HSTS for two years once in production, where every request is https (COOKIE_SECURE=true). */
const HSTS = 'max-age=63072000; includeSubDomains';

/** The headers of every response; the Sandbox page gets a CSP that allows what it loads. */
export function securityHeaders(config: Pick<Config, 'env' | 'graphql'>, graphqlPath: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Frame-Options', 'DENY');
    const landingPage =
      config.graphql.landingPage && request.method === 'GET' && request.url.split('?')[0] === graphqlPath && accepts(request.raw).type(['application/json', 'text/html']) === 'text/html';
    reply.header('Content-Security-Policy', landingPage ? SANDBOX_CSP : API_CSP);
    if (config.env === 'production') reply.header('Strict-Transport-Security', HSTS);
  };
}
