import { type RequestInfo, withCredentials } from '../context/request-info';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The content types a page on any site can send with a form or `fetch` without a CORS preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Headers no cross-site form can set, the same that satisfy Apollo's CSRF prevention. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name', 'x-requested-with'];

/**
 * An app route's request as credential resolution should see it: the session cookie counts for
 * a state-changing method only when the request could not have come from another site's form
 * (a non-simple content type, or a header such a form cannot set): the CSRF rule Apollo applies
 * to GraphQL, applied to the app's own routes. Bearer credentials are unaffected.
 */
export function csrfSafe(request: RequestInfo): RequestInfo {
  if (SAFE_METHODS.has(request.method) || !couldBeCrossSite(request)) return request;
  return withCredentials(request, { cookies: false });
}

function couldBeCrossSite(request: RequestInfo): boolean {
  if (PREFLIGHT_HEADERS.some((name) => request.header(name) !== undefined)) return false;
  const type = request.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' || SIMPLE_TYPES.has(type);
}
