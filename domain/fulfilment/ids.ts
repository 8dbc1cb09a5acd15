/**
 * Document ids the hub gives: the same facts always give the same id, so a repeated event makes the same delivery note
 * or invoice again instead of a second one. A 53-bit string hash (cyrb53), printed in base 36: short enough for a
 * person to read out, and with the order key in its input, two buyers' orders with the same number get different ids.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** `<prefix>-<11 base-36 characters>` from the parts, joined by "|": `DN-0K3F9Z0A2BX`. */
export function documentId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${hash53(parts.join("|")).toString(36).toUpperCase().padStart(11, "0")}`;
}
