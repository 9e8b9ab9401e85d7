import type { RequestInfo } from '../context/request-info';
import { negotiateLocale } from './templates';

/** The mail locale for a request, from Accept-Language among the shipped locales. */
export function localeOf(request: RequestInfo): string {
  return negotiateLocale(request.header('accept-language'));
}
