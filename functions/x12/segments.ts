// The shapes the X12 reader hands to the transaction mappers. Pure data: no I/O, no AWS.
// A segment's text is never put into an error or a log (files carry patient names, member ids, dates of birth):
// errors name the segment id, its number in the file and its byte offset only.

/** Delimiters of one interchange, read by walking its ISA. */
export interface Delimiters {
  readonly element: string;
  readonly component: string;
  /** ISA11 in 5010; undefined when ISA11 is not a separator (4010's `U`). */
  readonly repetition?: string;
  readonly segment: string;
}

/** One segment: its id and elements (elements[0] is the id; components split only when a mapper asks). */
export interface Segment {
  readonly id: string;
  /** elements[1] is the first data element (X12 numbering: CLP01 = elements[1]). */
  readonly elements: readonly string[];
  /** 1-based position of the segment in the file (all interchanges counted). */
  readonly segmentNumber: number;
  /** Byte offset of the segment's first byte in the file (a BOM and text before the ISA counted). */
  readonly offset: number;
}

/** What a reader says is wrong, never quoting a value. */
export interface X12Error {
  readonly segment: string;
  readonly segmentNumber: number;
  readonly offset: number;
  readonly reason: string;
}

/** What is known of a transaction set from its ST and its envelopes, before its segments. */
export interface TransactionHeader {
  /** ST01: 835, 277, 999, 837, 276... */
  readonly setId: string;
  readonly controlNumber: string;
  /** GS08 (e.g. 005010X221A1) and ST03 when present. */
  readonly implementation: string;
  /** GS01 functional id code (HP, HN, FA, HC, HR, HI). */
  readonly functionalId: string;
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  /** ISA12 (00501, 00401). */
  readonly interchangeVersion: string;
  readonly delimiters: Delimiters;
}

/** One complete ST..SE transaction set with its envelope, as the reader yields it. */
export interface Transaction extends TransactionHeader {
  /** ST through SE, in order. */
  readonly segments: readonly Segment[];
  /** Envelope problems of a complete transaction (SE01 count, SE02 ≠ ST02, GE/IEA counts or control numbers). */
  readonly envelopeErrors: readonly X12Error[];
}

/** What the reader yields, in file order: a whole transaction, or a part of the file that could not be read with certainty. */
export interface ErrorItem {
  readonly kind: 'error';
  readonly error: X12Error;
  /** the transaction the error makes unreadable, when known */
  readonly transaction?: Pick<Transaction, 'setId' | 'controlNumber' | 'interchangeControlNumber' | 'groupControlNumber' | 'implementation'>;
}
export type ReadItem = { readonly kind: 'transaction'; readonly transaction: Transaction } | ErrorItem;

/** Splits an element into components with the interchange's component separator. */
export const components = (element: string | undefined, delimiters: Delimiters): string[] => (element === undefined || element === '' ? [] : element.split(delimiters.component));
