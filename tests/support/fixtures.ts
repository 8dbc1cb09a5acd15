import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Documents written by others (OASIS UBL, SAP IN260), kept beside the repository in ../shared/fixtures/public and
 * tested as they are; ORDERHUB_PUBLIC_FIXTURES points elsewhere when the checkout lives somewhere else.
 */
export const PUBLIC = path.resolve(process.env.ORDERHUB_PUBLIC_FIXTURES ?? path.resolve(__dirname, "../../../shared/fixtures/public"));
/** Our own samples (cXML, CSV, broken documents). */
export const OWN = path.resolve(__dirname, "../fixtures/orders");

export const publicFixture = (name: string): Buffer => readFileSync(path.join(PUBLIC, name));
export const ownFixture = (name: string): Buffer => readFileSync(path.join(OWN, name));
