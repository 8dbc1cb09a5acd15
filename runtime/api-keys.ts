import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { logger } from "../observability/logger";
import { unauthorizedTotal } from "../observability/metrics";
import { getHubStore } from "../store";
import type { ApiKeyRow } from "../store/api-key-store";
import type { HubStore } from "../store/types";
import { isLoopback } from "./admin-security";

/**
 * Inbound security for /api: every business system calls with a key of its own (`Authorization: Bearer <key>` or
 * `X-Api-Key: <key>`), issued with `orderhub keys add <system>` and kept in the store as a hash. While no active key
 * exists (a fresh install, the tests, the demo) /api answers loopback callers only, as the editor does without
 * ORDERHUB_ADMIN_PASSWORD. `GET /api/version` stays open. `/metrics` has a key of its own (ORDERHUB_METRICS_KEY).
 */

export type KeyCheck = { ok: true; system: string } | { ok: false; status: 401; reason: string };

/** The system a loopback call without a key is admitted as, while no key exists. */
export const LOOPBACK_SYSTEM = "loopback";

/** The system of the sandbox's own key (sandboxApiKey): its stand-ins may call every webhook. */
export const SANDBOX_SYSTEM = "sandbox";

export const NO_KEY_WARNING = "no API key is set: /api answers loopback callers only; add one with orderhub keys add <system>";

/** `ohk_<id>_<secret>`: 16 hex digits of id (finds the row), 32 random bytes of secret in base64url (43 characters). */
const KEY_FORMAT = /^ohk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SYSTEM_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The cache is read again after this long, so a key the CLI added or revoked in another process counts within it. */
const REFRESH_MS = 3000;
/** A key id the cache does not know reads the store again, at most this often (random ids cannot flood the store). */
const MISS_REFRESH_MS = 500;
/** A key's last use is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

/**
 * SHA-256, not scrypt: the secret is 32 random bytes (256 bits), not a password a person chose, so there is no
 * dictionary to try and a slow hash would add nothing but time to every call. The hash is what the store keeps; a
 * copy of the store does not give anyone a working key.
 */
function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** A system's name: letters, digits, `.`, `_`, `-`, up to 64, starting with a letter or digit. */
export function checkSystemName(system: string): string {
  const name = typeof system === "string" ? system.trim() : "";
  if (name.toLowerCase() === LOOPBACK_SYSTEM || name.toLowerCase() === SANDBOX_SYSTEM) {
    throw new Error(`system "${name}" is reserved: the hub names loopback callers without a key and its own sandbox so; choose another name`);
  }
  if (!SYSTEM_FORMAT.test(name)) {
    throw new Error(`system "${system}" is not a system name: use letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit), e.g. ERP or partner-acme`);
  }
  return name;
}

/** A new key for `system`, written to `store`: the whole key is returned once and never kept. */
export async function createApiKey(store: HubStore, system: string, note?: string, now = Date.now()): Promise<{ id: string; key: string; row: ApiKeyRow }> {
  const name = checkSystemName(system);
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const row: ApiKeyRow = {
    id,
    system: name,
    prefix: `ohk_${id}_${secret.slice(0, 4)}`,
    hash: digest(secret).toString("hex"),
    note: note?.trim() ? note.trim() : null,
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  };
  await store.apiKeys.addKey({ id, system: row.system, prefix: row.prefix, hash: row.hash, note: row.note, createdAt: now });
  return { id, key: `ohk_${id}_${secret}`, row };
}

/** The sandbox's own key while it runs: in this process's memory only, never stored (runtime/server.ts). */
let sandboxKey: { id: string; hash: Buffer; key: string } | undefined;

/**
 * The key the sandbox's stand-ins present when they call the hub back (OA's decisions, the CRM, TMS and finance
 * webhooks), made once per process: so the demo keeps working once an operator has added keys of their own. It is no
 * key of the store: it does not count as "a key exists" (loopback callers without one are still admitted while the
 * store holds none), and it ends with the process. Its system is `sandbox`.
 */
export function sandboxApiKey(): string {
  if (!sandboxKey) {
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    sandboxKey = { id, hash: digest(secret), key: `ohk_${id}_${secret}` };
  }
  return sandboxKey.key;
}

/** The sandbox stopped: its key is refused from now on. */
export function dropSandboxApiKey(): void {
  sandboxKey = undefined;
}

/** The key id a text names: the id itself, or a key or its prefix (`ohk_<id>_…`). */
export function keyIdOf(text: string): string | undefined {
  const m = /^(?:ohk_)?([0-9a-f]{16})(?:_.*)?$/.exec(text.trim());
  return m?.[1];
}

