// `npm run import -- <file.csv|file.jsonl> --tenant <id> [--table <name>]`: bulk onboarding of an open-AR export.
import './quiet-warnings.js';
import { Presets, SingleBar } from 'cli-progress';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { countRows, formatOf, importOpenAr, reportCsv } from '../functions/services/open-ar-import.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { loadConfig } from '../lib/config.js';
import { connectTable } from './connect.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    table: { type: 'string' },
    report: { type: 'string' },
    stage: { type: 'string', default: 'dev' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const usage = `npm run import -- <file.csv|file.jsonl> --tenant <id> [--report <path>] [--table <name> [--stage <stage>]]
  Imports a practice's open-AR export (columns: see README "Bulk onboarding"). Safe to re-run: rows imported
  before are skipped. Writes a per-row report (row, outcome, errors) next to the file unless --report is given.
  Without --table it writes to the running local system, or to the local data folder.`;
const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const path = positionals[0] ?? fail('missing the file to import');
const format = formatOf(path) ?? fail(`${path}: expected a .csv or .jsonl file`);
if (!existsSync(path)) fail(`${path}: no such file`);
const config = loadConfig(args.stage!);
const tenant = config.tenants.find((t) => t.id === args.tenant) ?? fail(`--tenant: expected one of ${config.tenants.map((t) => t.id).join(', ')}`);

const connection = await connectTable(args.table);
console.log(`Importing ${path} for ${tenant.id} into ${connection.description}…`);
const began = Date.now();
const bar = new SingleBar({ format: 'Rows [{bar}] {value}/{total}  imported {imported}  skipped {skipped}  rejected {rejected}', hideCursor: true }, Presets.shades_classic);
const tally = { imported: 0, skipped: 0, rejected: 0 };
bar.start(await countRows(path, format), 0, tally);
try {
  const summary = await importOpenAr({
    path,
    format,
    tenantId: tenant.id,
    store: new ClaimStore(connection.client, connection.tableName, config.shardCount),
    context: { isKnownTenant: (id) => config.tenants.some((t) => t.id === id), receivedAt: new Date().toISOString() },
    onRow: (report) => {
      if (report.outcome === 'imported') tally.imported++;
      else if (report.outcome === 'already-imported') tally.skipped++;
      else tally.rejected++;
      bar.increment(1, tally);
    },
  });
  bar.stop();
  const reportPath = args.report ?? `${path}.report.csv`;
  writeFileSync(reportPath, reportCsv(summary.reports));
  console.log(`
${summary.rows} rows in ${((Date.now() - began) / 1000).toFixed(1)} s:
  imported           ${summary.imported}
  already imported   ${summary.alreadyImported}   (re-runs skip these)
  rejected           ${summary.rejected}${summary.rejected ? '   (fix them and run again)' : ''}
Per-row report: ${reportPath}`);
  for (const report of summary.reports.filter((r) => r.outcome === 'rejected').slice(0, 10)) {
    console.log(`  row ${report.row}: ${report.errors.join(' | ')}`);
  }
  process.exitCode = summary.rejected > 0 ? 1 : 0;
} finally {
  bar.stop();
  await connection.close();
}
