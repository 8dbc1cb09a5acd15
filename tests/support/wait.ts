/**
 * Waiting for a condition instead of for a fixed time: a fixed sleep is either too short on a busy machine (the test
 * fails for nothing) or longer than needed everywhere else.
 */

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy, and returns that; fails naming `what` and the last value seen. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last)}`);
    await pause(everyMs);
  }
}

/** Resolves once `count()` has not changed for `quietMs` (something still arriving keeps it waiting). */
export async function quietFor(count: () => number, quietMs: number): Promise<number> {
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await pause(Math.min(50, quietMs));
    const now = count();
    if (now !== last) (last = now), (since = Date.now());
  }
  return last;
}
