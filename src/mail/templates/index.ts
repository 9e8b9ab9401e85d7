import { de } from './de';
import { en } from './en';
import type { MailTemplates } from './types';

export type { MailTemplates } from './types';

/** The shipped locales. Add one by adding a file like en.ts and listing it here. */
const LOCALES: Record<string, MailTemplates> = { en, de };
export const DEFAULT_LOCALE = 'en';
export const SHIPPED_LOCALES: readonly string[] = Object.keys(LOCALES);

export function templatesFor(locale: string): MailTemplates {
  return LOCALES[locale] ?? LOCALES[DEFAULT_LOCALE]!;
}

/** The best shipped locale for an Accept-Language header (RFC 9110 §12.5.4), else the default. */
export function negotiateLocale(acceptLanguage: string | undefined): string {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { language: (tag ?? '').toLowerCase().split('-')[0]!, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.find((r) => r.language in LOCALES)?.language ?? DEFAULT_LOCALE;
}
