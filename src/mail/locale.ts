import type { Request } from 'express';
import { negotiateLocale } from './templates';

/** The mail locale for a request, from Accept-Language among the shipped locales. */
export function localeOf(req: Request): string {
  return negotiateLocale(req.get('accept-language'));
}
