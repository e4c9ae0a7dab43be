// Builds the report of one X12 file from the reader's items: every transaction's line, the file's errors, and the
// claim events of the accepted transactions. Pure: the caller reads the file and sends the events.
// Two ways: FileReportBuilder (and buildFileReport) hold the report whole, for tests and small files; FileMapper maps
// a file of any size as it streams, handing on each transaction's line with its list entries and events to read once,
// so that its caller can write the report out and send the events as they come (services/x12-file-ingest.ts).
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { ClaimEvent } from '../domain/claim-events.js';
import { collectLine, isEnvelopeWarning, mapTransaction, TransactionMapping, unreadableTransaction, type MapContext, type MappedLine, type TransactionReport } from './map-transaction.js';
import { X12Reader, type ReaderSink } from './reader.js';
import type { ErrorItem, ReadItem, Segment, TransactionHeader, X12Error } from './segments.js';

export interface FileError extends X12Error {
  /**
   * `warning`: a GE or IEA problem (count, control number, missing trailer) after transactions that were each read
   * whole; it refuses nothing. `error`: a part of the file that could not be read, or an SE error that refused its
   * transaction (also listed on that transaction).
   */
  readonly severity: 'warning' | 'error';
}

export interface FileFacts {
  /** The file's name as received (no path needed). */
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface FileReport extends FileFacts {
  /** accepted: every transaction accepted and nothing unreadable; refused: no transaction accepted; else partial. */
  readonly status: 'accepted' | 'partial' | 'refused';
  readonly errors: FileError[];
  readonly transactions: TransactionReport[];
}

export interface FileResult {
  readonly report: FileReport;
  /** Validated events of the accepted transactions, in file order. */
  readonly events: ClaimEvent[];
}

/** Name, sha256 and size of a file's content. */
export const fileFacts = (file: string, content: Uint8Array | string): FileFacts => ({
  file,
  sha256: createHash('sha256').update(content).digest('hex'),
  bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength,
});

/**
 * The file-level part of a report: its errors (each once, with its severity) and, from the transactions' statuses,
 * the file's status. What it holds grows with the file's errors, not with its transactions or claims.
 */
export class FileTally {
  readonly errors: FileError[] = [];
  private readonly seen = new Set<string>();
  private transactions = 0;
  private accepted = 0;
  private unreadable = false;

  /** A transaction's line: counted, and its SE errors (which refused it) noted as the file's too. */
  transaction(status: TransactionReport['status'], envelopeErrors: readonly X12Error[]): void {
    this.transactions++;
    if (status === 'accepted') this.accepted++;
    // Its SE errors (which refused it) are the file's errors too; GE/IEA ones only warn.
    for (const error of envelopeErrors) this.note(error, isEnvelopeWarning(error) ? 'warning' : 'error');
  }

  /** A reader error; `refused` when it refused a transaction (whose line is counted with `transaction`). */
  error(error: X12Error, refused: boolean): void {
    const severity = !refused && isEnvelopeWarning(error) ? 'warning' : 'error';
    if (severity === 'error') this.unreadable = true;
    this.note(error, severity);
  }

  /** accepted: every transaction accepted and nothing unreadable; refused: no transaction accepted; else partial. */
  get status(): FileReport['status'] {
    return this.accepted === 0 ? 'refused' : this.accepted === this.transactions && !this.unreadable ? 'accepted' : 'partial';
  }

