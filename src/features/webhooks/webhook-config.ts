import { z } from 'zod';

/** Every event the database triggers write (migration Migration20261201184618); the README lists their payloads. */
export const WEBHOOK_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'user.signed_in',
  'session.revoked',
  'password.changed',
  'role.changed',
  'second_factor.changed',
  'social_account.linked',
  'social_account.unlinked',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A receiver of events (one entry of WEBHOOK_ENDPOINTS). */
export interface WebhookEndpointSpec {
  /** A short name: the admin API's `endpoint`, and the row the triggers write for. */
  id: string;
  url: string;
  /** Standard Webhooks' symmetric secret, `whsec_` and base64 (at least 24 bytes). */
  secret: string;
  /**
   * Secrets being rotated out: each delivery is signed with these too (Standard Webhooks allows
   * several signatures), so a receiver still on the old secret verifies until it has the new one.
   */
  previousSecrets?: string[];
  /** The event types it receives; all of them when absent or empty. */
  events?: WebhookEventType[];
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64 (e.g. whsec_ and `openssl rand -base64 32`)')
  .refine((value) => Buffer.from(value.slice('whsec_'.length), 'base64').length >= 24, 'must hold at least 24 random bytes');

const endpoint = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a short lower-case name such as crm'),
  // Events name users and their sessions: they travel over TLS. Plain http only to this machine
  // (a local relay or a test receiver), as RFC 8252 allows for loopback redirects.
  url: z.url({ protocol: /^https?$/ }).refine((url) => {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || LOOPBACK_HOSTS.has(parsed.hostname);
  }, 'must be an https:// URL (http:// only for localhost)'),
  secret,
  previousSecrets: z.array(secret).max(3).optional(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).optional(),
});

const endpoints = z
  .array(endpoint)
  .refine((list) => new Set(list.map((e) => e.id)).size === list.length, 'each endpoint needs its own id');

/** WEBHOOK_ENDPOINTS (a JSON array) into endpoint specs; throws with every problem named. */
export function parseWebhookEndpoints(json: string | undefined): WebhookEndpointSpec[] {
  if (json === undefined || json.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('WEBHOOK_ENDPOINTS must be a JSON array of { "id", "url", "secret", "events"? }');
  }
  const parsed = endpoints.safeParse(value);
  if (!parsed.success) throw new Error(`WEBHOOK_ENDPOINTS: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'list'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
