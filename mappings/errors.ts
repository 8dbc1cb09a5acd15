export type OrderFormat = "ubl" | "idoc" | "edifact" | "cxml" | "json" | "csv";

export interface DocumentErrorDetails {
  format?: OrderFormat;
  line?: number;
}

/**
 * Everything wrong with an inbound document: the code says what kind of problem (`not-a-number`, `dtd-refused` …),
 * the message says what and where, in words an integration engineer can act on.
 */
export class DocumentError extends Error {
  readonly code: string;
  format?: OrderFormat;
  line?: number;

  constructor(code: string, message: string, details: DocumentErrorDetails = {}) {
    super(message);
    this.name = "DocumentError";
    this.code = code;
    if (details.format) this.format = details.format;
    if (details.line !== undefined) this.line = details.line;
  }
}

export function isDocumentError(err: unknown): err is DocumentError {
  return err instanceof DocumentError;
}
