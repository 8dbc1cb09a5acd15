/**
 * The stand-in ERP's refusal: a SOAP Fault (`soap:Client` for input it does not take, `soap:Server` when the ERP
 * itself fails) whose text names the field, the record and the value.
 */
export class ErpFault extends Error {
  override name = "ErpFault";
  constructor(
    message: string,
    readonly faultcode: "soap:Client" | "soap:Server" = "soap:Client",
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function checkDate(value: string, field: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(value))) throw new ErpFault(`${field}: "${value}" is not a date (YYYY-MM-DD)`);
  return value;
}
