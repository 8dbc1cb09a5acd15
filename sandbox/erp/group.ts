import type { Customer, MasterData } from "../../domain/master/types";

/**
 * The demo group the stand-in ERP knows: the demo manufacturer (the home company, served by the ERP's main books at
 * `/sandbox/erp`) and a sister company with books of its own (`/sandbox/erp/companies/PL01`), each with the address
 * its ERP would have in production, and the transfer prices at which the companies sell to each other (below the
 * list prices: the group does not earn a margin on itself). `GetMasterData` hands them over (kinds `companies`,
 * `transferPrices`); the hub maps each company to its sandbox book while the sandbox is on.
 */

export interface GroupCompany {
  id: string;
  name: string;
  currency: string;
  /** Where the company's ERP answers in production (the sandbox never calls it). */
  erpEndpoint: string;
}

export interface GroupTransferPrice {
  sku: string;
  /** The selling company. */
  from: string;
  /** The buying company; absent: any company of the group. */
  to?: string;
  price: number;
  currency: string;
}

export interface DemoGroup {
  /** The demo manufacturer: its ERP is the stand-in's main books. */
  home: string;
  companies: GroupCompany[];
  transferPrices: GroupTransferPrice[];
}

/** A fresh copy of the demo group (the demo manufacturer's name and currency as flows/order-to-cash.json states them). */
export function demoGroup(): DemoGroup {
  return {
    home: "DE01",
    companies: [
      { id: "DE01", name: "OrderHub Demo Manufacturing GmbH", currency: "EUR", erpEndpoint: "https://erp.de01.demo.invalid/ErpService?wsdl" },
      { id: "PL01", name: "OrderHub Demo Polska Sp. z o.o.", currency: "EUR", erpEndpoint: "https://erp.pl01.demo.invalid/ErpService?wsdl" },
    ],
    transferPrices: [
      // list prices 2026: FG-1000 13.90 (class A 12.50), FG-1001 14.90 (13.50), FG-1003 16.90 (15.50)
      { sku: "FG-1000", from: "DE01", to: "PL01", price: 9.8, currency: "EUR" },
      { sku: "FG-1001", from: "DE01", to: "PL01", price: 10.6, currency: "EUR" },
      { sku: "FG-1003", from: "DE01", price: 12.3, currency: "EUR" },
    ],
  };
}

/** The group's companies other than `company`, as the customers its ERP sells to (inter-company: no credit limit). */
export function groupCustomers(group: DemoGroup, company: string): Customer[] {
  return group.companies
    .filter((c) => c.id !== company)
    .map((c) => ({ id: c.id, name: c.name, class: "IC", currency: c.currency, paymentTermsDays: 30, graceDays: 0, blocked: false, salesReps: [], partialDelivery: "allowed" }));
}

/** The home company's books: the demo manufacturer, its sister companies among its customers (they buy from it). */
export function homeSeed(demo: MasterData, group: DemoGroup): MasterData {
  return { ...demo, customers: [...(demo.customers ?? []), ...groupCustomers(group, group.home)] };
}

/**
 * The master data a sister company's books start from: the demo manufacturer's items, prices, warehouses and stock,
 * with the group's other companies as its customers (the demo's customers and their open items are the home
 * company's, not the sister's).
 */
export function companySeed(demo: MasterData, group: DemoGroup, company: string): MasterData {
  return { ...demo, customers: groupCustomers(group, company), openItems: [] };
}
