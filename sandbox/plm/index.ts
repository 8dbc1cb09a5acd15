import express from "express";
import type { BomLine } from "../../domain/planning/bom";
import { FaultSwitches } from "../faults";
import { HubCallbacks, retryPolicy, type CallbackRecord, type StandInOptions } from "../standin-callbacks";
import { Refusal, handle, jsonBody, objectBody, onlyFields, restStandInRouter, text } from "../standin-http";
import type { SandboxContext, StandIn } from "../types";
import { BOM_RELEASED, PLM_EXCHANGE, PlmPublisher } from "./publisher";
import { SEED_ITEMS, SEED_LINES, applyEco, ecoOf, structureBelow, type Eco, type PlmItem } from "./structure";

/**
 * The sandbox PLM, at `/sandbox/plm`:
 * - `GET /items`, `GET /items/{item}`, `GET /boms` (every parent's lines), `GET /boms/{item}` (its lines, and the
 *   whole structure below it).
 * - `POST /ecos` `{id, reason, effectiveDate, changes[{action: add|change|remove, parent, child, quantity?, lossRate?}]}`:
 *   applied to the working structure (the old line ends on the effective date, the new one starts that day) → 201;
 *   the same ECO again → 200, another under its id → 409.
 * - `POST /releases {item}`: publishes the structure below the item as `plm.bom.released` on the topic exchange
 *   `orderhub.plm` (persistent, confirmed), then `PUT {hub}/api/planning/boms` with it (best effort: an answer other
 *   than 2xx is kept in failedCallbacks). Nothing changed since the item's last release → 200, that release.
 */

export interface Release {
  item: string;
  revision: number;
  releasedAt: string;
  messageId: string;
  lines: BomLine[];
  /** ECOs in the released structure that no earlier release of the item carried. */
  ecos: string[];
  /** What the hub answered to the PUT, once it did. */
  hub?: { status?: number; error?: string };
}

export function createPlm(ctx: SandboxContext, options: StandInOptions = {}): StandIn {
  const faults = new FaultSwitches();
  const callbacks = new HubCallbacks(ctx, faults, retryPolicy(options));
  const publisher = new PlmPublisher(ctx.amqpUrl);
  const items = new Map<string, PlmItem>(SEED_ITEMS.map((i) => [i.item, { ...i }]));
  let lines: BomLine[] = SEED_LINES.map((l) => ({ ...l }));
  const ecos = new Map<string, Eco & { createdAt: string }>();
  const releases: Release[] = [];
  /** Which parent each ECO changed, to name it in the release that first carries it. */
  const ecoParents = new Map<string, Set<string>>();

  const itemOr404 = (id: string) => {
    const item = items.get(id);
    if (!item) throw new Refusal(404, `PLM has no item ${id}`);
    return item;
  };

  const business = express.Router();
  business.get("/items", (_req, res) => res.json({ count: items.size, items: [...items.values()] }));
  business.get("/items/:item", (req, res) => res.json(itemOr404(req.params.item)));
  business.get("/boms", (_req, res) => {
    const parents = [...new Set(lines.map((l) => l.parent))];
    res.json({ count: parents.length, boms: parents.map((item) => ({ item, lines: lines.filter((l) => l.parent === item) })) });
  });
  business.get("/boms/:item", (req, res) => {
    const item = itemOr404(req.params.item);
    if (item.type !== "make") throw new Refusal(404, `${item.item} is a bought item; it has no BOM`);
    res.json({ item: item.item, name: item.name, lines: lines.filter((l) => l.parent === item.item), structure: structureBelow(item.item, lines) });
  });

  business.post(
    "/ecos",
    jsonBody("1mb"),
    handle((req, res) => {
      const b = objectBody(req.body, '{"id", "reason", "effectiveDate": "YYYY-MM-DD", "changes": [{"action": "add"|"change"|"remove", "parent", "child", "quantity"?, "lossRate"?}]}');
      onlyFields(b, ["id", "reason", "effectiveDate", "changes"]);
      const eco = ecoOf(b);
      const held = ecos.get(eco.id);
      if (held) {
        const { createdAt, ...before } = held;
        if (JSON.stringify(before) !== JSON.stringify(eco)) throw new Refusal(409, `ECO ${eco.id} was recorded at ${createdAt} with other changes; an ECO id is used once`);
        return res.status(200).json({ ...held, repeat: true });
      }
      lines = applyEco(lines, eco, items);
      const stored = { ...eco, createdAt: new Date().toISOString() };
      ecos.set(eco.id, stored);
      ecoParents.set(eco.id, new Set(eco.changes.map((c) => c.parent)));
      res.status(201).json(stored);
    }),
  );
  business.get("/ecos", (_req, res) => res.json({ count: ecos.size, ecos: [...ecos.values()] }));

  business.get("/releases", (_req, res) => res.json({ count: releases.length, releases }));
  business.post(
    "/releases",
    jsonBody("16kb"),
    handle(async (req, res) => {
      const b = objectBody(req.body, '{"item": "FG-1000"}');
      onlyFields(b, ["item"]);
      const item = itemOr404(text(b.item, "item"));
      if (item.type !== "make") throw new Refusal(422, `item: ${item.item} is a bought item; it has no BOM to release`);
      const structure = structureBelow(item.item, lines);
      if (structure.length === 0) throw new Refusal(422, `item: ${item.item} has no BOM lines to release`);
      const earlier = releases.filter((r) => r.item === item.item);
      const last = earlier[earlier.length - 1];
      if (last && JSON.stringify(last.lines) === JSON.stringify(structure)) return res.status(200).json({ ...last, repeat: true });
      const parents = new Set(structure.map((l) => l.parent));
      const carried = new Set(earlier.flatMap((r) => r.ecos));
      const release: Release = {
        item: item.item,
        revision: earlier.length + 1,
        releasedAt: new Date().toISOString(),
        messageId: `plm:${item.item}:${earlier.length + 1}`,
        lines: structure,
        ecos: [...ecos.keys()].filter((id) => !carried.has(id) && [...(ecoParents.get(id) ?? [])].some((p) => parents.has(p))),
      };
      const message = { event: BOM_RELEASED, item: release.item, revision: release.revision, releasedAt: release.releasedAt, ecos: release.ecos, lines: release.lines };
      try {
        await publisher.publish(BOM_RELEASED, message, { messageId: release.messageId, type: BOM_RELEASED });
      } catch (err) {
        throw new Refusal(503, `the release of ${item.item} could not be published on ${PLM_EXCHANGE}: ${(err as Error).message}; nothing was released`);
      }
      releases.push(release);
      void callbacks.call("PUT", "/api/planning/boms", { source: "plm", item: release.item, revision: release.revision, releasedAt: release.releasedAt, lines: release.lines }, release.messageId).then((r: CallbackRecord) => {
        release.hub = { status: r.status, ...(r.error ? { error: r.error } : {}) };
      });
      res.status(201).json(release);
    }),
  );

  const reset = () => {
    lines = SEED_LINES.map((l) => ({ ...l }));
    ecos.clear();
    ecoParents.clear();
    releases.length = 0;
    callbacks.reset();
    faults.clear();
  };
  const state = () => ({ items: items.size, lines: lines.length, ecos: [...ecos.values()], releases, callbacksSent: callbacks.sent.length, failedCallbacks: callbacks.failed });

  return {
    name: "plm",
    router: restStandInRouter("PLM", faults, callbacks, express.Router(), business, state, reset),
    faults,
    state,
    reset,
    async stop() {
      callbacks.reset();
      await publisher.close();
    },
  };
}
