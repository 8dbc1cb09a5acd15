import { indexMasterData, type MasterIndex } from "../../domain/master/master-index";
import type { Customer, MasterData } from "../../domain/master/types";
import type { OrderInput } from "../../domain/order/canonical-order";
import { listPrice } from "../../domain/order/list-price";
import { prng } from "../../runtime/seeded-random";
import { SEED_FILE, demoManufacturer } from "../seed";

/**
 * What the sandbox CRM knows: the demo manufacturer's customers, items and price lists (../seed.ts: the bundle
 * `orderhub master import` loads), and sample orders made of them that the hub's order desk can judge: each line
 * priced from the customer's list price on the order's day.
 */

export interface CrmSeed {
  customers: Customer[];
  master: MasterData;
  index: MasterIndex;
}

export function loadCrmSeed(file = SEED_FILE): CrmSeed {
  let master: MasterData;
  try {
    master = demoManufacturer(file);
  } catch (err) {
    throw new Error(`sandbox CRM: cannot read its customers from ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(master.customers) || master.customers.length === 0) throw new Error(`sandbox CRM: ${file} has no customers`);
  return { customers: master.customers, master, index: indexMasterData(master) };
}

/**
 * Sample CRM order number `n` on `day`: a customer that is not blocked (in turn), one to four items it has a list
 * price for on that day, quantities of 1 to 60 (now and then a price break of 100 or more). Undefined when no customer
 * has a price for anything on that day.
 */
export function sampleOrder(n: number, seed: CrmSeed, day: string): OrderInput | undefined {
  // seeded by n, so sample order n is the same order on every run and day
  const next = prng(n * 7919 + 17);
  const customers = seed.customers.filter((c) => !c.blocked);
  for (let tried = 0; tried < customers.length; tried++) {
    const customer = customers[(n + tried) % customers.length];
    const priced = (seed.master.items ?? [])
      .map((item) => ({ item, price: listPrice({ sku: item.sku, quantity: 1, currency: customer.currency, day, customer }, seed.index) }))
      .filter((p) => p.price !== undefined && p.price.unitPrice > 0);
    if (priced.length === 0) continue;
    const count = Math.min(priced.length, 1 + Math.floor(next() * 4));
    const chosen = [...priced];
    for (let i = chosen.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
    }
    chosen.length = count;
    const lines = chosen.map(({ item }, i) => {
      const quantity = next() < 0.15 ? 100 + Math.floor(next() * 100) : 1 + Math.floor(next() * 60);
      const price = listPrice({ sku: item.sku, quantity, currency: customer.currency, day, customer }, seed.index)!;
      return { lineNumber: String((i + 1) * 10), sku: item.sku, quantity, unit: item.unit, unitPrice: price.unitPrice };
    });
    return {
      orderNumber: `CRM-${10000 + n}`,
      issueDate: day,
      currency: customer.currency,
      buyer: { id: customer.id, name: customer.name },
      lines,
    } as OrderInput;
  }
  return undefined;
}
