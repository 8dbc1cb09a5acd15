import { publicFixture } from "./fixtures";

// Documents that hold several orders, built from SAP's published IN260 order (10040, ten lines, EUR): an EDIFACT
// interchange with several ORDERS messages and an ORDERS05 file with several IDocs, as partners send them in batches.

const sapEdifact = () => publicFixture("sap-in260/orders-inbound.edifact-d96a.edi").toString();
const sapIdoc = () => publicFixture("sap-in260/orders-inbound.idoc-orders05.xml").toString();

/** SAP's ORDERS message as message `ref` for order `orderNumber`; `edit` changes its text further. */
export function edifactMessage(ref: string, orderNumber: string, edit: (text: string) => string = (t) => t): string {
  const message = /UNH\+00620\+[\s\S]*?UNT\+\d+\+00620'\r?\n?/.exec(sapEdifact())![0];
  return edit(message.replaceAll("00620", ref).replace("BGM+220+10040+", `BGM+220+${orderNumber}+`));
}

/** SAP's interchange header and trailer around the given messages (UNZ counts them). */
export function edifactInterchange(messages: string[]): string {
  const text = sapEdifact();
  return `${text.slice(0, text.indexOf("UNH+"))}${messages.join("")}UNZ+${messages.length}+A0001'\n`;
}

/** The same with the messages in functional groups, UNG … UNE each (UNZ counts the groups). */
export function edifactGroupedInterchange(groups: string[][]): string {
  const text = sapEdifact();
  const grouped = groups.map((messages, i) => `UNG+ORDERS+E1-UserXX:ZZZ+COMP_E_D:ZZZ+250929:1122+G${i + 1}+UN+D:96A'\n${messages.join("")}UNE+${messages.length}+G${i + 1}'\n`);
  return `${text.slice(0, text.indexOf("UNH+"))}${grouped.join("")}UNZ+${groups.length}+A0001'\n`;
}

/** SAP's IDoc as IDoc `docnum` for order `orderNumber`; `edit` changes its text further. */
export function idoc(docnum: string, orderNumber: string, edit: (text: string) => string = (t) => t): string {
  const one = /<IDOC BEGIN="1">[\s\S]*<\/IDOC>/.exec(sapIdoc())![0];
  return edit(one.replace("<DOCNUM>00000000000197</DOCNUM>", `<DOCNUM>${docnum}</DOCNUM>`).replaceAll("<BELNR>10040</BELNR>", `<BELNR>${orderNumber}</BELNR>`));
}

/** SAP's ORDERS05 file around the given IDocs. */
export function idocFile(idocs: string[]): string {
  const text = sapIdoc();
  return `${text.slice(0, text.indexOf('<IDOC BEGIN="1">'))}${idocs.join("\n")}${text.slice(text.lastIndexOf("</IDOC>") + "</IDOC>".length)}`;
}
