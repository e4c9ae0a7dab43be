// Temp files that keep the memory of reading one X12 file bounded, whatever its size (Lambda: /tmp, its ephemeral
// storage, sized in lib/x12-files.ts):
// - SpillingPending: a transaction's pending units (an 835's claim loops...) in memory up to a limit, then, for the
//   rest of that transaction, in a temp file as JSON lines, read back once after its SE accepted it, or deleted.
// - ReportSpool: the file report written out as it is mapped (one transaction line at a time, a line's claims one by
//   one), then put together with the file's status and errors, known only at the end, into one JSON file.
// Files are created 0600 in a directory of this process; what a process killed mid-file left behind is removed
// when the next one makes its directory. Their content is what the file holds (an 837's patients among it): they
// live only while the file is read.
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayReader, type PendingFactory, type PendingUnits, type Reader, type UnitCodec } from '../x12/pending.js';

/** Units of one transaction held in memory before the rest go to a temp file (an 835 claim loop is ~1 KB held). */
export const spillAfterUnits = 2_000;
/** Text gathered before a write. */
const writeBuffer = 1 << 20;
const readBuffer = 1 << 20;

const dirPrefix = 'x12-spill-';
/** This process's directory under each base it used. */
const ownDirs = new Map<string, string>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * This process's directory for spill files under `base` (os.tmpdir() by default), made on first use. Directories of
 * processes that are gone, or of an earlier life of this pid (a Lambda runtime restarted after a timeout keeps /tmp),
 * are removed then.
 */