// ---------------------------------------------------------------------------------------------------------------------
// The keys in memory

interface CachedKey {
  row: ApiKeyRow;
  hash: Buffer;
}

interface KeyCache {
  store: HubStore;
  keys: Map<string, CachedKey>;
  active: number;
  loadedAt: number;
}

let cache: KeyCache | undefined;
let loading: { store: HubStore; done: Promise<KeyCache> } | undefined;
const touched = new Map<string, number>();

function load(store: HubStore): Promise<KeyCache> {
  if (loading?.store === store) return loading.done;
  const done = store.apiKeys.listKeys().then((rows) => {
    const keys = new Map(rows.map((row) => [row.id, { row, hash: Buffer.from(row.hash, "hex") }]));
    cache = { store, keys, active: rows.filter((r) => r.revokedAt === null).length, loadedAt: Date.now() };
    return cache;
  });
  loading = { store, done };
  const clear = () => {
    if (loading?.done === done) loading = undefined;
  };
  done.then(clear, clear);
  return done;
}

/** The keys as the store has them, read again when older than REFRESH_MS; a stale copy serves while the store fails. */
async function currentKeys(store: HubStore, maxAgeMs = REFRESH_MS): Promise<KeyCache> {
  const held = cache?.store === store ? cache : undefined;
  if (held && Date.now() - held.loadedAt <= maxAgeMs) return held;
  try {
    return await load(store);
  } catch (err) {
    if (!held) throw err;
    logger.warn({ err }, `API keys: cannot read the store (${(err as Error).message}); checking calls against the keys it read last, and trying again in a few seconds`);
    // tried again after REFRESH_MS, not on every call (nor a warning on every call)
    held.loadedAt = Date.now();
    return held;
  }
}

/** Forget the keys in memory: the next check reads the store (after a change this process made). */
export function forgetApiKeys(): void {
  cache = undefined;
  touched.clear();
}

/** A new key for `system` in the hub's store (the sandbox's stand-ins call back with it): `{ id, key }`, the key once. */
export async function issueKey(system: string): Promise<{ id: string; key: string }> {
  const store = getHubStore();
  const { id, key } = await createApiKey(store, system, "issued by the hub");
  await load(store).catch(() => forgetApiKeys());
  return { id, key };
}

