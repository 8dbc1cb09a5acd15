import type { Section } from "./types";

/**
 * Each part of the page gets this long to read its source; past it, it shows "unavailable" and the page answers. A
 * little longer than /health's own store ping (2 s), so that a store that does not answer shows in the hub's part as
 * the store not being ok, rather than as the whole part missing.
 */
export const SECTION_TIMEOUT_MS = 2500;

/** An error's message, or the thrown value in words. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reads one part of the page within `ms`: its facts, or `available: false` with why (the source threw, or did not
 * answer in time). `cancelled()` turns true once the time is up, so a read still under way can stop and clean up.
 */
export async function section<T extends object>(read: (cancelled: () => boolean) => Promise<T>, ms = SECTION_TIMEOUT_MS): Promise<Section<T>> {
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const timeout = new Promise<Section<T>>((resolve) => {
    timer = setTimeout(() => {
      late = true;
      resolve({ available: false, reason: `no answer within ${ms} ms` });
    }, ms);
  });
  const answer = (async (): Promise<Section<T>> => {
    try {
      return { available: true, ...(await read(() => late)) };
    } catch (err) {
      return { available: false, reason: reasonOf(err) };
    }
  })();
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
