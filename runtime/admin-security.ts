import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { NextFunction, Request, Response } from "express";

/**
 * The admin security rule: with ORDERHUB_ADMIN_PASSWORD set, the editor and admin API require user `admin` with that
 * password (Node-RED's own token login). Without it, they answer only requests from this machine's loopback address.
 */
export const ADMIN_USER = "admin";

const ADMIN = { username: ADMIN_USER, permissions: "*" };

/** Node-RED `adminAuth` with a fixed user and a constant-time password check (no hash file to manage). */
export function adminAuth(password: string): object {
  const expected = digest(password);
  return {
    type: "credentials",
    users: async (username: string) => (username === ADMIN_USER ? { ...ADMIN } : null),
    authenticate: async (username: string, given: unknown) => {
      const ok = typeof given === "string" && timingSafeEqual(digest(given), expected);
      return username === ADMIN_USER && ok ? { ...ADMIN } : null;
    },
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

export const REMOTE_REFUSED =
  "OrderHub editor is open without login and reachable from 127.0.0.1 only; set ORDERHUB_ADMIN_PASSWORD to allow remote access";

/** Express middleware for the admin mount point: 403 for anything not from loopback. */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLoopback(req.socket.remoteAddress)) return next();
  res.status(403).type("text/plain").send(`${REMOTE_REFUSED}\n`);
}

/**
 * Node-RED's editor websocket (`<adminRoot>/comms`) is served from the HTTP server's `upgrade` event, not through
 * Express, so the middleware above never sees it. Refuse non-loopback upgrades under the admin root before any
 * `upgrade` listener (Node-RED's included) runs.
 */
export function refuseRemoteAdminUpgrades(server: Server, adminRoot: string): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "upgrade") {
      const [req, socket] = args as [IncomingMessage, Duplex];
      if (isUnderRoot(req.url, adminRoot) && !isLoopback(req.socket.remoteAddress)) {
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
        return true;
      }
    }
    return emit(event, ...args);
  }) as Server["emit"];
}

function isUnderRoot(url: string | undefined, root: string): boolean {
  const path = (url ?? "/").split("?")[0];
  return path === root || path.startsWith(`${root}/`);
}
