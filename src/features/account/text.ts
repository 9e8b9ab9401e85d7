import { AuthError, ErrorCode } from '../../errors';

// Control characters (including CR/LF and Unicode line separators) in a user-chosen label would
// let it forge lines in mail headers and logs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Bidirectional controls (embeddings, overrides, isolates, marks) reorder what is shown around
// them ("Trojan Source"), and invisible characters make two labels look identical: either lets a
// name impersonate another in a mail or a device list. A zero-width joiner is allowed only inside
// an emoji sequence (👩‍💻), where it is the standard way to build one.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\u00ad\u180e\u200b\u200c\u2060-\u2064\ufeff]/;
const MAX_DISPLAY_NAME_LENGTH = 100;
const STRAY_JOINER = /(?<![\p{Extended_Pictographic}\ufe0f])\u200d|\u200d(?!\p{Extended_Pictographic})/u;

/** A trimmed, printable label of 1 to `max` characters, or null when it is not one. */
export function parseLabel(raw: string, max: number): string | null {
  const label = raw.trim();
  if (label.length === 0 || label.length > max) return null;
  if (CONTROL_CHARACTERS.test(label) || BIDI_CONTROLS.test(label) || INVISIBLE.test(label) || STRAY_JOINER.test(label)) return null;
  return label;
}

/** A display name: null (none) for nothing or blanks, else a printable label; BAD_USER_INPUT otherwise. */
export function parseDisplayName(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const name = parseLabel(raw, MAX_DISPLAY_NAME_LENGTH);
  if (name === null) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, {
      field: 'displayName',
      message: `Use at most ${MAX_DISPLAY_NAME_LENGTH} printable characters.`,
    });
  }
  return name;
}
