import { AuthError, ErrorCode } from '../errors';

/** An opaque page cursor: its parts as base64url JSON. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** BAD_USER_INPUT on `after`: a crafted cursor must not reach the database. */
export function invalidCursor(message = 'This cursor is not valid. Use the endCursor of a page.'): AuthError {
  return new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'after', message });
}

/** The `length` string parts of a cursor this server made, or `invalid()`; callers check each part's form. */
export function cursorParts(cursor: string, length: number, invalid: () => AuthError = () => invalidCursor()): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== length || !decoded.every((part) => typeof part === 'string')) throw invalid();
  return decoded as string[];
}

/** The most items one page may hold (the admin API's lists). */
export const MAX_PAGE = 100;

/** `first` as asked, or BAD_USER_INPUT outside 1 to MAX_PAGE. */
export function pageSize(first: number): number {
  if (first < 1 || first > MAX_PAGE) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'first', message: `Ask for 1 to ${MAX_PAGE}.` });
  return first;
}
