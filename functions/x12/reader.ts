// Streaming X12 reader: byte chunks in; whole ST..SE transactions, or value-free errors, out in file order.
//
// Policy, in one place:
// - A transaction is yielded only when every segment from ST to SE was read. Anything that makes a transaction
//   uncertain (the file ends inside it, an ST/GS/GE/IEA/ISA before its SE, an unreadable segment id, a segment with
//   no terminator within 1 MiB) yields one `error` item naming the transaction instead; the rest of it is skipped.
// - SE01 ≠ the segment count and SE02 ≠ ST02 leave the transaction complete: it is yielded with `envelopeErrors`,
//   and the mappers' policy decides whether to trust it.
// - GE and IEA come after their transactions were yielded, so their mismatches (GE01 count, GE02 ≠ GS06, IEA01
//   count, IEA02 ≠ ISA13) and missing GE/IEA are yielded as separate `error` items after the group's transactions.
// - Text before the first ISA (a BOM, whitespace, prose) is skipped silently, unless it holds an IEA (an interchange
//   whose ISA is damaged beyond recognition); non-blank text between or after interchanges is one error (it may be
//   such an interchange). A damaged ISA is one error, then the reader resynchronises on the next "ISA".
// - Delimiters come from walking each ISA (reader-isa.ts); 4010 (ISA12 < 00402) has no repetition separator.
// - Offsets are character indexes in the latin1-decoded bytes, which are byte offsets in the file (one byte, one
//   char). A string given to readX12Text is read as is: offsets are its UTF-16 indexes (the same for ASCII).
// Two ways to read: X12Reader hands each segment to a sink as it is read (begin, segments, end, or an error that
// abandons the transaction), so nothing of a transaction is held here; readX12 collects them into whole transactions.
// Memory of X12Reader: the open envelopes, a segment count, and one partial segment (at most 1 MiB) as carry.
import { Buffer } from 'node:buffer';
import { isDelimiterChar, readIsa } from './reader-isa.js';
import type { Delimiters, ErrorItem, ReadItem, Segment, Transaction, TransactionHeader, X12Error } from './segments.js';

/** A segment without a terminator after this many characters means the terminator is not what the ISA said. */
export const MAX_SEGMENT_LENGTH = 1 << 20;
/** Large chunks are decoded in pieces, so one 50 MB chunk does not become one 50 MB string. */
const PIECE = 256 * 1024;

type TransactionRef = NonNullable<ErrorItem['transaction']>;
type Where = Pick<X12Error, 'segment' | 'segmentNumber' | 'offset'>;

interface OpenInterchange {
  readonly controlNumber: string;
  readonly version: string;
  readonly delimiters: Delimiters;
  groups: number;
}
interface OpenGroup {
  readonly controlNumber: string;
  readonly functionalId: string;
  readonly implementation: string;
  transactions: number;
}
interface OpenTransaction {
  readonly ref: TransactionRef;
  /** Segments read, ST included: SE01 is checked against it. */
  count: number;
  failed: boolean;
}

/**
 * What X12Reader hands on, in file order. A transaction is `begin`, its segments (ST first, SE last), then `end`; or
 * `begin`, some segments, then an `error` naming it, after which nothing more of it comes: whatever was taken of it
 * must be dropped. An error naming a transaction that had no `begin` (an ST outside a group) refuses it alone.
 */
export interface ReaderSink {
  begin(header: TransactionHeader): void;
  segment(segment: Segment): void;
  /** After its SE: the envelope problems of the complete transaction (none, usually). */
  end(envelopeErrors: X12Error[]): void;
  error(item: ErrorItem): void;
}

const isAsciiAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isBlank = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** A segment id is 2-3 upper-case letters or digits; anything else is never echoed. */
function isSegmentId(id: string): boolean {
  const n = id.length;
  if (n < 2 || n > 3) return false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** A count element (SE01, GE01, IEA01) as a number, or undefined when it is not one. */
function countOf(element: string | undefined): number | undefined {
  if (element === undefined) return undefined;
  const trimmed = element.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

const countMismatch = (name: string, declared: number | undefined, actual: number, what: string): string | undefined => {
  if (declared === undefined) return `${name} is not a number; ${actual} ${what}`;
  return declared === actual ? undefined : `${name}=${declared} but ${actual} ${what}`;
};

class Reader {
  constructor(private readonly sink: ReaderSink) {}

  private buf = '';
  /** Next character to read in `buf`. */
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  /** Characters of `buf` from here on are kept for the next chunk. */
  private keep = 0;
  private count = 0;
  private mode: 'seek' | 'interchange' = 'seek';
  /** While seeking an ISA: before the first one (silent), after an IEA (report text once), after an error (silent). */
  private seeking: 'prologue' | 'between' | 'resync' = 'prologue';
  private sawIsa = false;
  /** One error for a run of misplaced segments, not one per segment. */
  private quiet = false;
  private interchange: OpenInterchange | undefined;
  private group: OpenGroup | undefined;
  private tx: OpenTransaction | undefined;

  push(text: string): void {
    const keep = this.keep;
    this.buf = keep < this.buf.length ? this.buf.slice(keep) + text : text;
    this.base += keep;
    this.pos -= keep;
    this.keep = 0;
    this.run(false);
  }

  end(): void {
    this.run(true);
  }

  private run(atEnd: boolean): void {
    for (;;) {
      const switched = this.mode === 'seek' ? this.seekIsa(atEnd) : this.readSegments(atEnd);
      if (!switched) return;
    }
  }

  // ---- between interchanges: find the next ISA ----

  /** Returns true when an interchange was opened. */
  private seekIsa(atEnd: boolean): boolean {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    for (;;) {
      const p = buf.indexOf('ISA', pos);
      if (p < 0) {
        if (atEnd && this.seeking === 'between' && /^\s*IS?\s*$/.test(buf.slice(pos))) {
          // After an IEA, "I" or "IS" at the end of the file is the next ISA cut short.
          this.error({ segment: 'ISA', segmentNumber: this.count + 1, offset: this.base + buf.indexOf('I', pos) }, 'file ends inside segment ISA');
          this.pos = this.keep = len;
          return false;
        }
        // Keep the last characters: "IS" + "A" (or "IEA*1") may straddle the chunk boundary.
        const keepFrom = atEnd ? len : Math.max(pos, len - 5);
        this.skipped(pos, keepFrom);
        this.pos = this.keep = keepFrom;
        if (atEnd && !this.sawIsa) this.error({ segment: 'ISA', segmentNumber: this.count + 1, offset: 0 }, 'no ISA segment found');
        return false;
      }
      if (p + 6 >= len && !atEnd) return this.waitAt(pos, p);
      const sep = buf.charCodeAt(p + 3);
      const isa01End = buf.charCodeAt(p + 6);
      // "ISA", a separator, a two-character ISA01 and the same separator again; not the end of a word ("VISA").
      // NaN: the file ends there, and the ISA is reported as cut short.
      const sepOk = isDelimiterChar(sep) || Number.isNaN(sep);
      const candidate = sepOk && (isa01End === sep || Number.isNaN(isa01End)) && !(p > 0 && isAsciiAlnum(buf.charCodeAt(p - 1)));
      if (!candidate) {
        this.skipped(pos, p + 1);
        pos = p + 1;
        continue;
      }
      this.skipped(pos, p);
      const isa = readIsa(buf, p);
      if (isa.kind === 'more') {
        if (!atEnd) return this.waitAt(p, p);
        this.sawIsa = true;
        this.error({ segment: 'ISA', segmentNumber: this.count + 1, offset: this.base + p }, 'file ends inside segment ISA');
        this.pos = this.keep = len;
        return false;
      }
      this.sawIsa = true;
      const at = { segment: 'ISA', segmentNumber: ++this.count, offset: this.base + p };
      if (isa.kind === 'bad') {
        this.error(at, isa.reason);
        this.seeking = 'resync';
        pos = p + 3;
        continue;
      }
      const e = isa.elements;
      this.interchange = { controlNumber: (e[13] ?? '').trim(), version: e[12] ?? '', delimiters: isa.delimiters, groups: 0 };
      this.mode = 'interchange';
      this.quiet = false;
      this.pos = isa.end;
      return true;
    }
  }

  /** Not enough text yet to decide about an "ISA" at `p`: keep from just before it (its preceding character matters). */
  private waitAt(scanned: number, p: number): false {
    this.skipped(scanned, p);
    this.pos = p;
    this.keep = Math.max(0, p - 1);
    return false;
  }

  /**
   * Text skipped while seeking an ISA. After an interchange, non-blank text is reported once. Before the first ISA,
   * prose is fine, but an IEA there means an interchange whose ISA could not be recognised was skipped.
   */
  private skipped(from: number, to: number): void {
    const buf = this.buf;
    if (this.seeking === 'between') {
      for (let i = from; i < to; i++) {
        if (!isBlank(buf.charCodeAt(i))) {
          this.error({ segment: '', segmentNumber: this.count + 1, offset: this.base + i }, 'text outside an interchange');
          this.seeking = 'resync';
          return;
        }
      }
    } else if (this.seeking === 'prologue') {
      // The two characters after `to - 1` are always in `buf`: seeking keeps the last 5 characters for later.
      for (let i = buf.indexOf('IEA', from); i >= 0 && i < to; i = buf.indexOf('IEA', i + 1)) {
        const digit = buf.charCodeAt(i + 4);
        if (isDelimiterChar(buf.charCodeAt(i + 3)) && digit >= 48 && digit <= 57) {
          this.error({ segment: 'IEA', segmentNumber: this.count + 1, offset: this.base + i }, 'IEA before any readable ISA');
          this.seeking = 'resync';
          return;
        }
      }
    }
  }

  // ---- inside an interchange: segments ----

  /** Returns true when the interchange ended (IEA, a new ISA, or abandoned) and seeking should resume. */
  private readSegments(atEnd: boolean): boolean {
    const delimiters = (this.interchange as OpenInterchange).delimiters;
    const terminator = delimiters.segment;
    const separator = delimiters.element;
    const separatorCode = separator.charCodeAt(0);
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    for (;;) {
      // Whitespace between segments (CR/LF after `~`, indentation) is not part of any segment.
      let c = buf.charCodeAt(pos);
      while (c === 32 || (c >= 9 && c <= 13)) c = buf.charCodeAt(++pos);
      if (pos >= len) break;
      if (c === 73 && buf.charCodeAt(pos + 1) === 83 && buf.charCodeAt(pos + 2) === 65) {
        if (pos + 3 >= len && !atEnd) break;
        // An ISA carries its own delimiters: read it by walking, not with this interchange's terminator.
        if (isDelimiterChar(buf.charCodeAt(pos + 3))) {
          this.pos = pos;
          this.interruptedBy({ segment: 'ISA', segmentNumber: this.count + 1, offset: this.base + pos });
          return true;
        }
      }
      const end = buf.indexOf(terminator, pos);
      if (end < 0 ? len - pos > MAX_SEGMENT_LENGTH : end - pos > MAX_SEGMENT_LENGTH) return this.overlong(pos, separator);
      if (end < 0) break;
      if (end > pos) {
        // The id now; the elements only when someone reads them (a mapper skips most segments by their id). An id is
        // 2-3 characters: its separator is looked for there, and only a segment that has none so soon is searched
        // further (within itself: searching the rest of the text would make a long run of such segments quadratic).
        let cut = -1;
        for (let k = pos, limit = Math.min(end, pos + 4); k < limit; k++) {
          if (buf.charCodeAt(k) === separatorCode) {
            cut = k;
            break;
          }
        }
        if (cut < 0 && end - pos > 4) {
          const at = buf.slice(pos, end).indexOf(separator);
          if (at >= 0) cut = pos + at;
        }
        const whole = cut < 0;
        this.segment(new ReadSegment(whole ? buf.slice(pos, end) : buf.slice(pos, cut), buf, whole ? -1 : cut + 1, end, separator, ++this.count, this.base + pos));
      }
      pos = end + 1;
      if (this.mode !== 'interchange') {
        this.pos = this.keep = pos;
        return true;
      }
    }
    this.pos = this.keep = pos;
    if (atEnd) this.endOfFile(separator);
    return false;
  }

  /** No terminator within 1 MiB: the terminator cannot be what the ISA said; give up on this interchange. */
  private overlong(pos: number, separator: string): true {
    this.pos = this.keep = pos;
    this.failOrError(this.partialSegment(separator), 'segment longer than 1 MiB without a segment terminator');
    this.tx = this.group = this.interchange = undefined;
    this.mode = 'seek';
    this.seeking = 'resync';
    return true;
  }

  private segment(seg: Segment): void {
    const { id, offset } = seg;
    const tx = this.tx;
    if (!isSegmentId(id)) {
      const at = { segment: '', segmentNumber: seg.segmentNumber, offset };
      if (tx !== undefined) this.fail(tx, at, 'segment id unreadable');
      else this.misplaced(at, 'segment id unreadable');
      return;
    }
    if (tx !== undefined) {
      if (id === 'SE') {
        if (!tx.failed) {
          tx.count++;
          this.sink.segment(seg);
        }
        this.closeTransaction(tx, seg);
        return;
      }
      if (id !== 'ST' && id !== 'GS' && id !== 'GE' && id !== 'IEA') {
        if (!tx.failed) {
          tx.count++;
          this.sink.segment(seg);
        }
        return;
      }
      this.fail(tx, where(seg), `ST without SE before segment ${id}`);
      this.tx = undefined;
    }
    this.envelope(seg);
  }

  /** A segment outside any transaction: ST, GS, GE, IEA, TA1, or misplaced. */
  private envelope(seg: Segment): void {
    const id = seg.id;
    const group = this.group;
    if (group !== undefined) {
      if (id === 'ST') return this.openTransaction(seg, group);
      if (id === 'GE') return this.closeGroup(group, seg);
      if (id !== 'GS' && id !== 'IEA') return this.misplaced(where(seg), `segment ${id} outside a transaction`);
      this.error(where(seg), `GS without GE before segment ${id}`);
      this.group = undefined;
    }
    const interchange = this.interchange as OpenInterchange;
    if (id === 'GS') {
      interchange.groups++;
      this.quiet = false;
      const e = seg.elements;
      this.group = { functionalId: e[1] ?? '', controlNumber: e[6] ?? '', implementation: e[8] ?? '', transactions: 0 };
    } else if (id === 'IEA') {
      this.closeInterchange(interchange, seg);
    } else if (id === 'ST') {
      // Read to its SE so that its segments are not each reported, but never yielded: it has no group.
      this.openTransaction(seg, undefined);
      this.fail(this.tx as OpenTransaction, where(seg), 'segment ST outside a functional group');
    } else if (id !== 'TA1') {
      // TA1 (interchange acknowledgment) belongs between ISA and GS.
      this.misplaced(where(seg), `segment ${id} outside a functional group`);
    }
  }

  private openTransaction(st: Segment, group: OpenGroup | undefined): void {
    if (group !== undefined) group.transactions++;
    this.quiet = false;
    const e = st.elements;
    const st03 = e[3] ?? '';
    const ref: TransactionRef = {
      setId: e[1] ?? '',
      controlNumber: e[2] ?? '',
      implementation: st03 !== '' ? st03 : (group?.implementation ?? ''),
      interchangeControlNumber: (this.interchange as OpenInterchange).controlNumber,
      groupControlNumber: group?.controlNumber ?? '',
    };
    this.tx = { ref, count: 1, failed: false };
    // Without a group it is refused at once (envelope()): nothing of it is handed on.
    if (group === undefined) return;
    const interchange = this.interchange as OpenInterchange;
    this.sink.begin({
      setId: ref.setId,
      controlNumber: ref.controlNumber,
      implementation: ref.implementation,
      functionalId: group.functionalId,
      interchangeControlNumber: interchange.controlNumber,
      groupControlNumber: group.controlNumber,
      interchangeVersion: interchange.version,
      delimiters: interchange.delimiters,
    });
    this.sink.segment(st);
  }

  private closeTransaction(tx: OpenTransaction, se: Segment): void {
    this.tx = undefined;
    if (tx.failed) return;
    const envelopeErrors: X12Error[] = [];
    const counted = countMismatch('SE01', countOf(se.elements[1]), tx.count, 'segments');
    if (counted !== undefined) envelopeErrors.push({ ...where(se), reason: counted });
    if ((se.elements[2] ?? '') !== tx.ref.controlNumber) envelopeErrors.push({ ...where(se), reason: 'SE02 does not match ST02' });
    this.sink.end(envelopeErrors);
  }

  private closeGroup(group: OpenGroup, ge: Segment): void {
    this.group = undefined;
    this.quiet = false;
    const counted = countMismatch('GE01', countOf(ge.elements[1]), group.transactions, 'transaction sets');
    if (counted !== undefined) this.error(where(ge), counted);
    if ((ge.elements[2] ?? '').trim() !== group.controlNumber.trim()) this.error(where(ge), 'GE02 does not match GS06');
  }

  private closeInterchange(interchange: OpenInterchange, iea: Segment): void {
    const counted = countMismatch('IEA01', countOf(iea.elements[1]), interchange.groups, 'functional groups');
    if (counted !== undefined) this.error(where(iea), counted);
    if ((iea.elements[2] ?? '').trim() !== interchange.controlNumber) this.error(where(iea), 'IEA02 does not match ISA13');
    this.interchange = undefined;
    this.mode = 'seek';
    this.seeking = 'between';
  }

  /** An ISA before this interchange's IEA: whatever is open is incomplete. */
  private interruptedBy(at: Where): void {
    if (this.tx !== undefined) this.fail(this.tx, at, 'ST without SE before segment ISA');
    if (this.group !== undefined) this.error(at, 'GS without GE before segment ISA');
    this.error(at, 'ISA without IEA before segment ISA');
    this.tx = this.group = this.interchange = undefined;
    this.mode = 'seek';
    this.seeking = 'between';
  }

  private endOfFile(separator: string): void {
    const atEnd = { segmentNumber: this.count + 1, offset: this.base + this.buf.length };
    if (this.pos < this.buf.length) {
      const at = this.partialSegment(separator);
      this.failOrError(at, at.segment === '' ? 'file ends inside a segment' : `file ends inside segment ${at.segment}`);
    }
    if (this.tx !== undefined) this.fail(this.tx, { segment: 'SE', ...atEnd }, 'file ends before SE');
    if (this.group !== undefined) this.error({ segment: 'GE', ...atEnd }, 'file ends before GE');
    if (this.interchange !== undefined) this.error({ segment: 'IEA', ...atEnd }, 'file ends before IEA');
    this.tx = this.group = this.interchange = undefined;
  }

  /** The unterminated segment at `pos`, named only when its id is complete and readable. */
  private partialSegment(separator: string): Where {
    const head = this.buf.slice(this.pos, this.pos + 4);
    const cut = head.indexOf(separator);
    const id = cut > 0 ? head.slice(0, cut) : '';
    return { segment: isSegmentId(id) ? id : '', segmentNumber: this.count + 1, offset: this.base + this.pos };
  }

  // ---- errors ----

  private failOrError(at: Where, reason: string): void {
    if (this.tx !== undefined && !this.tx.failed) this.fail(this.tx, at, reason);
    else this.error(at, reason);
  }

  /** The first thing wrong with a transaction is reported with it; the rest of it is skipped. */
  private fail(tx: OpenTransaction, at: Where, reason: string): void {
    if (tx.failed) return;
    tx.failed = true;
    this.sink.error({ kind: 'error', error: { ...at, reason }, transaction: tx.ref });
  }

  private misplaced(at: Where, reason: string): void {
    if (this.quiet) return;
    this.quiet = true;
    this.error(at, reason);
  }

  private error(at: Where, reason: string): void {
    this.sink.error({ kind: 'error', error: { segment: at.segment, segmentNumber: at.segmentNumber, offset: at.offset, reason } });
  }
}

const where = (seg: Segment): Where => ({ segment: seg.id, segmentNumber: seg.segmentNumber, offset: seg.offset });

/**
 * A segment as read: its elements split from the text only when first asked for (by indexOf and slice within the
 * segment's own text, which in V8 is a few times quicker than String.split), then kept.
 */
class ReadSegment implements Segment {
  private split: string[] | undefined;

  constructor(
    readonly id: string,
    /** The text the segment is in, its first element's start (-1: the id is all there is) and its end. */
    private readonly text: string,
    private readonly from: number,
    private readonly end: number,
    private readonly separator: string,
    readonly segmentNumber: number,
    readonly offset: number,
  ) {}

  get elements(): string[] {
    if (this.split !== undefined) return this.split;
    const out = [this.id];
    if (this.from >= 0) {
      // Within the segment's own text, so that no search runs past its end.
      const own = this.text.slice(this.from, this.end);
      const separator = this.separator;
      let from = 0;
      for (;;) {
        const at = own.indexOf(separator, from);
        if (at < 0) {
          out.push(own.slice(from));
          break;
        }
        out.push(own.slice(from, at));
        from = at + 1;
      }
    }
    this.split = out;
    return out;
  }
}

/**
 * The streaming reader: text or byte chunks in (`push`, then `end`), each segment handed to the sink as soon as it is
 * read (see ReaderSink). Bytes are decoded latin1 (one byte, one character: offsets are byte offsets), large chunks
 * in pieces, so one 50 MB chunk does not become one 50 MB string.
 */
export class X12Reader {
  private readonly reader: Reader;

  constructor(sink: ReaderSink) {
    this.reader = new Reader(sink);
  }

  push(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') {
      this.reader.push(chunk);
      return;
    }
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let start = 0; start < bytes.length; start += PIECE) this.reader.push(bytes.toString('latin1', start, Math.min(start + PIECE, bytes.length)));
  }

  end(): void {
    this.reader.end();
  }
}

