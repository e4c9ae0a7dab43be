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
//   transaction; an unbalanced 835 is refused whole. Inside an accepted transaction, each event is checked against the
//   contract on its own (an 835's claims first by fast-contract.ts, which passes only what the contract accepts, else
//   by the contract itself): one refused claim is reported on its claim and does not stop the others.
// - Segment by segment (TransactionMapping): the version and type are decided at ST, the rest at SE; nothing of a
//   transaction is applied before its SE was read and the transaction accepted.
import type { ClaimEvent } from '../domain/claim-events.js';
import { status277Mapper, type Status277Report } from './map-277.js';
import { remit835Mapper, UnreadableTransaction, type Finished, type ListEntry, type MapContext, type Reader, type Remit835Report, type SegmentMapper } from './map-835.js';
import { claim837Mapper, type Claim837Report } from './map-837.js';
import { ack999Mapper, type Ack999Report } from './map-999.js';
import type { ReadItem, Segment, Transaction, TransactionHeader, X12Error } from './segments.js';

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

/** A transaction's report line, its list (claims, statuses) still to come from `entries`. */
export interface MappedLine {
  /** The report line; its list field (`listKey`), when it has one, is [] here. */
  readonly report: TransactionReport;
  readonly listKey?: string;
  /** Each list entry and its event (events only when the line is accepted), in order; once, or `discard`. */
  entries(): Reader<ListEntry<unknown>>;
  /** Drops what the line still holds (its pending units, temp files). */
  discard(): void;
}

const noEntries = (): Reader<ListEntry<unknown>> => ({ next: () => undefined });

/** One transaction mapped as the reader hands it on: begun at its ST, ended at its SE (or abandoned). */
export class TransactionMapping {
  private started = false;
  private implementation = '';
  /** A refusal decided at ST: the version, which nothing overrides. */
  private versionRefusal: string | undefined;
  /** A refusal decided at ST that an envelope error, known at SE, takes precedence over: the type or guide. */
  private typeRefusal: string | undefined;
  private mapper: SegmentMapper<object, unknown> | undefined;
  private type: TransactionType | undefined;
  private unreadable: X12Error | undefined;

  constructor(
    private readonly header: TransactionHeader,
    private readonly ctx: MapContext,
  ) {}

  /** The checks of mapTransaction that ST already answers. */
  private start(st: Segment | undefined): void {
    this.started = true;
    const st03 = st?.id === 'ST' ? (st.elements[3] ?? '').trim() : '';
    const implementation = this.header.implementation || st03;
    this.implementation = implementation;
    if (!implementation.startsWith('005010')) {
      this.versionRefusal = `version ${implementation || 'unknown'} is not 5010; only 5010 files are read`;
      return;
    }
    const interchangeVersion = this.header.interchangeVersion;
    if (interchangeVersion !== '00501') {
      this.versionRefusal = `interchange version ${interchangeVersion || 'unknown'} is not 5010; only 5010 files are read`;
      return;
    }
    const type = transactionTypeOf(this.header.setId, implementation);
    if (!type) {
      this.typeRefusal = `transaction set ${this.header.setId} (${implementation}) is not mapped`;
      return;
    }
    if (guideOf(implementation) !== expectedGuide[type]) {
      this.typeRefusal = `${type} with implementation ${implementation} is not mapped`;
      return;
    }
    this.type = type;
    this.mapper = mapperOf(type, { ...this.header, implementation }, this.ctx);
  }

  segment(s: Segment): void {
    if (!this.started) this.start(s);
    const mapper = this.mapper;
    if (mapper === undefined || this.unreadable) return;
    try {
      mapper.segment(s);
    } catch (error) {
      if (!(error instanceof UnreadableTransaction)) throw error;
      this.unreadable = error.error;
      mapper.discard();
    }
  }

