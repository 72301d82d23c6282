/**
 * Calls `fn` for each item in order, with at most `limit` calls in flight, and resolves to their results in
 * the items' order. Calls start in order, so what each draws before its first await (a factory's seeded
 * content) is the same as with one `Promise.all`. For tests that write many rows to set a scene: a burst of
 * them at once tests the deployment's pool (the original's 6+3 connections answered 500s), not the guarantee.
 */
export async function inFlight<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
