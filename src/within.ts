/**
 * Waits for `work` at most `ms`: true when it settled in time (even by failing), false when it
 * did not. For shutdown steps, which must each end even when a dependency never answers.
 */
export function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([work.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}