/** A sink that gathers each transaction's segments and gives whole transactions (and errors) as ReadItems. */
class Collector implements ReaderSink {
  private items: ReadItem[] = [];
  private header: TransactionHeader | undefined;
  private segments: Segment[] = [];

  begin(header: TransactionHeader): void {
    this.header = header;
    this.segments = [];
  }

  segment(segment: Segment): void {
    // Plain data for whoever holds whole transactions (and compares them).
    this.segments.push({ id: segment.id, elements: segment.elements, segmentNumber: segment.segmentNumber, offset: segment.offset });
  }

  end(envelopeErrors: X12Error[]): void {
    const transaction: Transaction = { ...(this.header as TransactionHeader), segments: this.segments, envelopeErrors };
    this.header = undefined;
    this.segments = [];
    this.items.push({ kind: 'transaction', transaction });
  }

  error(item: ErrorItem): void {
    if (item.transaction) {
      this.header = undefined;
      this.segments = [];
    }
    this.items.push(item);
  }

  take(): ReadItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/**
 * Reads X12 interchanges from byte chunks, yielding in file order each complete ST..SE transaction, or an error
 * item for what could not be read with certainty (see the policy at the top of this file). It holds each transaction
 * whole until its SE: for files of any size, X12Reader with a sink that holds nothing.
 */
export async function* readX12(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | Uint8Array | string): AsyncGenerator<ReadItem> {
  const collector = new Collector();
  const reader = new X12Reader(collector);
  // A lone buffer or string is one chunk, not an iterable of bytes or characters.
  const source = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      reader.push(chunk);
      yield* collector.take();
      continue;
    }
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let start = 0; start < bytes.length; start += PIECE) {
      reader.push(bytes.subarray(start, Math.min(start + PIECE, bytes.length)));
      yield* collector.take();
    }
  }
  reader.end();
  yield* collector.take();
}

/** Reads a whole file held in memory; for tests and mappers. */
export const readX12Text = async (text: string | Uint8Array): Promise<ReadItem[]> => {
  const items: ReadItem[] = [];
  for await (const item of readX12([text])) items.push(item);
  return items;
};
