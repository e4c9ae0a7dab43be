// Builds the report of one X12 file from the reader's items: every transaction's line, the file's errors, and the
// claim events of the accepted transactions. Pure: the caller reads the file and sends the events.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { ClaimEvent } from '../domain/claim-events.js';
import { isEnvelopeWarning, mapTransaction, unreadableTransaction, type MapContext, type TransactionReport } from './map-transaction.js';
import type { ReadItem, X12Error } from './segments.js';

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
 * Collects reader items one by one; `result()` gives the report so far. A caller streaming a large file takes the
 * events as they come (`takeEvents()` after each item) so that only the report is held, and names the file's facts
 * when it knows them (its sha256 is known only once the last byte was read).
 */
export class FileReportBuilder {
  private readonly transactions: TransactionReport[] = [];
  private readonly errors: FileError[] = [];
  private readonly seen = new Set<string>();
  private readonly events: ClaimEvent[] = [];
  private unreadable = false;

  constructor(
    private readonly facts: FileFacts,
    private readonly ctx: MapContext,
  ) {}

  add(item: ReadItem): void {
    if (item.kind === 'transaction') {
      const mapped = mapTransaction(item.transaction, this.ctx);
      this.transactions.push(mapped.report);
      for (const event of mapped.events) this.events.push(event);
      // Its SE errors (which refused it) are the file's errors too; GE/IEA ones only warn.
      for (const error of item.transaction.envelopeErrors) this.note(error, isEnvelopeWarning(error) ? 'warning' : 'error');
      return;
    }
    const refused = unreadableTransaction(item);
    if (refused) this.transactions.push(refused);
    const severity = !refused && isEnvelopeWarning(item.error) ? 'warning' : 'error';
    if (severity === 'error') this.unreadable = true;
    this.note(item.error, severity);
  }

  /** The events of the items added since the last call (they are not kept for `result()` any more). */
  takeEvents(): ClaimEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** The report, with the file's facts (given now, or at construction); the events not yet taken. */
  result(facts: FileFacts = this.facts): FileResult {
    const accepted = this.transactions.filter((t) => t.status === 'accepted').length;
    const status = accepted === 0 ? 'refused' : accepted === this.transactions.length && !this.unreadable ? 'accepted' : 'partial';
    return { report: { ...facts, status, errors: [...this.errors], transactions: [...this.transactions] }, events: [...this.events] };
  }

  private note(error: X12Error, severity: FileError['severity']): void {
    const key = `${error.segmentNumber}|${error.offset}|${error.reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push({ segment: error.segment, segmentNumber: error.segmentNumber, offset: error.offset, reason: error.reason, severity });
  }
}

/** The report of a file from all its reader items (an array, or the reader's async generator). */
export const buildFileReport = async (facts: FileFacts, items: Iterable<ReadItem> | AsyncIterable<ReadItem>, ctx: MapContext): Promise<FileResult> => {
  const builder = new FileReportBuilder(facts, ctx);
  for await (const item of items) builder.add(item);
  return builder.result();
};
