/** Exponential backoff with "equal jitter": half the step is fixed, half random, so reconnecting clients spread out. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