  private note(error: X12Error, severity: FileError['severity']): void {
    const key = `${error.segmentNumber}|${error.offset}|${error.reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push({ segment: error.segment, segmentNumber: error.segmentNumber, offset: error.offset, reason: error.reason, severity });
  }
}

/**
 * Collects reader items one by one; `result()` gives the report so far. A caller streaming a large file takes the
 * events as they come (`takeEvents()` after each item) so that only the report is held, and names the file's facts
 * when it knows them (its sha256 is known only once the last byte was read). For files of any size: FileMapper.
 */
export class FileReportBuilder {
  private readonly transactions: TransactionReport[] = [];
  private readonly tally = new FileTally();
  private readonly events: ClaimEvent[] = [];

  constructor(
    private readonly facts: FileFacts,
    private readonly ctx: MapContext,
  ) {}

  add(item: ReadItem): void {
    if (item.kind === 'transaction') {
      const mapped = mapTransaction(item.transaction, this.ctx);
      this.transactions.push(mapped.report);
      for (const event of mapped.events) this.events.push(event);
      this.tally.transaction(mapped.report.status, item.transaction.envelopeErrors);
      return;
    }
    const refused = unreadableTransaction(item);
    if (refused) {
      this.transactions.push(refused);
      this.tally.transaction(refused.status, []);
    }
    this.tally.error(item.error, refused !== undefined);
  }

  /** The events of the items added since the last call (they are not kept for `result()` any more). */
  takeEvents(): ClaimEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** The report, with the file's facts (given now, or at construction); the events not yet taken. */
  result(facts: FileFacts = this.facts): FileResult {
    return { report: { ...facts, status: this.tally.status, errors: [...this.tally.errors], transactions: [...this.transactions] }, events: [...this.events] };
  }
}

/** The report of a file from all its reader items (an array, or the reader's async generator). */
export const buildFileReport = async (facts: FileFacts, items: Iterable<ReadItem> | AsyncIterable<ReadItem>, ctx: MapContext): Promise<FileResult> => {
  const builder = new FileReportBuilder(facts, ctx);
  for await (const item of items) builder.add(item);
  return builder.result();
};

/**
 * What FileMapper hands on, in file order: each transaction's line (accepted or refused, with its list entries and
 * events to read once, in order), and each reader error (already noted in the tally; its refused transaction, if any,
 * comes as a line of its own just before it).
 */
export type FileItem = { readonly kind: 'line'; readonly line: MappedLine } | { readonly kind: 'error'; readonly error: X12Error };

/**
 * Maps a file as its bytes come: the reader hands each segment to the transaction being mapped, which keeps only its
 * header facts and its pending units (MapContext.pending decides where they wait). After each `push` (and `end`), the
 * caller takes the items ready and reads each line's entries to the end before pushing more; a line it does not read
 * it must discard. Nothing here holds a transaction's segments, its events or the report.
 */
export class FileMapper {
  readonly tally = new FileTally();
  private readonly reader: X12Reader;
  private current: TransactionMapping | undefined;
  private items: FileItem[] = [];

  constructor(private readonly ctx: MapContext) {
    const sink: ReaderSink = {
      begin: (header: TransactionHeader) => {
        this.current = new TransactionMapping(header, this.ctx);
      },
      segment: (segment: Segment) => {
        this.current?.segment(segment);
      },
      end: (envelopeErrors: X12Error[]) => {
        const mapping = this.current;
        this.current = undefined;
        if (!mapping) return;
        const line = mapping.end(envelopeErrors);
        this.tally.transaction(line.report.status, envelopeErrors);
        this.items.push({ kind: 'line', line });
      },
      error: (item: ErrorItem) => {
        if (item.transaction) {
          this.current?.abandon();
          this.current = undefined;
        }
        const refused = unreadableTransaction(item);
        if (refused) {
          this.tally.transaction(refused.status, []);
          this.items.push({ kind: 'line', line: { report: refused, entries: () => ({ next: () => undefined }), discard: () => undefined } });
        }
        this.tally.error(item.error, refused !== undefined);
        this.items.push({ kind: 'error', error: item.error });
      },
    };
    this.reader = new X12Reader(sink);
  }

  push(chunk: Uint8Array | string): void {
    this.reader.push(chunk);
  }

  end(): void {
    this.reader.end();
  }

  /** The items ready since the last call, in file order. */
  take(): FileItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Drops whatever is held (a transaction being mapped, lines not taken): after a failure. */
  discard(): void {
    this.current?.abandon();
    this.current = undefined;
    for (const item of this.items) if (item.kind === 'line') item.line.discard();
    this.items = [];
  }
}

/** A line read whole (tests): its report line with its list, and its events. */
export { collectLine };
