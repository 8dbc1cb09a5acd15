import type { Party } from "../order/canonical-order";
import { minorUnits } from "../order/totals";
import type { TaxCategory } from "./tax";

/**
 * What the UBL 2.1 documents (the invoice, the credit note) write alike: the common namespaces, XML text escaping,
 * decimals without exponent, an indenting element writer, amounts in the document currency, a tax category, a party,
 * the tax total with its subtotals, an item with its price, and the document frame.
 */

export const UBL_CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
export const UBL_CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

export const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as XML decimal: no exponent, at most `digits` decimals, trailing zeros kept to `min`. */
export function xmlDecimal(n: number, digits: number, min = 0): string {
  const fixed = Math.abs(n) < 1e-12 ? (0).toFixed(digits) : n.toFixed(digits);
  const [whole, fraction = ""] = fixed.split(".");
  const kept = fraction.replace(/0+$/, "").padEnd(min, "0");
  return kept ? `${whole}.${kept}` : whole;
}

/** Writes elements one a line, indented by nesting; a leaf without a value (undefined or "") is left out. */
export class UblXml {
  private readonly parts: string[] = [];
  private depth = 1;

  open(name: string, attrs = ""): this {
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attrs}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${"  ".repeat(this.depth)}</${name}>`);
    return this;
  }

  leaf(name: string, value: string | number | undefined, attrs = ""): this {
    if (value === undefined || value === "") return this;
    this.parts.push(`${"  ".repeat(this.depth)}<${name}${attrs}>${escapeXml(String(value))}</${name}>`);
    return this;
  }

  text(): string {
    return this.parts.join("\n");
  }
}

/** An amount as a leaf's value and its currencyID attribute, to spread into `leaf(name, ...)`. */
export type UblMoney = (n: number) => [string, string];

/** The document currency: its amounts as leaf value and attribute, its minor-unit digits, its currencyID attribute. */
export interface UblCurrency {
  money: UblMoney;
  digits: number;
  currencyAttr: string;
}

/** Amounts in `currency`, with as many decimals as its minor unit has. */
export function ublMoney(currency: string): UblCurrency {
  const digits = minorUnits(currency);
  const currencyAttr = ` currencyID="${escapeXml(currency)}"`;
  return { money: (n) => [xmlDecimal(n, digits, digits), currencyAttr], digits, currencyAttr };
}

export function ublTaxCategory(x: UblXml, element: string, tax: TaxCategory): void {
  x.open(element).leaf("cbc:ID", tax.id, ' schemeID="UNCL5305"').leaf("cbc:Percent", xmlDecimal(tax.percent, 4));
  if (tax.percent === 0 && tax.exemptionReason) x.leaf("cbc:TaxExemptionReason", tax.exemptionReason);
  x.open("cac:TaxScheme").leaf("cbc:ID", "VAT").close("cac:TaxScheme").close(element);
}

/**
 * A party (supplier or customer). `nameless` makes the error thrown when the party has no name, id or GLN; `detail`
 * "brief" leaves out the postal address and the contact.
 */
export function ublParty(x: UblXml, element: string, p: Party, nameless: () => Error, detail: "full" | "brief" = "full"): void {
  const name = p.name ?? p.id ?? p.gln;
  if (!name) throw nameless();
  x.open(element).open("cac:Party");
  if (p.gln) x.leaf("cbc:EndpointID", p.gln, ' schemeID="0088"');
  if (p.id) x.open("cac:PartyIdentification").leaf("cbc:ID", p.id).close("cac:PartyIdentification");
  x.open("cac:PartyName").leaf("cbc:Name", name).close("cac:PartyName");
  const a = p.address;
  if (detail === "full" && a && (a.street || a.city || a.postalCode || a.region || a.country)) {
    x.open("cac:PostalAddress").leaf("cbc:StreetName", a.street).leaf("cbc:CityName", a.city).leaf("cbc:PostalZone", a.postalCode).leaf("cbc:CountrySubentity", a.region);
    if (a.country) x.open("cac:Country").leaf("cbc:IdentificationCode", a.country).close("cac:Country");
    x.close("cac:PostalAddress");
  }
  if (p.taxId) x.open("cac:PartyTaxScheme").leaf("cbc:CompanyID", p.taxId).open("cac:TaxScheme").leaf("cbc:ID", "VAT").close("cac:TaxScheme").close("cac:PartyTaxScheme");
  x.open("cac:PartyLegalEntity").leaf("cbc:RegistrationName", name).close("cac:PartyLegalEntity");
  const c = p.contact;
  if (detail === "full" && c && (c.name || c.phone || c.email)) x.open("cac:Contact").leaf("cbc:Name", c.name).leaf("cbc:Telephone", c.phone).leaf("cbc:ElectronicMail", c.email).close("cac:Contact");
  x.close("cac:Party").close(element);
}

/** The tax total and a subtotal per tax category. */
export function ublTaxTotal(x: UblXml, money: UblMoney, tax: number, subtotals: ReadonlyArray<{ tax: TaxCategory; taxable: number; amount: number }>): void {
  x.open("cac:TaxTotal").leaf("cbc:TaxAmount", ...money(tax));
  for (const t of subtotals) {
    x.open("cac:TaxSubtotal").leaf("cbc:TaxableAmount", ...money(t.taxable)).leaf("cbc:TaxAmount", ...money(t.amount));
    ublTaxCategory(x, "cac:TaxCategory", t.tax);
    x.close("cac:TaxSubtotal");
  }
  x.close("cac:TaxTotal");
}

/** A line's item (name, seller's SKU, tax category) and its net unit price. */
export function ublItemAndPrice(
  x: UblXml,
  line: { name: string; sku: string; tax: TaxCategory; unitPrice: number },
  currency: UblCurrency,
): void {
  x.open("cac:Item").leaf("cbc:Name", line.name).open("cac:SellersItemIdentification").leaf("cbc:ID", line.sku).close("cac:SellersItemIdentification");
  ublTaxCategory(x, "cac:ClassifiedTaxCategory", line.tax);
  x.close("cac:Item");
  x.open("cac:Price").leaf("cbc:PriceAmount", xmlDecimal(line.unitPrice, 6, currency.digits), currency.currencyAttr).close("cac:Price");
}

/** The whole document: XML declaration, the root element with its namespace and the common ones, the body. */
export function ublDocument(root: string, namespace: string, x: UblXml): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<${root} xmlns="${namespace}" xmlns:cac="${UBL_CAC_NS}" xmlns:cbc="${UBL_CBC_NS}">`, x.text(), `</${root}>`, ""].join("\n");
}
