import { createHash } from "node:crypto";

/** A message id for a body that came without one: the same bytes always get the same id, so redeliveries keep it. */
export function bodyMessageId(content: Buffer): string {
  return `sha256:${createHash("sha256").update(content).digest("hex").slice(0, 32)}`;
}
