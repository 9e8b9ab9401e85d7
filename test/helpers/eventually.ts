/**
 * Retries an assertion until it passes or `withinMs` runs out. For effects that are promised
 * "within a bound" (revocation reaching every instance within one second), never for hiding
 * slowness: the bound is the requirement under test.
 */
export async function eventually(assertion: () => Promise<void>, withinMs = 1000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** Runs `work` and says how long it took: for bounds a fault test asserts (a few seconds, never a hang). */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}
