/**
 * graphql-js describes a bad variable or literal by repeating it ("Variable "$input" got invalid
 * value { password: "…" }; …", "String cannot represent a non string value: 12345678"): a password
 * sent with a misspelt field would come back in the answer, and land in whatever logs answers. So
 * a request error's message is rebuilt from its parts, and only from names (\w+, which GraphQL
 * names are), never from the value: where it went wrong, and why in words of our own.
 */
export function withoutSubmittedValues(message: string): string {
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (variable) {
    const at = / at "([\w.[\]]+)"; /.exec(message)?.[1];
    return `Variable "$${variable[1]}" got an invalid value${at ? ` at "${at}"` : ''}: ${reason(message)}`;
  }
  const literal = /^Expected value of type "([\w![\]]+)", found /.exec(message);
  if (literal) return `Expected a value of type "${literal[1]}": ${reason(message)}`;
  if (/^Value ".*" does not exist in "\w+" enum/s.test(message)) return reason(message);
  if (/^\w+ cannot represent/.test(message)) return reason(message);
  return message;
}

/** Why a value was refused, in words that repeat no part of it. */
function reason(message: string): string {
  let m: RegExpExecArray | null;
  if ((m = /Field "(\w+)" is not defined by type "(\w+)"/.exec(message))) return `field "${m[1]}" is not defined by type "${m[2]}".`;
  if ((m = /Field "(\w+)" of required type "([\w![\]]+)" was not provided/.exec(message))) return `field "${m[1]}" of required type "${m[2]}" was not provided.`;
  if ((m = /Expected non-nullable type "([\w![\]]+)" not to be null/.exec(message))) return `expected a value of non-null type "${m[1]}".`;
  if ((m = /Expected type "(\w+)" to be an object/.exec(message))) return `expected an object of type "${m[1]}".`;
  if ((m = /does not exist in "(\w+)" enum/.exec(message))) return `the value is not one of the "${m[1]}" enum.`;
  if ((m = /(\w+) cannot represent/.exec(message))) return `the value is not a valid ${m[1]}.`;
  return 'the value is not valid here.';
}
