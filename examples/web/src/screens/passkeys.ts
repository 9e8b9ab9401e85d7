import { browserSupportsWebAuthnAutofill, startAuthentication, startRegistration } from '@simplewebauthn/browser';

type Json = Record<string, unknown>;

/** The browser's passkey prompt for Gatehouse's request options; the response goes back as JSON. */
export async function askForPasskey(options: Json, autofill = false): Promise<Json> {
  return (await startAuthentication({ optionsJSON: options as never, useBrowserAutofill: autofill })) as unknown as Json;
}

export async function createPasskey(options: Json): Promise<Json> {
  return (await startRegistration({ optionsJSON: options as never })) as unknown as Json;
}

export { browserSupportsWebAuthnAutofill };
