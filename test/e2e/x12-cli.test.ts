// `npm run x12` run as a user runs it: --dry-run reads and maps here (a JSON line per file, in order), exit codes
// 0 / 1 / 2; without --dry-run it puts the file in the running system's inbox and prints the report the system stored.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport } from '../../functions/x12/file-report.js';
import type { Report835 } from '../../functions/x12/map-transaction.js';
import type { RuntimeState } from '../../local/paths.js';
import type { Runtime } from '../../local/runtime.js';
import { localStack, startTestRuntime, testConfig } from '../integration/harness.js';

const run = promisify(execFile);
const fixtures = '/work/shared/fixtures/x12';
const paid835 = `${fixtures}/835/LinuxForHealth__x12__src_tests_resources_835_005010X221A1_managed-care.835`;
const old835 = `${fixtures}/835/irobayna__stupidedi__spec_fixtures_004010_X091A1_HP835_Health_Care_Claim_Payment_Advice_case_1.edi`;
const ack999 = `${fixtures}/999/imsweb__x12-parser__src_test_resources_837_5010_x12_999_accepted.txt`;
const home = mkdtempSync(join(tmpdir(), 'x12-cli-'));

/** Runs the command; resolves to its exit code and output whatever the code. */
const x12 = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { POWERTOOLS_LOG_LEVEL: _level, ...env } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'local/x12.ts', ...args], { env: { ...env, CLAIM_FOLLOWUP_HOME: home }, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};
const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('npm run x12 -- --dry-run', () => {
  it('prints one JSON report line for an accepted 835 and exits 0', async () => {
    const { code, stdout } = await x12('--dry-run', '--json', paid835, '--tenant', 'demo-lakeside');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as FileReport;
    expect(report).toMatchObject({ file: paid835, sha256: sha256Of(paid835), bytes: readFileSync(paid835).byteLength, status: 'accepted', errors: [] });
    expect(report.transactions[0]).toMatchObject({ type: '835', status: 'accepted', paymentCents: 94_500, traceNumber: '7170066655', balanced: true });
    expect((report.transactions[0] as Report835).claims).toHaveLength(2);
  });

  it('prints a line per file in the order given and exits 1 when a transaction is refused', async () => {
    const { code, stdout } = await x12('--dry-run', '--json', '--tenant', 'demo-lakeside', old835, ack999, paid835);
    expect(code).toBe(1);
    const reports = stdout.trim().split('\n').map((line) => JSON.parse(line) as FileReport);
    expect(reports.map((r) => [r.file, r.status])).toEqual([
      [old835, 'refused'],
      [ack999, 'accepted'],
      [paid835, 'accepted'],
    ]);
    expect(reports[0]!.transactions[0]).toMatchObject({ status: 'refused', reason: expect.stringContaining('004010X091A1 is not 5010') });
  });

  it('prints a readable summary by default: payer, trace, payment, claims, PLB, balanced; refusals with their reason', async () => {
    const { code, stdout } = await x12('--dry-run', paid835, old835, '--tenant', 'demo-summit');
    expect(code).toBe(1);
    expect(stdout).toContain(`${paid835}: accepted`);
    expect(stdout).toMatch(/payer RUSHMORE LIFE.*trace 7170066655, payment \$945\.00/);
    expect(stdout).toMatch(/claims 2 \(paid \$945\.00\), PLB none, balanced yes/);
    expect(stdout).toContain(`${old835}: refused`);
    expect(stdout).toContain('refused: version 004010X091A1 is not 5010');
  });

  it.each([
    ['an unknown flag', ['--dry-run', '--bogus', paid835, '--tenant', 'demo-lakeside'], /Unknown option '--bogus'/],
    ['no file', ['--dry-run', '--tenant', 'demo-lakeside'], /no file given/],
    ['no --tenant', ['--dry-run', paid835], /--tenant is required/],
    ['an unknown tenant', ['--dry-run', paid835, '--tenant', 'nobody'], /unknown tenant "nobody"/],
    ['an unreadable file', ['--dry-run', paid835, '/nonexistent/file.835', '--tenant', 'demo-lakeside'], /\/nonexistent\/file\.835: cannot be read/],
  ])('exits 2 on %s, printing the usage', async (_what, args, message) => {
    const { code, stdout, stderr } = await x12(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('npm run x12 -- <file>...');
  });

  it('without --dry-run, exits 2 when no system is running', async () => {
    const { code, stderr } = await x12(paid835, '--tenant', 'demo-lakeside');
    expect(code).toBe(2);
    expect(stderr).toContain('npm start is not running');
  });
});

describe('npm run x12 against the running system', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    // This process stands in for `npm start`: its runtime consumes the queues, and runtime.json points the command at them.
    ({ runtime } = await startTestRuntime(testConfig(['demo-lakeside'])));
    const state: RuntimeState = { pid: process.pid, apiUrl: 'http://127.0.0.1:0', env: localStack().env, deadLetterUrls: localStack().deadLetterUrls };
    writeFileSync(join(home, 'runtime.json'), JSON.stringify(state));
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('puts the file in the inbox, waits for its report and prints it', async () => {
    const { code, stdout, stderr } = await x12(paid835, '--tenant', 'demo-lakeside', '--json', '--timeout', '60');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim()) as FileReport;
    // The system's report, under the name given here (in the inbox the file has its base name).
    expect(report).toMatchObject({ file: paid835, sha256: sha256Of(paid835), status: 'accepted' });
    expect(report.transactions[0]).toMatchObject({ type: '835', paymentCents: 94_500, traceNumber: '7170066655' });
    const dry = JSON.parse((await x12('--dry-run', '--json', paid835, '--tenant', 'demo-lakeside')).stdout.trim()) as FileReport;
    expect(report).toEqual(dry);
  });
});
