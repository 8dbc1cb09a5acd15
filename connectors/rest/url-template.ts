/**
 * URL templates: `/shipments/{{payload.shipmentId}}/events?since={{since}}`. Each `{{path}}` is a property of the
 * message (`payload.shipmentId`, `msg.` in front is allowed), replaced by its value URL-encoded as one component
 * (a `/` in the value becomes `%2F`, so a value never changes which resource is meant).
 */

export class UrlTemplateError extends Error {
  override name = "UrlTemplateError";
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** A property of `source` by its path (`payload.lines[0].sku`; `msg.` in front is allowed). */
export function lookup(source: unknown, path: string): unknown {
  path = path.replace(/^msg\./, "");
  let at: unknown = source;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** The property paths a template names, in order ("payload.shipmentId"). */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1].replace(/^msg\./, ""));
}

/** The template with every placeholder replaced; throws UrlTemplateError naming the property that has no value. */
export function expandUrl(template: string, msg: object): string {
  return template.replace(PLACEHOLDER, (_whole, raw: string) => {
    const path = raw.replace(/^msg\./, "");
    if (path === "") throw new UrlTemplateError(`URL template ${template}: an empty {{}}`);
    const value = lookup(msg, path);
    if (value === undefined || value === null || value === "") {
      throw new UrlTemplateError(`URL template ${template}: msg.${path} is missing${value === "" ? " (empty)" : value === null ? " (null)" : ""}`);
    }
    if (typeof value === "object") throw new UrlTemplateError(`URL template ${template}: msg.${path} is an ${Array.isArray(value) ? "array" : "object"}, not a value`);
    return encodeURIComponent(String(value));
  });
}

/**
 * A path joined to a base URL as text: `http://tms/api/v1` + `/shipments/7` is `http://tms/api/v1/shipments/7` (URL
 * resolution would drop `/api/v1`). A path that is a whole http(s) URL is taken as it is.
 */
export function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  if (path === "") return base;
  const left = base.replace(/\/+$/, "");
  if (path.startsWith("?")) return `${left}${path}`;
  return `${left}/${path.replace(/^\/+/, "")}`;
}
