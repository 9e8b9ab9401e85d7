import { useState } from 'react';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

export interface ShownError {
  code: string;
  message: string;
}

/**
 * Gatehouse's errors by their stable `extensions.code`: GraphQL errors of an operation (200), and
 * request-level ones that come with an HTTP status (401, 403, 429, 503) and the same JSON body.
 */
export function shownError(error: unknown): ShownError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    return { code: String(first?.extensions?.code ?? 'UNKNOWN'), message: first?.message ?? error.message };
  }
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { message: string; extensions?: { code?: string } }[] };
      const first = body.errors?.[0];
      if (first) return { code: first.extensions?.code ?? 'UNKNOWN', message: first.message };
    } catch {
      // not our JSON: fall through
    }
  }
  return { code: 'NETWORK_ERROR', message: 'Gatehouse could not be reached. Is it running, and is this origin allowed?' };
}

export function ErrorMessage({ error }: { error: ShownError | null }) {
  if (!error) return null;
  return (
    <p role="alert" data-code={error.code}>
      <strong>{error.code}</strong>: {error.message}
    </p>
  );
}

/** Runs one action of a screen: remembers its error (shown by its code) and whether it is running. */
export function useAction() {
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (caught) {
      setError(shownError(caught));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { run, error, busy };
}
