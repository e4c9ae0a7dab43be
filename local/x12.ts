// `npm run x12 -- <file>... --tenant <id> [--dry-run] [--json]`: puts clearinghouse X12 files in the running system's
// inbox, one after another, and prints each file's report once the system has stored it; with --dry-run it only reads
// and maps them here, sending nothing. Exit 0 when every transaction was accepted, 1 when any was refused (or a report
// never came), 2 on a usage error.
import './quiet-warnings.js';
import '../functions/services/x12-gc.js';
import { Presets, SingleBar } from 'cli-progress';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { readX12File } from '../functions/services/x12-file-ingest.js';
import type { FileReport } from '../functions/x12/file-report.js';
import type { Report277, Report835, Report837, Report999, TransactionReport } from '../functions/x12/map-transaction.js';
import { loadConfig } from '../lib/config.js';
import { LocalInbox } from './emulators.js';
import { runningSystem } from './paths.js';

const usage = `npm run x12 -- <file>... --tenant <id> [--dry-run] [--json] [--timeout <seconds>]
  Puts each X12 file (835, 277CA, 277, 999, 837P/I) in the running system's inbox (inbox/<tenant>/<name>), waits for
  its report and prints it: a summary, or with --json one JSON object per file per line, in the order given (its
  "file" is the path as given here; the inbox holds the file under its base name).
  --dry-run  reads and maps the files here (no running system needed) and sends nothing
  --timeout  seconds to wait for each file's report (default 120)
  Exit 0 when every transaction was accepted, 1 when any was refused, 2 on a usage error.`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};

