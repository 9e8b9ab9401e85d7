import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { isUnavailable } from './db/unavailable';
import { withoutSubmittedValues } from './graphql/safe-messages';
import type { Logger } from './logger';

/**
 * The catalog of every code a client can see: stable, UPPER_SNAKE, part of the API. Each has one
 * HTTP status, applied wherever the error arises (a resolver, a plugin, the HTTP layer). Codes
 * about the request as a whole (it is malformed, unauthenticated, rate-limited, too large, or the
 * server failed) carry a 4xx/5xx status; codes about the outcome of one operation answer 200, as
 * GraphQL over HTTP does for application/json, so that GraphQL clients read them as GraphQL errors.
 */
const catalog = {
  // The request
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than 1 MiB.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content encoding or charset.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Not found.' },
  UNAUTHENTICATED: { status: 401, message: 'You must be signed in to do this.' },
  INSUFFICIENT_SCOPE: { status: 403, message: 'This API token may not do that.' },
  // A browser's preflight from a page whose origin is not allowed (CORS_ORIGINS).
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Pages of this origin may not call this API. Its operator can allow the origin with CORS_ORIGINS.' },
  // Authorization: Basic for an account whose sign-in has a second step, which Basic cannot carry.
  SECOND_FACTOR_REQUIRED: { status: 401, message: 'This account signs in with a second factor, which Basic authentication cannot carry. Sign in with `login` instead.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Something went wrong on our side. Please try again.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is unavailable for a moment. Please try again shortly.' },
  // Outcomes of an operation
  BAD_USER_INPUT: { status: 200, message: 'The input is not valid.' },
  FORBIDDEN: { status: 200, message: 'You are not allowed to do this.' },
  NOT_FOUND: { status: 200, message: 'No such credential.' },
  // One message for unknown email, wrong password, disabled account and password-less account.
  INVALID_CREDENTIALS: { status: 200, message: 'Invalid email or password.' },
  REFRESH_TOKEN_REUSED: { status: 200, message: 'This refresh token was already used. Sign in again.' },
  REAUTH_REQUIRED: { status: 200, message: 'Confirm your password to continue.' },
  EMAIL_TAKEN: { status: 200, message: 'An account with this email address already exists.' },
  WEAK_PASSWORD: { status: 200, message: 'Choose a less common password.' },
  // One answer for unknown, used, expired, superseded and wrong-purpose tokens and codes.
  INVALID_TOKEN: { status: 200, message: 'This link or code is invalid or has expired. Ask for a new one.' },
  // One answer for a bad code, verifier, state, nonce or ID token, and for an unreachable provider.
  SOCIAL_LOGIN_FAILED: { status: 200, message: 'Signing in with this provider did not work. Please try again.' },
  SOCIAL_ACCOUNT_TAKEN: { status: 200, message: 'This provider account is already linked to another user.' },
  SOCIAL_EMAIL_IN_USE: { status: 200, message: 'An account with this email address exists. Sign in to it, then link this provider.' },
  PROVIDER_EMAIL_REQUIRED: { status: 200, message: 'The provider did not share a verified email address.' },
  // One answer for a passkey response that does not verify: wrong origin or RP id, another
  // challenge, an unknown or someone else's credential, no user verification, a counter gone back.
  PASSKEY_FAILED: { status: 200, message: 'This passkey could not be verified. Try again, or sign in another way.' },
  LAST_SIGN_IN_METHOD: { status: 200, message: 'This is your last way to sign in. Set a password or link another provider first.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof catalog;
export const ErrorCode = Object.fromEntries(Object.keys(catalog).map((k) => [k, k])) as {
  [K in ErrorCode]: K;
};
export const errorMessages = Object.fromEntries(Object.entries(catalog).map(([k, v]) => [k, v.message])) as Record<ErrorCode, string>;

/**
 * Codes graphql-js and Apollo raise themselves about a request's shape, with the status Apollo
 * answers them with; listed so that every code on the wire has its status in one place.
 */
export const REQUEST_SHAPE_CODES: Readonly<Record<string, number>> = {
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400, // from variable coercion, before execution
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 200,
};

/** The HTTP status of a code (200 for codes this catalog does not know). */
export function httpStatusOf(code: unknown): number {
  return typeof code === 'string' && code in catalog ? catalog[code as ErrorCode].status : 200;
}

export interface AuthErrorOptions {
  /** Human message for the client; defaults to the catalog's message for the code. */
  message?: string;
  /** The input field at fault, for BAD_USER_INPUT. */
  field?: string;
  /** Internal cause: logged, never sent. */
  cause?: unknown;
  /** Further public extensions, e.g. `retryAfter` (seconds) for RATE_LIMITED. */
  extensions?: Record<string, unknown>;
}

/** An error a client caused or may see. Only `code`, `message` and `field` reach the wire. */
export class AuthError extends GraphQLError {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, options: AuthErrorOptions = {}) {
    const extensions: Record<string, unknown> = { code, ...options.extensions };
    if (options.field) extensions.field = options.field;
    // Apollo answers an error raised before execution with this status; the status plugin does
    // the same for errors raised during it.
    const status = catalog[code].status;
    if (status !== 200) extensions.http = { status };
    super(options.message ?? errorMessages[code], { extensions });
    this.name = 'AuthError';
    this.code = code;
    this.field = options.field;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}

/**
 * Apollo `formatError`: AuthErrors and request-shape errors keep their code and message; a
 * database that cannot be used right now is SERVICE_UNAVAILABLE; anything else (a bug, a failed
 * statement) is logged with its cause and masked as INTERNAL_SERVER_ERROR.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AuthError) {
      if (original.cause !== undefined) logger.debug({ err: original.cause, code: original.code }, 'auth error cause');
      const { http: _http, ...extensions } = original.extensions;
      return { message: original.message, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    // Request-level errors (parsing, validation, variable coercion) have no path; an error with a
    // path came out of execution and is masked unless it is one of ours.
    const fromExecution = formatted.path !== undefined;
    // Their messages describe the client's document or variables, never our internals.
    if (!fromExecution && typeof code === 'string' && code in REQUEST_SHAPE_CODES) {
      return { message: withoutSubmittedValues(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    if (isUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'a dependency is unavailable');
      return { message: errorMessages.SERVICE_UNAVAILABLE, path: formatted.path, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL request');
    return { message: errorMessages.INTERNAL_SERVER_ERROR, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
