import { z } from 'zod';
import { AuthError, ErrorCode } from '../../errors';
import { parseLabel } from '../account/text';

/**
 * Profile fields an app declares (PROFILE_FIELDS), Django's custom user model and Better Auth's
 * `additionalFields`: typed in the GraphQL schema (`User.profile`), validated here on `register`
 * and `updateMe`, stored in `users.profile` (jsonb: a new field needs no migration).
 */
export interface ProfileFieldSpec {
  name: string;
  type: 'string' | 'boolean' | 'int' | 'enum' | 'date';
  /** `register` must give it (unless it has a default), and `updateMe` cannot clear it. */
  required?: boolean;
  /** Stored at registration and shown for accounts that never set it; makes the GraphQL field non-null. */
  default?: string | number | boolean | null;
  /** Strings: at most this many characters (200 unless set). */
  maxLength?: number;
  /** Ints: bounds. */
  min?: number;
  max?: number;
  /** Enums: the allowed values (GraphQL enum value names). */
  values?: string[];
  /** `user` (the default): the user sets it on `register` and `updateMe`; `admin`: only operators do. */
  editableBy?: 'user' | 'admin';
}

export type ProfileValues = Record<string, string | number | boolean | null>;

const RESERVED = new Set(['id', 'email', 'password', 'roles', 'emailVerified', '__typename']);
const DEFAULT_MAX_LENGTH = 200;

const specSchema = z
  .object({
    name: z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'must be a camelCase name such as company'),
    type: z.enum(['string', 'boolean', 'int', 'enum', 'date']),
    required: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    maxLength: z.number().int().min(1).max(10_000).optional(),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    values: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'enum values must be GraphQL names such as PRO')).min(1).optional(),
    editableBy: z.enum(['user', 'admin']).optional(),
  })
  .strict()
  .refine((s) => !RESERVED.has(s.name), { message: 'is a name Gatehouse uses' })
  .refine((s) => s.type !== 'enum' || s.values !== undefined, { message: 'an enum field needs values' })
  .refine((s) => s.editableBy !== 'admin' || !s.required || s.default !== undefined, { message: 'a required admin-only field needs a default' });

/** PROFILE_FIELDS (JSON): the field specs, each checked, names unique, defaults valid for their type. */
export function parseProfileFields(json: string | undefined): ProfileFieldSpec[] {
  if (json === undefined || json.trim() === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('PROFILE_FIELDS must be a JSON array of field specs');
  }
  const specs = z.array(specSchema).max(50).parse(raw) as ProfileFieldSpec[];
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`PROFILE_FIELDS: ${spec.name} is declared twice`);
    names.add(spec.name);
    if (spec.default !== undefined && spec.default !== null && !valueSchema(spec).safeParse(spec.default).success) {
      throw new Error(`PROFILE_FIELDS: the default of ${spec.name} is not a valid ${spec.type}`);
    }
  }
  return specs;
}

/** What a value of the field must be (before the required/null rules). */
function valueSchema(spec: ProfileFieldSpec): z.ZodType {
  switch (spec.type) {
    case 'string':
      return z.string().transform((raw, ctx) => {
        // One printable line: profile values end up in mails, logs and other people's screens.
        const label = raw.trim() === '' ? '' : parseLabel(raw, spec.maxLength ?? DEFAULT_MAX_LENGTH);
        if (label === null) ctx.addIssue({ code: 'custom', message: `Use at most ${spec.maxLength ?? DEFAULT_MAX_LENGTH} printable characters.` });
        return label ?? '';
      });
    case 'boolean':
      return z.boolean();
    case 'int':
      return z.number().int().min(spec.min ?? -2_147_483_648).max(spec.max ?? 2_147_483_647);
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'date':
      return z.iso.date();
  }
}

/**
 * Checks profile input. `register`: every user-editable field may be given, required ones must
 * be (unless they have a default), and defaults fill the rest; `update`: only the fields given
 * change, and `null` clears one that is not required; `admin`: like update, for every field.
 * BAD_USER_INPUT names the field as `profile.<name>`.
 */
export function checkProfile(specs: readonly ProfileFieldSpec[], input: Record<string, unknown> | null | undefined, mode: 'register' | 'update' | 'admin'): ProfileValues {
  const given = input ?? {};
  const values: ProfileValues = {};
  for (const spec of specs) {
    const editable = mode === 'admin' || (spec.editableBy ?? 'user') === 'user';
    const field = `profile.${spec.name}`;
    if (!(spec.name in given) || given[spec.name] === undefined) {
      if (mode !== 'register') continue;
      if (spec.required && spec.default === undefined && editable) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'This field is required.' });
      if (spec.default !== undefined) values[spec.name] = spec.default;
      continue;
    }
    if (!editable) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'Only an administrator can set this field.' });
    const raw = given[spec.name];
    if (raw === null || raw === '') {
      if (spec.required) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'This field is required.' });
      values[spec.name] = null;
      continue;
    }
    const parsed = valueSchema(spec).safeParse(raw);
    if (!parsed.success) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: parsed.error.issues[0]?.message ?? 'This value is not valid.' });
    values[spec.name] = parsed.data as string | number | boolean;
  }
  return values;
}

/** A user's profile as shown: stored values, the default for a field never set, else null. */
export function readProfile(specs: readonly ProfileFieldSpec[], stored: Record<string, unknown> | null | undefined): ProfileValues {
  const values: ProfileValues = {};
  for (const spec of specs) {
    const value = stored?.[spec.name];
    values[spec.name] = value === undefined ? (spec.default ?? null) : (value as ProfileValues[string]);
  }
  return values;
}
