// bench:x12's reader side, run in a fresh process for a clean peak RSS:
//   node --expose-gc --import tsx bench/x12-read.ts <file> [stream|keep]
// stream: what ingest-x12-file does with a file (services/x12-file-ingest.ts readX12File): 64 KiB chunks of a file
//         stream, hashed on the way → the reader → each transaction mapped as its segments come (a large one's pending
//         claims spilled to a temp file) → each line written to the report file as it is finished, its events handed
//         on 2,000 at a time (here counted and dropped) → the report file put together at the end (timed too).
// keep:   buildFileReport, which holds the whole report and every event of the file in memory.
// Prints one JSON line: {"mode","seconds","bytes","transactions","claims","events","status","peakRssMB","maxRssMB","reportJsonMB",...}.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ClaimEvent } from '../functions/domain/claim-events.js';
import { readX12File, type ReadFile, type ReadOptions } from '../functions/services/x12-file-ingest.js';
import { buildFileReport, type FileReport } from '../functions/x12/file-report.js';
import type { MapContext } from '../functions/x12/map-transaction.js';
import { readX12 } from '../functions/x12/reader.js';

export const chunkBytes = 64 * 1024;
const mb = (bytes: number): number => bytes / (1024 * 1024);

/** The file through readX12File as the Lambda reads an S3 object: events handed to `onEvents` and not kept. */
export const streamFile = async (path: string, ctx: MapContext, onEvents: (events: ClaimEvent[]) => void | Promise<void>, options: Omit<ReadOptions, 'onEvents'> = {}): Promise<ReadFile> =>
  readX12File(path, createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>, ctx, {
    ...options,
    onEvents: async (events) => {
      await onEvents(events);
    },
  });

const main = async (): Promise<void> => {
  // The V8 setting of the ingest-x12-file Lambda (its handler module loads it): in this child only, not in bench:x12's
  // own process, whose end-to-end part stands for the ingest consumer (another Lambda, without it).
  await import('../functions/services/x12-gc.js');
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
  let events = 0;
  let spilled = 0;
  const ctx = { tenantId: 'bench-x12' };
  const start = performance.now();
  if (mode === 'stream') {
    let claims = 0;
    const read = await streamFile(
      path,
      ctx,
      (e) => {
        events += e.length;
        sample();
      },
      { spill: { onSpill: () => spilled++ }, observe: (t) => (t.type === '835' ? { entry: () => void claims++ } : undefined) },
    );
    const report = read.writeReport();
    const seconds = (performance.now() - start) / 1000;
    sample();
    const figures = {
      bytes: read.facts.bytes,
      sha256: read.facts.sha256,
      transactions: read.transactionCount,
      accepted: read.transactionCount - read.refusedTransactionCount,
      claims,
      status: read.status,
      errors: read.errors.length,
      reportBytes: report.bytes,
    };
    read.remove();
    return finish(mode, seconds, figures, events, spilled, peakRss, timer);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path!, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield chunk;
    }
  }
  const facts = { file: path, sha256: '', bytes: 0 };
  const result = await buildFileReport(facts, readX12(hashed()), ctx);
  const seconds = (performance.now() - start) / 1000;
  sample();
  events = result.events.length;
  const figures = summarise({ ...result.report, sha256: hash.digest('hex'), bytes }, Buffer.byteLength(JSON.stringify(result.report)));
  return finish(mode, seconds, figures, events, spilled, peakRss, timer);
};

const summarise = (report: FileReport, reportBytes: number) => ({
  bytes: report.bytes,
  sha256: report.sha256,
  transactions: report.transactions.length,
  accepted: report.transactions.filter((t) => t.status === 'accepted').length,
  claims: report.transactions.reduce((sum, t) => sum + ((t as { claims?: unknown[] }).claims?.length ?? 0), 0),
  status: report.status,
  errors: report.errors.length,
  reportBytes,
});

const finish = (mode: string, seconds: number, figures: ReturnType<typeof summarise>, events: number, spilledTransactions: number, peakRss: number, timer: NodeJS.Timeout): void => {
  clearInterval(timer);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      seconds,
      ...figures,
      events,
      spilledTransactions,
      peakRssMB: mb(peakRss),
      // The kernel's high-water mark for the whole process (ru_maxrss, in KiB): startup and tsx included.
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      reportJsonMB: mb(figures.reportBytes),
    })}\n`,
  );
};

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
