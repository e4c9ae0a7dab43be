// Bulk onboarding of an open-AR export against DynamoDB Local: good rows imported, bad rows reported by field and
// not written, and a re-run adds nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { importOpenAr } from '../../functions/services/open-ar-import.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { documentClient, localStack } from './harness.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'import-'));
const sample = readFileSync('samples/open-ar-sample.csv', 'utf8').trim().split('\n');
const header = sample[0]!.split(',');
const good = sample[3]!; // a partly paid claim with adjustments and a balance
const column = (row: string, name: string, value: string): string => {
  const cells = row.split(',');
  cells[header.indexOf(name)] = value;
  return cells.join(',');
};
const withId = (row: string, id: string): string => column(row, 'claim_id', id);

const badRows: Array<[string, string, string]> = [
  ['billing_npi', column(withId(good, 'BAD-NPI'), 'billing_npi', '1234567890'), 'billingNpi: NPI check digit'],
  ['adjustments', column(withId(good, 'BAD-BAL'), 'adjustments', 'CO-45:84.00;PR-1:40.00'), 'adjustments: do not balance'],
  ['service_from', column(withId(good, 'BAD-DATE'), 'service_from', '2026-02-30'), 'service_from: a calendar date'],
  ['lines', column(withId(good, 'BAD-LINES'), 'lines', '99214 x1 $220'), 'lines: line 1: expected CODE[:MOD]*UNITS@CHARGE'],
  ['adjustments carc', column(withId(good, 'BAD-CARC'), 'adjustments', 'CO-45:84.00;PR-1:40.00;CO-Z9:60.00'), 'carc: not a CARC'],
  ['balance', column(withId(good, 'BAD-BALANCE'), 'balance', '61.00'), 'balance: the export says 6100 cents'],
  ['total_charge', column(withId(good, 'BAD-MONEY'), 'total_charge', '280.001'), 'total_charge: dollars with at most 2 decimals'],
];

describe('npm run import', () => {
  const tenant = `it-import-${Date.now().toString(36)}`;
  const store = () => new ClaimStore(documentClient(), localStack().tableName, 4);
  const context = { isKnownTenant: () => true, receivedAt: new Date().toISOString() };

  it('imports the good rows, reports each bad row with the field, writes nothing for bad rows, and re-runs cleanly', async () => {
    const path = join(dir, 'export.csv');
    writeFileSync(path, [sample[0], withId(good, 'GOOD-1'), ...badRows.map(([, row]) => row), withId(sample[4]!, 'GOOD-2')].join('\n'));
    const first = await importOpenAr({ path, format: 'csv', tenantId: tenant, store: store(), context });
    expect(first).toMatchObject({ rows: 9, imported: 2, rejected: 7, alreadyImported: 0 });
    badRows.forEach(([what, , message], i) => {
      const report = first.reports[i + 1]!;
      expect(report, what).toMatchObject({ row: i + 2, outcome: 'rejected' });
      expect(report.errors.join(' | '), what).toContain(message);
    });
    for (const id of ['BAD-NPI', 'BAD-BAL', 'BAD-BALANCE']) expect(await store().events(tenant, id)).toEqual([]);
    const imported = await store().get(tenant, 'GOOD-1');
    expect(imported?.claim).toMatchObject({ status: 'partially-paid', open: true, money: { paidCents: 9_600, payerBalanceCents: 6_000 } });

    const again = await importOpenAr({ path, format: 'csv', tenantId: tenant, store: store(), context });
    expect(again).toMatchObject({ imported: 0, alreadyImported: 2, rejected: 7 });
    expect((await store().get(tenant, 'GOOD-1'))?.version).toBe(imported!.version);
  });

  it('reports a JSON Lines row that is not JSON and imports the rest', async () => {
    const path = join(dir, 'export.jsonl');
    writeFileSync(path, `${readFileSync('samples/open-ar-sample.jsonl', 'utf8')}{"claim_id": "JSNL-BROKEN",\n`);
    const summary = await importOpenAr({ path, format: 'jsonl', tenantId: tenant, store: store(), context });
    expect(summary).toMatchObject({ rows: 5, imported: 4, rejected: 1 });
    expect(summary.reports[4]).toEqual({ row: 5, outcome: 'rejected', errors: ['(row): not valid JSON'] });
  });

  it('runs as a command: progress, summary, per-row report, exit code 1 when rows were rejected', async () => {
    const path = join(dir, 'cli.csv');
    writeFileSync(path, [sample[0], withId(good, 'CLI-1'), badRows[0]![1]].join('\n'));
    const env = { ...process.env, ...localStack().env };
    const result = await run(process.execPath, ['--import', 'tsx', 'local/import.ts', path, '--tenant', 'demo-lakeside', '--table', localStack().tableName], { env }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect((result as { code?: number }).code).toBe(1);
    expect(result.stdout).toMatch(/imported\s+1/);
    expect(result.stdout).toMatch(/rejected\s+1/);
    expect(readFileSync(`${path}.report.csv`, 'utf8')).toBe('row,outcome,errors\n1,imported,""\n2,rejected,"claim → billingNpi: NPI check digit does not match (Luhn with prefix 80840)"\n');
  });
});
