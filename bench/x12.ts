// npm run bench:x12 — a 50 MB 835 (built from the fixtures, bench/x12-file.ts) read and mapped, against a plain read and
// segment split of the same bytes in the same run; a single-transaction 835 of the same size (one ST..SE: its pending
// claims spill to a temp file until SE accepts it), for its peak RSS; then files → events → claims end to end, against
// bench:ingest's raw DynamoDB Local limit measured in the same run.
//  1. Baseline: fs.readFile + toString('latin1') + split on `~` + split each segment on `*` (best of --runs).
//  2. Ours, in a fresh process each run (bench/x12-read.ts, for a clean peak RSS): what ingest-x12-file does with an
//     object (readX12File): 64 KiB chunks of a file stream, hashed on the way (the report's sha256) → the reader → each
//     transaction mapped as its segments come → each report line written to the report's temp file as it is finished,
//     events handed on a few hundred at a time (counted and dropped) → the report file put together. Peak RSS is the
//     child's kernel high-water mark (ru_maxrss), startup included, gc run before.
//  3. The same child on the single-transaction file: its peak RSS (a transaction's units past 2,000 go to a temp file).
//  4. End to end: --claims claims submitted first (not measured), then a smaller 835 paying each of them once, streamed
//     through the same path, each event as the ingest consumer takes it (its JSON message body parsed and validated,
//     a batch's claims read at once, then ingestClaimEvent per event), --concurrency batches of up to --batch events
//     at once as bench:ingest runs its consumer; against the same three-item TransactWriteItems bench:ingest measures
//     as its raw limit (best of concurrency 8/16/32), with this run's item sizes.
// Last line: {"bench":"x12","fileMB":..,"readerMBps":..,"baselineMBps":..,"readerRatio":..,"peakRssMB":..,"events":..,
// "singleTransactionPeakRssMB":..,"singleTransactionMBps":..,"endToEndEventsPerSec":..,"rawEventsPerSec":..,"endToEndRatio":..}
// Options: -- --mb 50 --claims 20000 --concurrency 3 --batch 25 --runs 3 --keep-files
import '../local/quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClaimEvent } from '../functions/domain/claim-events.js';
import { ingestClaimEvent, parseClaimEvent } from '../functions/services/ingest-claim-event.js';
import { PermanentError } from '../functions/shared/errors.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { demoClaimEvents } from '../local/demo-data.js';
import { localClientConfig, startLocalStack } from '../local/emulators.js';
import { cacheDir } from '../local/paths.js';
import { benchConfig } from './bench-config.js';
import { rawIngestRate } from './raw-ingest.js';
import { build835, buildSingle835 } from './x12-file.js';
import { streamFile } from './x12-read.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '50' },
    claims: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '3' },
    batch: { type: 'string', default: '25' },
    runs: { type: 'string', default: '3' },
    'keep-files': { type: 'boolean', default: false },
  },
});
const fileBytes = Math.round(Number(args.mb) * 1024 * 1024);
const claimCount = Number(args.claims);
const pollers = Number(args.concurrency);
const batchSize = Number(args.batch);
const runs = Math.max(1, Number(args.runs));
const tenantId = 'bench-x12';
const config = benchConfig([tenantId]);
const log = (message: string): void => console.error(message);
const MB = 1024 * 1024;
const round = (n: number): number => Math.round(n * 100) / 100;
const dir = join(cacheDir, 'bench-x12');
mkdirSync(dir, { recursive: true });
const files: string[] = [];

// Remits dated yesterday, submissions in the weeks before: every event is in order, none in the future.
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const remitDate = day(-1);

// ---- 1. The 50 MB file ----
const bigPath = join(dir, `remit-${args.mb}mb.835`);
files.push(bigPath);
let began = performance.now();
const big = await build835({ path: bigPath, interchangeControlNumber: '000000835', targetBytes: fileBytes, remitDate: remitDate.replaceAll('-', '') });
log(`built ${bigPath}: ${(big.bytes / MB).toFixed(1)} MB, ${big.transactions} remittances, ${big.claims} claims from ${big.templates} fixture remittances in ${((performance.now() - began) / 1000).toFixed(1)} s`);