export const spillDir = (base = tmpdir()): string => {
  const own = ownDirs.get(base);
  if (own !== undefined) return own;
  try {
    for (const name of readdirSync(base)) {
      if (!name.startsWith(dirPrefix)) continue;
      const pid = Number(name.slice(dirPrefix.length).split('-')[0]);
      if (Number.isInteger(pid) && (pid === process.pid || !isAlive(pid))) rmSync(join(base, name), { recursive: true, force: true });
    }
  } catch {
    // An unreadable temp dir is not ours to clean; making our own below still reports a real problem.
  }
  const dir = join(base, `${dirPrefix}${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  ownDirs.set(base, dir);
  return dir;
};

/** The spill and report files of this process under `base` now (tests: nothing is left behind). */
export const spillFiles = (base = tmpdir()): string[] => {
  const dir = ownDirs.get(base);
  if (!dir) return [];
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

let serial = 0;
const tempPath = (kind: string, base?: string): string => join(spillDir(base), `${kind}-${++serial}-${randomBytes(4).toString('hex')}`);

/** Appends text to a file through a 1 MiB buffer (UTF-8); byte counts are exact. */
class TextFile {
  readonly path: string;
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(writeBuffer);
  private used = 0;
  /** Bytes written to the file so far (the buffer not counted). */
  private flushedBytes = 0;

  constructor(kind: string, base?: string) {
    this.path = tempPath(kind, base);
    this.fd = openSync(this.path, 'wx', 0o600);
  }

  write(text: string): void {
    // A character is at most 3 bytes in UTF-8 (a surrogate pair, 4 bytes for 2 characters).
    if (this.used + text.length * 3 > writeBuffer) {
      this.flush();
      if (text.length * 3 > writeBuffer) {
        this.flushedBytes += writeSync(this.fd!, text, null, 'utf8');
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  flush(): void {
    if (this.used === 0 || this.fd === undefined) return;
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.flushedBytes += this.used;
    this.used = 0;
  }

  /** Bytes in the file once the buffer is written. */
  get bytes(): number {
    this.flush();
    return this.flushedBytes;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  remove(): void {
    this.used = 0;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}

/**
 * The lines of a file of JSON lines, parsed 1 MiB of the file at a time (never the file whole); the file is removed
 * once its last line was read. A plain reader, not a generator (see pending.ts).
 */
class JsonLines<T> implements Reader<T> {
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(readBuffer);
  private carry: Buffer | undefined;
  private lines: string[] = [];
  private at = 0;

  constructor(
    private readonly file: TextFile,
    private readonly codec?: UnitCodec<T>,
  ) {
    this.fd = openSync(file.path, 'r');
  }

  next(): T | undefined {
    while (this.at >= this.lines.length) {
      if (!this.fill()) {
        this.close();
        return undefined;
      }
    }
    const line = this.lines[this.at]!;
    this.lines[this.at++] = '';
    const data: unknown = JSON.parse(line);
    return this.codec ? this.codec.decode(data) : (data as T);
  }

  /** Reads on until at least one whole line is there; false at the end. */
  private fill(): boolean {
    if (this.fd === undefined) return false;
    this.lines = [];
    this.at = 0;
    for (;;) {
      const read = readSync(this.fd, this.buffer, 0, readBuffer, null);
      if (read === 0) {
        const rest = this.carry;
        this.carry = undefined;
        if (rest && rest.length > 0) this.lines = [rest.toString('utf8')];
        return this.lines.length > 0;
      }
      let bytes = this.buffer.subarray(0, read);
      if (this.carry) bytes = Buffer.concat([this.carry, bytes]);
      // JSON escapes every newline inside a value, and no UTF-8 sequence holds byte 10: a 10 ends a line.
      const last = bytes.lastIndexOf(10);
      if (last < 0) {
        this.carry = Buffer.from(bytes);
        continue;
      }
      this.carry = last + 1 < bytes.length ? Buffer.from(bytes.subarray(last + 1)) : undefined;
      this.lines = bytes.toString('utf8', 0, last).split('\n');
      return true;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.lines = [];
    this.file.remove();
  }
}

export interface SpillOptions {
  /** Units held in memory before the transaction's units go to a temp file (default spillAfterUnits). */
  readonly afterUnits?: number;
  /** Where the temp files go (default os.tmpdir()). */
  readonly dir?: string;
  /** Hears when a transaction starts spilling (tests, metrics). */
  readonly onSpill?: () => void;
}

/** One transaction's units: an array while small, a temp file of JSON lines once past the limit. */
export class SpillingPending<T> implements PendingUnits<T> {
  private memory: T[] = [];
  private file: TextFile | undefined;
  /** The file being read back (closed and removed at its end, or by discard). */
  private reading: JsonLines<T> | undefined;
  private added = 0;

  constructor(
    private readonly options: SpillOptions = {},
    private readonly codec?: UnitCodec<T>,
  ) {}

  get count(): number {
    return this.added;
  }

  private line(unit: T): string {
    return `${JSON.stringify(this.codec ? this.codec.encode(unit) : unit)}\n`;
  }

  add(unit: T): void {
    this.added++;
    if (this.file) {
      this.file.write(this.line(unit));
      return;
    }
    this.memory.push(unit);
    if (this.memory.length > (this.options.afterUnits ?? spillAfterUnits)) {
      this.file = new TextFile('pending', this.options.dir);
      this.options.onSpill?.();
      for (const held of this.memory) this.file.write(this.line(held));
      this.memory = [];
    }
  }

  drain(): Reader<T> {
    const file = this.file;
    if (!file) {
      const units = this.memory;
      this.memory = [];
      return arrayReader(units);
    }
    this.file = undefined;
    file.close();
    this.reading = new JsonLines<T>(file, this.codec);
    return this.reading;
  }

  discard(): void {
    this.memory = [];
    this.file?.remove();
    this.file = undefined;
    this.reading?.close();
    this.reading = undefined;
  }
}

/** A PendingFactory whose stores spill past `afterUnits` units. */
export const spilling =
  (options: SpillOptions = {}): PendingFactory =>
  <T>(codec?: UnitCodec<T>) =>
    new SpillingPending<T>(options, codec);

/** A part of a report: text, or a byte range of a spool file. */
export type ReportPart = string | { readonly path: string; readonly start: number; readonly end: number };

/** A report put together from its parts (ReportSpool.finish): streamed or read without copying the spool file. */
export interface ReportParts {
  readonly parts: readonly ReportPart[];
  /** Its size in bytes (UTF-8). */
  readonly bytes: number;
}

/** The report's bytes, part by part, 1 MiB at a time. */
export async function* reportChunks(report: ReportParts): AsyncGenerator<Buffer> {
  for (const part of report.parts) {
    if (typeof part === 'string') {
      if (part.length > 0) yield Buffer.from(part, 'utf8');
      continue;
    }
    if (part.end <= part.start) continue;
    for await (const chunk of createReadStream(part.path, { start: part.start, end: part.end - 1, highWaterMark: readBuffer })) yield chunk as Buffer;
  }
}

/** The report as one string (a small one: the table keeps reports up to 300 KB). */
export const reportText = (report: ReportParts): string => {
  const chunks: Buffer[] = [];
  for (const part of report.parts) {
    if (typeof part === 'string') {
      chunks.push(Buffer.from(part, 'utf8'));
      continue;
    }
    const length = part.end - part.start;
    if (length <= 0) continue;
    const buffer = Buffer.allocUnsafe(length);
    const fd = openSync(part.path, 'r');
    try {
      let done = 0;
      while (done < length) {
        const read = readSync(fd, buffer, done, length - done, part.start + done);
        if (read === 0) throw new Error('the report spool ended early');
        done += read;
      }
    } finally {
      closeSync(fd);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The report of one file, written as it is mapped: transaction lines in order, each line's list entries one by one.
 * A line whose final text is known only after the read (a 999's, completed from the 837 batches received) leaves a
 * place. `finish` gives the report as parts: the file's facts, status and errors (known at the end), the spool's
 * ranges with each deferred line in its place, and the closing brackets; the spool is kept until `remove`.
 */
export class ReportSpool {
  private readonly lines: TextFile;
  private count = 0;
  private entries = 0;
  private inLine = false;
  /** Byte offsets in the lines file where a deferred line goes, in order. */
  private readonly places: number[] = [];

  constructor(dir?: string) {
    this.lines = new TextFile('report', dir);
  }

  /** Starts a line: its JSON up to its list's entries (`before`), then `entry` for each, then `endLine(after)`. */
  beginLine(before: string): void {
    this.lines.write(this.count++ === 0 ? before : `,${before}`);
    this.entries = 0;
    this.inLine = true;
  }

  entry(json: string): void {
    this.lines.write(this.entries++ === 0 ? json : `,${json}`);
  }

  endLine(after: string): void {
    this.lines.write(after);
    this.inLine = false;
  }

  /** Leaves the place of a line given to `finish`. */
  defer(): void {
    if (this.inLine) throw new Error('a line is being written');
    if (this.count++ > 0) this.lines.write(',');
    this.places.push(this.lines.bytes);
  }

  /**
   * The report: `head` (its JSON up to its transactions: `{..., "transactions":[`), the lines with each deferred one
   * in its place (`deferred`, in order), then `]}`.
   */
  finish(head: string, deferred: readonly string[]): ReportParts {
    if (deferred.length !== this.places.length) throw new Error(`${this.places.length} deferred lines, ${deferred.length} given`);
    const size = this.lines.bytes;
    this.lines.close();
    const parts: ReportPart[] = [head];
    let at = 0;
    this.places.forEach((place, i) => {
      if (place > at) parts.push({ path: this.lines.path, start: at, end: place });
      parts.push(deferred[i]!);
      at = place;
    });
    if (size > at) parts.push({ path: this.lines.path, start: at, end: size });
    parts.push(']}');
    let bytes = 0;
    for (const part of parts) bytes += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.end - part.start;
    return { parts, bytes };
  }

  /** Removes the spool (after the report was stored, or on a failure). */
  remove(): void {
    this.lines.remove();
  }
}
