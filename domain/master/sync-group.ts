// The group's companies and transfer prices in the ERP's GetMasterData answer (`Company[]`, `TransferPrice[]`), for
// inter-company orders (domain/settlement/intercompany.ts). Read as domain/master/sync.ts reads the other kinds.

import type { IncomingRecord } from "./sync";
import { bool, listOf, num, present, read, text, type Raw } from "./sync-read";
import type { Company, TransferPrice } from "./types";

const priceName = (r: Raw) => `${text(r, "Sku", true)} from ${text(r, "FromCompany", true)}${text(r, "ToCompany") ? ` to ${text(r, "ToCompany")}` : " to any company"}`;

export function groupFromErp(answer: Raw): IncomingRecord[] {
  const out: IncomingRecord[] = [];
  for (const raw of listOf(answer.Company)) {
    out.push(
      read("companies", raw, (r) => text(r, "CompanyNumber", true), (r) => ({
        fields: present<Partial<Company>>({ id: text(r, "CompanyNumber", true), name: text(r, "Name", true), currency: text(r, "Currency", true), erp: text(r, "ErpEndpoint"), home: r.Home === undefined ? undefined : bool(r, "Home") || undefined }),
        clears: ["erp", "home"],
      })),
    );
  }
  for (const raw of listOf(answer.TransferPrice)) {
    out.push(
      read("transferPrices", raw, priceName, (r) => ({
        fields: present<Partial<TransferPrice>>({ sku: text(r, "Sku", true), from: text(r, "FromCompany", true), to: text(r, "ToCompany"), price: num(r, "Price", true), currency: text(r, "Currency", true) }),
      })),
    );
  }
  return out;
}