  /** After SE: the line (accepted, or refused whole with the first reason that applies). */
  end(envelopeErrors: readonly X12Error[]): MappedLine {
    if (!this.started) this.start(undefined);
    const header: Header = { ...this.header, implementation: this.implementation };
    const refuse = (reason: string, errors: readonly X12Error[] = []): MappedLine => {
      this.abandon();
      return { report: refusedReport(header, reason, errors), entries: noEntries, discard: () => undefined };
    };
    if (this.versionRefusal) return refuse(this.versionRefusal);
    const refusing = envelopeErrors.filter((e) => !isEnvelopeWarning(e));
    if (refusing.length > 0) return refuse(`envelope error: ${refusing.map((e) => e.reason).join('; ')}`, refusing);
    if (this.typeRefusal) return refuse(this.typeRefusal);
    if (this.unreadable) return refuse(this.unreadable.reason, [this.unreadable]);
    const mapper = this.mapper!;
    let finished: Finished<object, unknown>;
    try {
      finished = mapper.finish();
    } catch (error) {
      if (error instanceof UnreadableTransaction) return refuse(error.error.reason, [error.error]);
      mapper.discard();
      throw error;
    }
    const refusal = finished.refusal;
    const report = {
      type: this.type!,
      interchangeControlNumber: header.interchangeControlNumber,
      groupControlNumber: header.groupControlNumber,
      controlNumber: header.controlNumber,
      implementation: header.implementation,
      status: refusal ? 'refused' : 'accepted',
      reason: refusal?.reason ?? null,
      errors: refusal?.errors ?? [],
      ...finished.details,
    } as TransactionReport;
    return {
      report,
      ...(finished.listKey ? { listKey: finished.listKey } : {}),
      entries: refusal ? () => withoutEvents(finished.entries()) : () => finished.entries(),
      discard: () => mapper.discard(),
    };
  }

  /** Cut short (the reader's error named it) or refused: drops what its mapper kept. */
  abandon(): void {
    this.mapper?.discard();
    this.mapper = undefined;
  }
}

const withoutEvents = (entries: Reader<ListEntry<unknown>>): Reader<ListEntry<unknown>> => ({
  next: () => {
    const next = entries.next();
    return next === undefined ? undefined : { entry: next.entry };
  },
});

const mapperOf = (type: TransactionType, header: TransactionHeader, ctx: MapContext): SegmentMapper<object, unknown> => mapperFor(type, header, ctx) as unknown as SegmentMapper<object, unknown>;

const mapperFor = (type: TransactionType, header: TransactionHeader, ctx: MapContext) => {
  switch (type) {
    case '835':
      return remit835Mapper(header, ctx);
    case '277':
    case '277CA':
      return status277Mapper(header, ctx, type);
    case '999':
      return ack999Mapper();
    case '837P':
    case '837I':
      return claim837Mapper(header, ctx, type);
  }
};

/** A line with its list read into it: the whole report line and its events, in memory. */
export const collectLine = (line: MappedLine): MappedTransaction => {
  try {
    const list: unknown[] = [];
    const events: ClaimEvent[] = [];
    const entries = line.entries();
    for (let next = entries.next(); next !== undefined; next = entries.next()) {
      list.push(next.entry);
      if (next.event) events.push(next.event);
    }
    const report = line.listKey ? ({ ...line.report, [line.listKey]: list } as TransactionReport) : line.report;
    return { report, events: report.status === 'accepted' ? events : [] };
  } finally {
    line.discard();
  }
};

/** Maps one whole transaction (tests, small files): its report line and validated events, in memory. */
export const mapTransaction = (t: Transaction, ctx: MapContext): MappedTransaction => {
  const mapping = new TransactionMapping(t, ctx);
  for (const s of t.segments) mapping.segment(s);
  return collectLine(mapping.end(t.envelopeErrors));
};

/** A reader error item that names the transaction it makes unreadable: that transaction, refused. */
export const unreadableTransaction = (item: Extract<ReadItem, { kind: 'error' }>): TransactionReport | undefined =>
  item.transaction ? refusedReport(item.transaction, item.error.reason, [item.error]) : undefined;
