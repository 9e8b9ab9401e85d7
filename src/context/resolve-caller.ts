import { Passport } from 'passport';
import type { Services } from '../services';
import { ANONYMOUS, type AuthenticatedCaller, type AuthMethod, type Caller } from './context';
import { createApiTokenStrategy, createJwtStrategy, createSessionTokenStrategy } from './strategies/bearer.strategies';
import { createCredentialSelector, STRATEGY, type StrategyName } from './strategies/credential-sources';
import { createBasicStrategy, createTrustedProxyStrategy } from './strategies/password.strategies';
import { createSessionCookieStrategy } from './strategies/session-cookie.strategy';
import type { RequestInfo, ResponseEffects } from './request-info';
import type { StrategyRequest } from './strategies/strategy-support';
import type { LazyEm } from './user-cache';

export type ResolveCaller = (em: LazyEm, request: RequestInfo, effects: ResponseEffects) => Promise<Caller>;

const METHOD_OF: Record<StrategyName, AuthMethod> = {
  [STRATEGY.SESSION_TOKEN]: 'SESSION_TOKEN',
  [STRATEGY.API_TOKEN]: 'API_TOKEN',
  [STRATEGY.JWT]: 'JWT',
  [STRATEGY.BASIC]: 'BASIC',
  [STRATEGY.PROXY]: 'PROXY',
  [STRATEGY.COOKIE]: 'COOKIE',
};

/**
 * Builds the one function that answers "who is calling?": it picks the single credential the
 * request carries (see createCredentialSelector for the precedence order) and runs that kind's
 * passport strategy on a private passport instance (no global state, no passport sessions).
 */
export function createCallerResolver(services: Services): ResolveCaller {
  const passport = new Passport();
  passport.use(STRATEGY.SESSION_TOKEN, createSessionTokenStrategy(services));
  passport.use(STRATEGY.API_TOKEN, createApiTokenStrategy(services));
  passport.use(STRATEGY.JWT, createJwtStrategy(services));
  passport.use(STRATEGY.BASIC, createBasicStrategy(services));
  passport.use(STRATEGY.PROXY, createTrustedProxyStrategy(services));
  passport.use(STRATEGY.COOKIE, createSessionCookieStrategy(services));
  const selectCredential = createCredentialSelector(services.config);

  return async (em, request, effects) => {
    const strategy = selectCredential(request);
    if (strategy === null) return ANONYMOUS;
    // An Authorization header we cannot even classify is a failed credential all the same.
    if (strategy === 'unusable') return { kind: 'rejected', method: 'UNKNOWN' };
    const caller = await runStrategy(passport, strategy, { info: request, effects, em });
    return caller ?? { kind: 'rejected', method: METHOD_OF[strategy] };
  };
}

/**
 * Runs a strategy with a custom callback, so passport never writes to a response itself; its
 * "request" is the StrategyRequest (passport needs no more of it than an object to decorate).
 */
function runStrategy(passport: InstanceType<typeof Passport>, name: string, request: StrategyRequest): Promise<AuthenticatedCaller | null> {
  return new Promise((resolve, reject) => {
    const middleware = passport.authenticate(name, { session: false }, (error: unknown, caller: AuthenticatedCaller | false) =>
      error ? reject(error) : resolve(caller || null),
    ) as (req: StrategyRequest, res: null, next: (error?: unknown) => void) => void;
    middleware(request, null, (error?: unknown) => (error ? reject(error) : resolve(null)));
  });
}
