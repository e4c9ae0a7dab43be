// Maps one X12 transaction set to claim events and its line of the file report, by ST01 and GS08.
//
// Which transactions are read:
// - 5010 only: ISA12 00501 and GS08 (else ST03) 005010…; anything else (4010's 00401 / 004010X091A1) is refused whole,
//   naming the version. 835 X221*, 277 X212 and 277CA X214, 999 X231*, 837P X222* and 837I X223* are mapped (every
//   5010 errata of each, e.g. 005010X222A1 and A2); other sets are refused as not mapped.
// - Envelope errors: an SE error (SE01 ≠ the segments counted, SE02 ≠ ST02) means the reader cannot say for certain
//   where the transaction starts and ends, so the transaction is refused whole: a half transaction is never applied.
//   GE and IEA errors (counts, control numbers) say nothing about the segments inside one transaction: they are
//   file-level warnings (file-report.ts) and the transaction is still read. Any other envelope error refuses too.
// - A value the mapping cannot do without (an amount that is not an amount, an 835 without BPR) refuses the
//   transaction; an unbalanced 835 is refused whole. Inside an accepted transaction, each event is checked by the
//   contract on its own: one refused claim is reported on its claim and does not stop the others.
import type { ClaimEvent } from '../domain/claim-events.js';
import { map277, type Status277Report } from './map-277.js';
import { map835, UnreadableTransaction, type MapContext, type MappedPart, type Remit835Report } from './map-835.js';
import { map837, type Claim837Report } from './map-837.js';
import { map999, type Ack999Report } from './map-999.js';
import type { ReadItem, Transaction, X12Error } from './segments.js';

export type { MapContext } from './map-835.js';

export const transactionTypes = ['835', '277', '277CA', '999', '837P', '837I'] as const;
export type TransactionType = (typeof transactionTypes)[number];

/** The line every transaction has in the file report. */
export interface TransactionReportBase {
  /** One of transactionTypes, or the bare ST01 of a set that is not mapped. */
  readonly type: TransactionType | (string & {});
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly controlNumber: string;
  /** GS08 (or ST03). */
  readonly implementation: string;
  readonly status: 'accepted' | 'refused';
  /** Why it was refused; null when accepted. Never quotes a value. */
  readonly reason: string | null;
  /** What is wrong in this transaction: segment id, number and offset only. */
  readonly errors: X12Error[];
}

export type TransactionReport = TransactionReportBase & (Partial<Remit835Report> | Partial<Status277Report> | Partial<Ack999Report> | Partial<Claim837Report>);
export type Report835 = TransactionReportBase & Remit835Report;
export type Report277 = TransactionReportBase & Status277Report;
export type Report999 = TransactionReportBase & Ack999Report;
export type Report837 = TransactionReportBase & Claim837Report;

export interface MappedTransaction {
  readonly report: TransactionReport;
  /** Validated claim events, in transaction order; none when the transaction is refused. */
  readonly events: ClaimEvent[];
}

type Header = Pick<Transaction, 'setId' | 'controlNumber' | 'interchangeControlNumber' | 'groupControlNumber' | 'implementation'>;

/** The implementation guide's id in GS08 or ST03 (e.g. X221 of 005010X221A1). */
const guideOf = (implementation: string): string => /X\d{3}/.exec(implementation)?.[0] ?? '';

/** The report type of a transaction set: by ST01, with GS08/ST03 telling 277 from 277CA and 837P from 837I. */
export const transactionTypeOf = (setId: string, implementation: string): TransactionType | undefined => {
  const guide = guideOf(implementation);
  switch (setId) {
    case '835':
      return '835';
    case '999':
      return '999';
    case '277':
      return guide === 'X214' ? '277CA' : '277';
    case '837':
      // 5010: X222 professional, X223 institutional; 4010: X098 and X096, named so a refusal says which.
      return guide === 'X222' || guide === 'X098' ? '837P' : guide === 'X223' || guide === 'X096' ? '837I' : undefined;
    default:
      return undefined;
  }
};

/** The guide each mapped type must name in 5010. */
const expectedGuide: Record<TransactionType, string> = { '835': 'X221', '277': 'X212', '277CA': 'X214', '999': 'X231', '837P': 'X222', '837I': 'X223' };

/** A refused transaction's report line. */
export const refusedReport = (header: Header, reason: string, errors: readonly X12Error[]): TransactionReport => ({
  type: transactionTypeOf(header.setId, header.implementation) ?? header.setId,
  interchangeControlNumber: header.interchangeControlNumber,
  groupControlNumber: header.groupControlNumber,
  controlNumber: header.controlNumber,
  implementation: header.implementation,
  status: 'refused',
  reason,
  errors: [...errors],
});

/** GE and IEA problems say nothing about the segments of one transaction. */
export const isEnvelopeWarning = (error: X12Error): boolean => error.segment === 'GE' || error.segment === 'IEA';

export const mapTransaction = (t: Transaction, ctx: MapContext): MappedTransaction => {
  const st03 = t.segments[0]?.id === 'ST' ? (t.segments[0].elements[3] ?? '').trim() : '';
  const implementation = t.implementation || st03;
  const header: Header = { ...t, implementation };
  const refuse = (reason: string, errors: readonly X12Error[] = []): MappedTransaction => ({ report: refusedReport(header, reason, errors), events: [] });

  if (!implementation.startsWith('005010')) return refuse(`version ${implementation || 'unknown'} is not 5010; only 5010 files are read`);
  if (t.interchangeVersion !== '00501') return refuse(`interchange version ${t.interchangeVersion || 'unknown'} is not 5010; only 5010 files are read`);
  const envelopeErrors = t.envelopeErrors.filter((e) => !isEnvelopeWarning(e));
  if (envelopeErrors.length > 0) return refuse(`envelope error: ${envelopeErrors.map((e) => e.reason).join('; ')}`, envelopeErrors);
  const type = transactionTypeOf(t.setId, implementation);
  if (!type) return refuse(`transaction set ${t.setId} (${implementation}) is not mapped`);
  if (guideOf(implementation) !== expectedGuide[type]) return refuse(`${type} with implementation ${implementation} is not mapped`);

  let mapped: MappedPart<object>;
  try {
    mapped = mapDetails(t, ctx, type);
  } catch (error) {
    if (error instanceof UnreadableTransaction) return refuse(error.error.reason, [error.error]);
    throw error;
  }
  const base: TransactionReportBase = {
    type,
    interchangeControlNumber: t.interchangeControlNumber,
    groupControlNumber: t.groupControlNumber,
    controlNumber: t.controlNumber,
    implementation,
    status: mapped.refusal ? 'refused' : 'accepted',
    reason: mapped.refusal?.reason ?? null,
    errors: mapped.refusal?.errors ?? [],
  };
  return { report: { ...base, ...mapped.details } as TransactionReport, events: mapped.refusal ? [] : mapped.events };
};

const mapDetails = (t: Transaction, ctx: MapContext, type: TransactionType): MappedPart<object> => {
  switch (type) {
    case '835':
      return map835(t, ctx);
    case '277':
    case '277CA':
      return map277(t, ctx, type);
    case '999':
      return map999(t);
    case '837P':
    case '837I':
      return map837(t, ctx, type);
  }
};

/** A reader error item that names the transaction it makes unreadable: that transaction, refused. */
export const unreadableTransaction = (item: Extract<ReadItem, { kind: 'error' }>): TransactionReport | undefined =>
  item.transaction ? refusedReport(item.transaction, item.error.reason, [item.error]) : undefined;
