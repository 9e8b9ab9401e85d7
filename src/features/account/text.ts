// Control characters (including CR/LF and Unicode line separators) in a user-chosen label would
// let it forge lines in mail headers and logs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A trimmed, printable label of 1 to `max` characters, or null when it is not one. */
export function parseLabel(raw: string, max: number): string | null {
  const label = raw.trim();
  if (label.length === 0 || label.length > max || CONTROL_CHARACTERS.test(label)) return null;
  return label;
}
