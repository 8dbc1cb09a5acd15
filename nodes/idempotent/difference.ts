/**
 * The first place where two JSON values differ, as a path and both values (`buyer.id: "C-1001" before, now "C-2002"`), or
 * undefined when they are equal. Properties named in `ignore` are left out at the top level only (e.g. `source`:
 * which channel and transmission brought a document does not make it another order).
 */
export function firstDifference(before: unknown, after: unknown, ignore: ReadonlySet<string> = new Set()): string | undefined {
  return differ(before, after, "", ignore);
}

function differ(a: unknown, b: unknown, path: string, ignore: ReadonlySet<string>): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const at = `${path}[${i}]`;
      if (i >= a.length) return `${at}: none before, now ${show(b[i])}`;
      if (i >= b.length) return `${at}: ${show(a[i])} before, now none`;
      const d = differ(a[i], b[i], at, ignore);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (path === "" && ignore.has(key)) continue;
      const d = differ(a[key], b[key], path ? `${path}.${key}` : key, ignore);
      if (d) return d;
    }
    return undefined;
  }
  return `${path || "(the whole value)"}: ${show(a)} before, now ${show(b)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as a reader would want it in one line: short JSON, long values cut. */
function show(v: unknown): string {
  if (v === undefined) return "none";
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
