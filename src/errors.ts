import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { accountEmailErrors } from './features/account-emails/account-emails.errors';
import { apiTokenErrors } from './features/api-tokens/api-tokens.errors';
import { rateLimitErrors } from './features/rate-limits/rate-limits.errors';
import { registrationErrors } from './features/registration/registration.errors';
import { socialLoginErrors } from './features/social-login/social-login.errors';
import { sessionErrors } from './features/sessions/sessions.errors';
import { withoutSubmittedValues } from './graphql/safe-messages';
import type { Logger } from './logger';

const coreErrors = {
  BAD_USER_INPUT: 'The input is not valid.',
  FORBIDDEN: 'You are not allowed to do this.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side. Please try again.',
} as const;

/** The catalog of every code a client can see: stable, UPPER_SNAKE, part of the API. */
export const errorMessages = {
  ...coreErrors,
  ...sessionErrors,
  ...registrationErrors,
  ...apiTokenErrors,
  ...accountEmailErrors,
  ...socialLoginErrors,
  ...rateLimitErrors,
} as const;
export type ErrorCode = keyof typeof errorMessages;
export const ErrorCode = Object.fromEntries(Object.keys(errorMessages).map((k) => [k, k])) as {
  [K in ErrorCode]: K;
};

export interface AuthErrorOptions {
  /** Human message for the client; defaults to the catalog's message for the code. */
  message?: string;
  /** The input field at fault, for BAD_USER_INPUT. */
  field?: string;
  /** Internal cause: logged, never sent. */
  cause?: unknown;
  /** HTTP status for errors raised before execution (the whole request fails). */
  http?: number;
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
    if (options.http) extensions.http = { status: options.http };
    super(options.message ?? errorMessages[code], { extensions });
    this.name = 'AuthError';
    this.code = code;
    this.field = options.field;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}

// Errors graphql-js and Apollo raise themselves about the request's shape: their messages describe
// the client's document or variables, never our internals, so they pass through.
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Apollo `formatError`: AuthErrors and request-shape errors keep their code and message;
 * anything else (a bug, a database or driver error) is logged with its cause and masked.
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
    if (!fromExecution && typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
      return { message: withoutSubmittedValues(formatted.message), locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL request');
    return { message: errorMessages.INTERNAL_SERVER_ERROR, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