const { values: args, positionals: files } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // An unknown flag or a missing value.
    return fail((error as Error).message);
  }
})();
if (args.help) {
  console.log(usage);
  process.exit(0);
}
if (files.length === 0) fail('no file given');
if (args.tenant === undefined) fail('--tenant is required');
const config = loadConfig('dev');
const tenant = config.tenants.find((t) => t.id === args.tenant) ?? fail(`--tenant: unknown tenant "${args.tenant}"; configured: ${config.tenants.map((t) => t.id).join(', ')}`);
const timeoutSeconds = args.timeout === undefined ? 120 : Number(args.timeout);
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) fail(`--timeout: "${args.timeout}" is not a number of seconds`);
for (const file of files) {
  try {
    if (!statSync(file).isFile()) fail(`${file}: not a file`);
    accessSync(file, constants.R_OK);
  } catch (error) {
    fail(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Files from this size on show a progress bar (on stderr, and only when it is a terminal). */
const progressFrom = 4 * 1024 * 1024;
const bar = new SingleBar({ format: '{file} [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true, stream: process.stderr }, Presets.shades_classic);

/** Reads a file through `use`, with a progress bar when it is large. */
const withProgress = async <T>(path: string, use: (chunks: AsyncIterable<Uint8Array>, onBytes: (n: number) => void) => Promise<T>): Promise<T> => {
  const size = statSync(path).size;
  const shown = size >= progressFrom;
  if (shown) bar.start(size, 0, { file: basename(path) });
  try {
    return await use(createReadStream(path, { highWaterMark: 1 << 20 }), (n) => shown && bar.update(n));
  } finally {
    if (shown) bar.stop();
  }
};

const dollars = (cents: number): string => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;
const envelopeOf = (t: TransactionReport): string => `${t.interchangeControlNumber}/${t.groupControlNumber}/${t.controlNumber}`;

/** Claims whose event the contract refused: the first few, then how many more. */
const notSent = (claims: ReadonlyArray<{ patientControlNumber: string; refused?: string }>, shown = 5): string[] => [
  ...claims.slice(0, shown).map((c) => `    claim ${c.patientControlNumber || '(no id)'}: not sent (${c.refused})`),
  ...(claims.length > shown ? [`    … and ${claims.length - shown} more not sent (--json lists every claim)`] : []),
];

/** The readable summary of one file's report. */
const summary = (report: FileReport): string => {
  const refused = report.transactions.filter((t) => t.status === 'refused').length;
  const lines = [
    `${report.file}: ${report.status} (${report.transactions.length} transaction${report.transactions.length === 1 ? '' : 's'}, ${refused} refused; ${report.bytes} bytes, sha256 ${report.sha256})`,
  ];
  for (const t of report.transactions) {
    const head = `  ${t.type} ${envelopeOf(t)} ${t.implementation || '(no version)'}: ${t.status}`;
    if (t.type === '835' && typeof (t as Partial<Report835>).paymentCents === 'number') {
      const r = t as Report835;
      const payer = [r.payer.name, r.payer.id && `(${r.payer.id})`].filter(Boolean).join(' ') || 'unnamed payer';
      const contractRefused = r.claims.filter((c) => c.refused !== undefined);
      lines.push(
        `${head}  payer ${payer}, trace ${r.traceNumber ?? 'none'}, payment ${dollars(r.paymentCents)}${r.paymentMethod ? ` ${r.paymentMethod}` : ''}${r.paymentDate ? ` on ${r.paymentDate}` : r.remitDate ? `, remit date ${r.remitDate}` : ''}`,
        `    claims ${r.claims.length} (paid ${dollars(r.claims.reduce((sum, c) => sum + c.paidCents, 0))}${contractRefused.length ? `; ${contractRefused.length} refused by the event contract` : ''}), ` +
          `PLB ${r.providerAdjustments.length ? r.providerAdjustments.map((p) => `${p.reasonCode}${p.reference ? ` ${p.reference}` : ''} ${dollars(p.amountCents)}`).join(', ') : 'none'}, ` +
          `balanced ${r.balanced ? 'yes' : `no (off by ${dollars(r.imbalanceCents)})`}`,
      );
      lines.push(...notSent(contractRefused));
    } else if (t.type === '837P' || t.type === '837I') {
      const claims = (t as Partial<Report837>).claims ?? [];
      lines.push(`${head}  ${claims.length} claim${claims.length === 1 ? '' : 's'} submitted`);
      lines.push(...notSent(claims.filter((c) => c.refused !== undefined)));
    } else if (t.type === '277' || t.type === '277CA') {
      const statuses = (t as Partial<Report277>).statuses ?? [];
      lines.push(`${head}  ${statuses.length} status${statuses.length === 1 ? '' : 'es'} (${statuses.filter((s) => s.level === 'batch').length} batch-level)`);
    } else if (t.type === '999') {
      const acks = (t as Partial<Report999>).acknowledgments ?? [];
      lines.push(`${head}  ${acks.length} acknowledgment${acks.length === 1 ? '' : 's'} (${acks.filter((a) => !a.accepted).length} rejecting)`);
    } else {
      lines.push(head);
    }
    if (t.status === 'refused') lines.push(`    refused: ${t.reason}`);
  }
  for (const e of report.errors) lines.push(`  ${e.severity}: ${e.reason} (segment ${e.segment || '?'} #${e.segmentNumber} at byte ${e.offset})`);
  return lines.join('\n');
};

const print = (report: FileReport, file: string): void => {
  // The report names the file as it was given here (in the inbox it has its base name).
  const shown = { ...report, file };
  console.log(args.json ? JSON.stringify(shown) : summary(shown));
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let allAccepted = true;

if (args['dry-run']) {
  for (const file of files) {
    // The events are mapped and checked as the system would, then dropped: nothing is sent. The report is written to a
    // temp file as the file is read (its "file" is the path as given): printed from there, then removed.
    const read = await withProgress(file, (chunks, onBytes) => readX12File(file, chunks, { tenantId: tenant.id }, { onBytes }));
    try {
      if (args.json) {
        for await (const chunk of read.writeReport().chunks()) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        process.stdout.write('\n');
      } else {
        print(read.report(), file);
      }
    } finally {
      read.remove();
    }
    allAccepted &&= read.status === 'accepted';
  }
} else {
  const running = runningSystem();
  if (!running) fail('npm start is not running (the inbox lives in its process): start it, or use --dry-run');
  const inbox = new LocalInbox(running!.env);
  try {
    // One file at a time: each is in the inbox under its own name until its report is stored.
    for (const file of files) {
      const { sha256 } = await withProgress(file, async (chunks, onBytes) => {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of chunks) {
          hash.update(chunk);
          onBytes((bytes += chunk.byteLength));
        }
        return { sha256: hash.digest('hex') };
      });
      await inbox.put(tenant.id, basename(file), { path: file });
      const deadline = Date.now() + timeoutSeconds * 1000;
      let text = await inbox.report(tenant.id, sha256);
      while (text === undefined && Date.now() < deadline) {
        await sleep(200);
        text = await inbox.report(tenant.id, sha256);
      }
      if (text === undefined) {
        console.error(`${file}: no report after ${timeoutSeconds} s (is the x12 queue draining? npm run redrive lists dead letters)`);
        allAccepted = false;
        continue;
      }
      const report = JSON.parse(text) as FileReport;
      print(report, file);
      allAccepted &&= report.status === 'accepted';
    }
  } finally {
    inbox.close();
  }
}
process.exit(allAccepted ? 0 : 1);
