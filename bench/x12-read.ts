// bench:x12's reader side, run in a fresh process for a clean peak RSS:
//   node --expose-gc --import tsx bench/x12-read.ts <file> [stream|keep]
// stream: the file in 64 KiB chunks → readX12 → FileReportBuilder item by item, each transaction's events counted and
//         dropped (what a Lambda that sends them on as it goes would hold: the report, not the events).
// keep:   buildFileReport as it is, which also collects every event of the file.
// Prints one JSON line: {"mode","seconds","bytes","transactions","claims","events","status","peakRssMB","maxRssMB","reportJsonMB"}.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ClaimEvent } from '../functions/domain/claim-events.js';
import { buildFileReport, FileReportBuilder, type FileFacts, type FileResult } from '../functions/x12/file-report.js';
import { readX12 } from '../functions/x12/reader.js';
import type { MapContext } from '../functions/x12/map-transaction.js';

export const chunkBytes = 64 * 1024;
const mb = (bytes: number): number => bytes / (1024 * 1024);

/** The facts are known only once the file was read: hashed chunk by chunk as the reader takes them. */
export interface StreamedFacts {
  file: string;
  sha256: string;
  bytes: number;
}

/** The file's chunks, hashed on the way; `facts` is complete when the iteration ends. */
export async function* hashedChunks(path: string, facts: StreamedFacts): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.byteLength;
    yield chunk;
  }
  facts.sha256 = hash.digest('hex');
  facts.bytes = bytes;
}

/** The events the builder mapped since the last take (it keeps none once taken). */
export const takeEvents = (builder: FileReportBuilder): ClaimEvent[] => builder.takeEvents();

/** The file through the reader, the mappers and the report, events handed to `onEvents` and not kept. */
export const streamFile = async (path: string, ctx: MapContext, onEvents: (events: ClaimEvent[]) => void | Promise<void>, onItem?: () => void): Promise<FileResult> => {
  const facts: StreamedFacts = { file: path, sha256: '', bytes: 0 };
  const builder = new FileReportBuilder(facts as FileFacts, ctx);
  for await (const item of readX12(hashedChunks(path, facts))) {
    builder.add(item);
    onItem?.();
    if (item.kind === 'transaction') {
      const events = takeEvents(builder);
      if (events.length) await onEvents(events);
    }
  }
  return builder.result();
};

const main = async (): Promise<void> => {
  const [path, mode = 'stream'] = process.argv.slice(2);
  if (!path || (mode !== 'stream' && mode !== 'keep')) throw new Error('usage: x12-read.ts <file> [stream|keep]');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let peakRss = process.memoryUsage.rss();
  const sample = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  };
  const timer = setInterval(sample, 5);
  let items = 0;
  let events = 0;
  const ctx = { tenantId: 'bench-x12' };
  const start = performance.now();
  let result: FileResult;
  if (mode === 'stream') {
    result = await streamFile(path, ctx, (e) => void (events += e.length), () => ++items % 64 === 0 && sample());
  } else {
    const facts: StreamedFacts = { file: path, sha256: '', bytes: 0 };
    result = await buildFileReport(facts as FileFacts, readX12(hashedChunks(path, facts)), ctx);
    events = result.events.length;
  }
  const seconds = (performance.now() - start) / 1000;
  sample();
  clearInterval(timer);
  const { report } = result;
  const claims = report.transactions.reduce((sum, t) => sum + ((t as { claims?: unknown[] }).claims?.length ?? 0), 0);
  const reportJsonMB = mb(JSON.stringify(report).length);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      seconds,
      bytes: report.bytes,
      sha256: report.sha256,
      transactions: report.transactions.length,
      accepted: report.transactions.filter((t) => t.status === 'accepted').length,
      claims,
      events,
      status: report.status,
      errors: report.errors.length,
      peakRssMB: mb(peakRss),
      // The kernel's high-water mark for the whole process (ru_maxrss, in KiB): startup and tsx included.
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      reportJsonMB,
    })}\n`,
  );
};

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