// ---- 2. Baseline vs our reader + mappers + report ----
const baseline = async (): Promise<number> => {
  const start = performance.now();
  const text = (await readFile(bigPath)).toString('latin1');
  let elements = 0;
  for (const segment of text.split('~')) elements += segment.split('*').length;
  const seconds = (performance.now() - start) / 1000;
  if (elements < big.claims) throw new Error('baseline read nothing');
  return text.length / MB / seconds;
};

interface ChildResult {
  readonly mode: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly transactions: number;
  readonly accepted: number;
  readonly claims: number;
  readonly events: number;
  readonly status: string;
  readonly errors: number;
  readonly peakRssMB: number;
  readonly maxRssMB: number;
  readonly reportJsonMB: number;
  readonly spilledTransactions: number;
}

const readInChild = (mode: 'stream' | 'keep', path = bigPath): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'x12-read.ts'), path, mode], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`x12-read.ts ${mode} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
    });
  });

let baselineMBps = 0;
let readerMBps = 0;
let peakRssMB = 0;
let streamed: ChildResult | undefined;
// Interleaved, so a slow moment of the machine does not fall on one side only.
for (let run = 1; run <= runs; run++) {
  const base = await baseline();
  const ours = await readInChild('stream');
  const mbps = ours.bytes / MB / ours.seconds;
  log(`run ${run}: baseline ${base.toFixed(0)} MB/s; reader + mappers + report ${mbps.toFixed(1)} MB/s (${ours.seconds.toFixed(1)} s), peak RSS ${ours.maxRssMB.toFixed(0)} MB (sampled ${ours.peakRssMB.toFixed(0)} MB)`);
  baselineMBps = Math.max(baselineMBps, base);
  readerMBps = Math.max(readerMBps, mbps);
  peakRssMB = Math.max(peakRssMB, ours.maxRssMB);
  streamed = ours;
}
const s = streamed!;
log(`file: ${s.transactions} transactions (${s.accepted} accepted), ${s.claims} claims, ${s.events} events, status ${s.status}, ${s.errors} errors; the report (${s.reportJsonMB.toFixed(1)} MB of JSON) written to a temp file as it was mapped, never held`);
if (s.status !== 'accepted' || s.events !== big.claims) throw new Error(`the synthetic file did not map whole: ${s.events} events for ${big.claims} claims, status ${s.status}`);
const kept = await readInChild('keep');
log(`buildFileReport (the whole report and every event held in memory, for tests and small files): ${(kept.bytes / MB / kept.seconds).toFixed(1)} MB/s, peak RSS ${kept.maxRssMB.toFixed(0)} MB`);
log(`reader: ${readerMBps.toFixed(1)} vs baseline ${baselineMBps.toFixed(0)} MB/s = ratio ${(readerMBps / baselineMBps).toFixed(3)} (goal ≥ 0.5); peak RSS ${peakRssMB.toFixed(0)} MB (goal ≤ 256)`);

// ---- 3. One transaction of the same size ----
const singlePath = join(dir, `remit-${args.mb}mb-single.835`);
files.push(singlePath);
began = performance.now();
const single = await buildSingle835({ path: singlePath, interchangeControlNumber: '000000836', targetBytes: fileBytes, remitDate: remitDate.replaceAll('-', '') });
log(`built ${singlePath}: ${(single.bytes / MB).toFixed(1)} MB, one remittance of ${single.claims} claims in ${((performance.now() - began) / 1000).toFixed(1)} s`);
const one = await readInChild('stream', singlePath);
if (one.status !== 'accepted' || one.events !== single.claims || one.spilledTransactions !== 1) throw new Error(`the single-transaction file did not map whole: ${one.events} events for ${single.claims} claims, status ${one.status}`);
const singleMBps = one.bytes / MB / one.seconds;
log(`single transaction: ${one.claims} claims held past 2,000 in a temp file until SE: ${singleMBps.toFixed(1)} MB/s, peak RSS ${one.maxRssMB.toFixed(0)} MB (goal ≤ 256; a 41 MB one peaked at 1.4 GB when held whole)`);

// ---- 4. End to end: files → events → claims ----
const stack = await startLocalStack({ cacheDir });
let endToEndEventsPerSec = 0;
let rawEventsPerSec = 0;
let events = 0; // end to end
try {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)), { marshallOptions: { removeUndefinedValues: true } });
  const store = new ClaimStore(client, stack.tableName, config.shardCount);
  const isKnownTenant = (id: string): boolean => id === tenantId;

  // DynamoDB Local runs on the JVM: warm it up first, as bench:ingest does.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < 3000; i = next++) {
        const key = { pk: `T#warmup#CLAIM#${i}`, sk: 'CLAIM' };
        await client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: stack.tableName, Item: { ...key, sk: 'EVENT#1' } } }, { Put: { TableName: stack.tableName, Item: key } }] }));
        await client.send(new GetCommand({ TableName: stack.tableName, Key: key, ConsistentRead: true }));
      }
    }),
  );

  // The claims the remittances pay, submitted first (not measured).
  const submitted = [...demoClaimEvents({ tenantId, claims: claimCount, today: day(-6), seed: 14, prefix: 'X12B' })].map((claim) => claim[0]!);
  const e2ePath = join(dir, `remit-${claimCount}-claims.835`);
  files.push(e2ePath);
  const small = await build835({ path: e2ePath, interchangeControlNumber: '000020835', claimIds: submitted.map((e) => e.payload.claimId), remitDate: remitDate.replaceAll('-', ''), seed: 20 });
  log(`built ${e2ePath}: ${(small.bytes / MB).toFixed(1)} MB, ${small.transactions} remittances, ${small.claims} claims`);
  began = performance.now();
  next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < submitted.length; i = next++) await ingestClaimEvent(store, submitted[i]!, { isKnownTenant, receivedAt: new Date().toISOString() });
    }),
  );
  log(`${submitted.length} claims submitted in ${((performance.now() - began) / 1000).toFixed(1)} s`);

  // A dry pass first (the JIT warmed, as the DynamoDB side is): the file alone, read and mapped.
  began = performance.now();
  let dryEvents = 0;
  (await streamFile(e2ePath, { tenantId }, (e) => void (dryEvents += e.length))).remove();
  log(`dry pass: ${dryEvents} events read and mapped in ${((performance.now() - began) / 1000).toFixed(2)} s`);

  // The measured pass: the mapper produces message bodies into a bounded buffer, the pollers take batches from it.
  const buffer: string[] = [];
  let produced = false;
  const waiting: Array<() => void> = [];
  const wakeConsumers = (): void => waiting.splice(0).forEach((wake) => wake());
  let wakeProducer: () => void = () => undefined;
  const waitForBodies = (): Promise<void> => new Promise((resolve) => waiting.push(resolve));
  const outcomes = { applied: 0, duplicate: 0, rejected: 0, failed: 0 };
  let bodyBytes = 0;
  const reasons = new Map<string, number>();
  const processBatch = async (bodies: string[]): Promise<void> => {
    // As the consumer does: each body parsed and validated, the batch's claims read at once, claims in line.
    const parsed = bodies.map(parseClaimEvent);
    const readBefore = await store.currents(parsed.map((e) => ({ tenantId: e.tenantId, claimId: e.payload.claimId })));
    const inLine = new Map<string, Promise<unknown>>();
    await Promise.all(
      parsed.map((event) => {
        const key = ClaimStore.recordKey(event.tenantId, event.payload.claimId);
        const run = (inLine.get(key) ?? Promise.resolve())
          .catch(() => undefined)
          .then(async () => {
            try {
              const { outcome, after } = await ingestClaimEvent(store, event, { isKnownTenant, receivedAt: new Date().toISOString() }, readBefore.get(key));
              if (after) readBefore.set(key, after);
              else readBefore.delete(key);
              outcomes[outcome]++;
            } catch (error) {
              readBefore.delete(key);
              const reason = error instanceof PermanentError ? error.reason : (error as Error).name;
              reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
              if (error instanceof PermanentError) outcomes.rejected++;
              else outcomes.failed++;
            }
          });
        inLine.set(key, run);
        return run;
      }),
    );
  };
  const poller = async (): Promise<void> => {
    for (;;) {
      if (buffer.length === 0) {
        if (produced) return;
        await waitForBodies();
        continue;
      }
      const batch = buffer.splice(0, batchSize);
      wakeProducer();
      await processBatch(batch);
    }
  };
  const highWater = pollers * batchSize * 4;
  began = performance.now();
  const consumers = Array.from({ length: pollers }, poller);
  const read = await streamFile(
    e2ePath,
    { tenantId },
    async (mapped: ClaimEvent[]) => {
      for (const event of mapped) {
        const body = JSON.stringify(event);
        bodyBytes += body.length;
        buffer.push(body);
        events++;
      }
      wakeConsumers();
      while (buffer.length >= highWater) await new Promise<void>((resolve) => (wakeProducer = resolve));
    },
    { eventBatch: batchSize },
  );
  read.remove();
  produced = true;
  wakeConsumers();
  await Promise.all(consumers);
  const seconds = (performance.now() - began) / 1000;
  endToEndEventsPerSec = events / seconds;
  log(
    `end to end: ${events} events in ${seconds.toFixed(1)} s = ${endToEndEventsPerSec.toFixed(0)}/s (${pollers} batches of up to ${batchSize} at once): ` +
      `${outcomes.applied} applied, ${outcomes.duplicate} duplicates, ${outcomes.rejected} rejected, ${outcomes.failed} failed${reasons.size ? ` (${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
  );
  const sample = await store.current(tenantId, submitted[0]!.payload.claimId);
  log(`a claim after its remit: status ${sample.state?.status}, ${sample.state?.eventCount} events`);
  if (outcomes.applied !== events) throw new Error(`only ${outcomes.applied} of ${events} events applied`);

  // The raw limit, as bench:ingest measures it: the same three-item transaction with this run's item sizes.
  const claimItemBytes = JSON.stringify({ claim: sample.state, fold: sample.fold }).length;
  const markerBytes = JSON.stringify({ kind: 'claim-event-id', occurredAt: `${remitDate}T12:00:00Z`, digest: 'x'.repeat(64) }).length;
  const eventItemBytes = Math.round(bodyBytes / events);
  const rawAt = (concurrency: number, count: number): Promise<number> => rawIngestRate(client, stack.tableName, { markerBytes, eventItemBytes, claimItemBytes }, concurrency, count);
  for (const concurrency of [8, 16, 32]) {
    const rate = await rawAt(concurrency, Math.min(4000, events));
    log(`raw TransactWriteItems (3 items: ${markerBytes} B + ${eventItemBytes} B + ${claimItemBytes} B) at concurrency ${concurrency}: ${rate.toFixed(0)}/s`);
    rawEventsPerSec = Math.max(rawEventsPerSec, rate);
  }
  log(`end to end ${endToEndEventsPerSec.toFixed(0)}/s vs raw ${rawEventsPerSec.toFixed(0)}/s = ratio ${(endToEndEventsPerSec / rawEventsPerSec).toFixed(2)} (goal ≥ 0.5)`);
  client.destroy();
} finally {
  await stack.stop();
  if (!args['keep-files']) for (const file of files) rmSync(file, { force: true });
}

console.log(
  JSON.stringify({
    bench: 'x12',
    fileMB: round(big.bytes / MB),
    readerMBps: round(readerMBps),
    baselineMBps: round(baselineMBps),
    readerRatio: Math.round((readerMBps / baselineMBps) * 1000) / 1000,
    peakRssMB: round(peakRssMB),
    events: s.events,
    singleTransactionPeakRssMB: round(one.maxRssMB),
    singleTransactionMBps: round(singleMBps),
    endToEndEventsPerSec: round(endToEndEventsPerSec),
    rawEventsPerSec: round(rawEventsPerSec),
    endToEndRatio: round(endToEndEventsPerSec / rawEventsPerSec),
  }),
);