/** At start: says in the log which rule /api follows (the warning while no key exists). */
export async function announceApiKeyRule(store: HubStore = getHubStore()): Promise<void> {
  try {
    const keys = await currentKeys(store, 0);
    if (keys.active === 0) logger.warn(NO_KEY_WARNING);
    else {
      const systems = [...new Set([...keys.keys.values()].filter((k) => k.row.revokedAt === null).map((k) => k.row.system))].sort();
      logger.info(`/api needs an API key: ${keys.active} active key(s), for ${systems.join(", ")}`);
    }
  } catch (err) {
    logger.error({ err }, `API keys: cannot read them from the store (${(err as Error).message}); /api refuses every call until it can`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The check

type Given = { key: string } | { malformed: string } | { none: string };

/** The key a request gives: X-Api-Key, or Authorization: Bearer; both given must agree. */
function givenKey(header: { authorization?: string; "x-api-key"?: string }): Given {
  const apiKey = header["x-api-key"]?.trim() || undefined;
  const auth = header.authorization?.trim() || undefined;
  let bearer: string | undefined;
  let otherScheme: string | undefined;
  if (auth) {
    const m = /^(\S+)\s*(.*)$/.exec(auth)!;
    if (m[1].toLowerCase() === "bearer") bearer = m[2].trim();
    else otherScheme = m[1];
    if (bearer === "") return { malformed: "malformed Authorization header: Bearer without a key" };
  }
  if (apiKey && bearer && apiKey !== bearer) return { malformed: "malformed request: X-Api-Key and Authorization: Bearer give two different keys" };
  const key = apiKey ?? bearer;
  if (key) return { key };
  return { none: otherScheme ? ` (Authorization is ${otherScheme}, not Bearer)` : "" };
}

function refused(reason: string, label: string): KeyCheck {
  unauthorizedTotal.inc({ reason: label });
  return { ok: false, status: 401, reason };
}

const when = (ms: number) => new Date(ms).toISOString();

/**
 * Checks the key a call gives against the hub's keys: `{ ok, system }` for an active key (or, while no active key
 * exists, for a loopback call without one); else 401 with the reason, counted in orderhub_unauthorized_total{reason}.
 * A key that is given is always checked, even from loopback.
 */
export async function verifyApiKey(header: { authorization?: string; "x-api-key"?: string }, remoteAddress?: string): Promise<KeyCheck> {
  const store = getHubStore();
  let keys: KeyCache;
  try {
    keys = await currentKeys(store);
  } catch (err) {
    return refused(`cannot check API keys: the store cannot be read (${(err as Error).message})`, "store-unavailable");
  }
  const given = givenKey(header);
  if ("malformed" in given) return refused(given.malformed, "malformed");
  if ("none" in given) {
    if (keys.active > 0) return refused(`no API key: send Authorization: Bearer <key> or X-Api-Key: <key>${given.none}`, "no-key");
    if (isLoopback(remoteAddress)) return { ok: true, system: LOOPBACK_SYSTEM };
    return refused(`no API key: no key is set on this hub, so /api answers loopback callers only (the call came from ${remoteAddress ?? "an unknown address"}); add one with orderhub keys add <system>`, "loopback-only");
  }
  const m = KEY_FORMAT.exec(given.key);
  if (!m) return refused("malformed API key: expected ohk_<16 hex digits>_<43 characters>, as orderhub keys add prints it", "malformed");
  const [, id, secret] = m;
  if (sandboxKey && id === sandboxKey.id && timingSafeEqual(digest(secret), sandboxKey.hash)) return { ok: true, system: SANDBOX_SYSTEM };
  let known = keys.keys.get(id);
  if (!known && Date.now() - keys.loadedAt > MISS_REFRESH_MS) {
    try {
      known = (await currentKeys(store, 0)).keys.get(id);
    } catch {
      // the stale copy answered already: unknown
    }
  }
  if (!known) return refused(`unknown API key ohk_${id}_…: this hub has no key with that id`, "unknown-key");
  if (!timingSafeEqual(digest(secret), known.hash)) return refused(`unknown API key ohk_${id}_…: the secret does not match the key with that id`, "wrong-secret");
  if (known.row.revokedAt !== null) return refused(`revoked API key ohk_${id}_… (system ${known.row.system}): revoked at ${when(known.row.revokedAt)}`, "revoked-key");
  noteUse(store, id);
  return { ok: true, system: known.row.system };
}

/** Writes the key's last use, at most once a minute, without holding the call up. */
function noteUse(store: HubStore, id: string): void {
  const now = Date.now();
  if (now - (touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
  touched.set(id, now);
  store.apiKeys.touchKey(id, now).catch((err: unknown) => logger.warn({ err }, `API key ohk_${id}: cannot note its use (${(err as Error).message})`));
}

function refuse(res: Response, reason: string): void {
  res.status(401).set("WWW-Authenticate", "Bearer").set("Cache-Control", "no-store").json({ error: reason });
}

const headerText = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(", ") : v);

/**
 * Express middleware in front of /api (OrderHub's routes and the flows' `http in` routes): a call without a valid key
 * gets 401 `{ error }` with `WWW-Authenticate: Bearer`; an admitted call has its system in `res.locals.apiSystem`.
 * `GET /api/version` stays open.
 */
export const requireApiKey: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if ((req.method === "GET" || req.method === "HEAD") && /^\/version\/?$/.test(req.path)) return next();
  verifyApiKey({ authorization: headerText(req.headers.authorization), "x-api-key": headerText(req.headers["x-api-key"]) }, req.socket.remoteAddress).then(
    (check) => {
      if (check.ok) {
        res.locals.apiSystem = check.system;
        return next();
      }
      logger.debug({ path: req.originalUrl, remote: req.socket.remoteAddress }, `401 ${req.method} ${req.originalUrl}: ${check.reason}`);
      refuse(res, check.reason);
    },
    next,
  );
};

/**
 * `/metrics` (and the ops page) with ORDERHUB_METRICS_KEY set: the scraper sends that key (Bearer or X-Api-Key); else 401, counted with
 * reason `metrics-key`. Unset: /metrics stays open.
 */
export function requireMetricsKey(metricsKey: string | undefined): RequestHandler {
  if (!metricsKey) return (_req, _res, next) => next();
  const expected = digest(metricsKey);
  return (req, res, next) => {
    const given = givenKey({ authorization: headerText(req.headers.authorization), "x-api-key": headerText(req.headers["x-api-key"]) });
    if ("key" in given && timingSafeEqual(digest(given.key), expected)) return next();
    const reason =
      "malformed" in given
        ? given.malformed
        : "none" in given
          ? `no key: ${req.baseUrl || req.path} needs the key set in ORDERHUB_METRICS_KEY (Authorization: Bearer <key> or X-Api-Key: <key>)${given.none}`
          : `wrong key: ${req.baseUrl || req.path} needs the key set in ORDERHUB_METRICS_KEY`;
    unauthorizedTotal.inc({ reason: "metrics-key" });
    refuse(res, reason);
  };
}
