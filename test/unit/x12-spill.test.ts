// A file read as ingest-x12-file reads it (readX12File): a transaction's pending units go to a temp file past a limit
// and come back only when its SE accepts it; the report is written out as it is mapped. What it gives must be what the
// in-memory builder gives, byte for byte; a refused giant transaction sends nothing; no temp file outlives the read.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { readX12File, type ReadOptions } from '../../functions/services/x12-file-ingest.js';
import { ReportSpool, reportChunks, reportText, SpillingPending, spillFiles } from '../../functions/services/x12-spill.js';
import { buildFileReport, fileFacts, type FileReport } from '../../functions/x12/file-report.js';
import type { Report835, Report837 } from '../../functions/x12/map-transaction.js';
import { readX12 } from '../../functions/x12/reader.js';

const ctx = { tenantId: 'acme-billing', source: 'x12-spill' };
const base = mkdtempSync(join(tmpdir(), 'x12-spill-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
/** Every file under the test's temp base (the spill directory of this process is one level down). */
const tempFiles = (): string[] => readdirSync(base, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);

const envelope = (setId: string, gs01: string, implementation: string, body: string[], se01 = body.length + 2): string =>
  [
    'ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*PRACTICE       *241120*1200*^*00501*000000901*0*T*:',
    `GS*${gs01}*CLEARINGHOUSE*PRACTICE*20241120*1200*901*X*${implementation}`,
    `ST*${setId}*0001*${implementation}`,
    ...body,
    `SE*${se01}*0001`,
    'GE*1*901',
    'IEA*1*000000901',
  ].join('~\n') + '~\n';

/** One 835 of `claims` claim loops, each billed 100.00 and paid 80.00 (CO-45 15.00, PR-2 5.00); `cents` off unbalances it. */
const remitOf = (claims: number, options: { offCents?: number; se01Off?: number; truncateAt?: number; units?: string } = {}): string => {
  const paid = claims * 8000 + (options.offCents ?? 0);
  const body = [
    `BPR*I*${Math.floor(paid / 100)}.${String(paid % 100).padStart(2, '0')}*C*ACH************20240315`,
    'TRN*1*EFT123*1512345678',
    'DTM*405*20240314',
    'N1*PR*ACME HEALTH PLAN',
    'REF*2U*60054',
    'N1*PE*GOOD CLINIC*XX*1234567893',
  ];
  for (let i = 1; i <= claims; i++) {
    body.push(`LX*${i}`, `CLP*CLM-${String(i).padStart(6, '0')}*1*100*80*5*12*PCN-${i}`, 'CAS*CO*45*15', 'NM1*QC*1*PATIENTLAST*PATIENTFIRST****MI*MEMBER9');
    body.push(`SVC*HC:99213:25*100*80**${options.units ?? '1'}`, 'DTM*472*20240301', 'CAS*PR*2*5', 'AMT*B6*85', 'LQ*HE*N14');
  }
  const text = envelope('835', 'HP', '005010X221A1', body, body.length + 2 + (options.se01Off ?? 0));
  return options.truncateAt === undefined ? text : text.slice(0, options.truncateAt);
};

const chunksOf = (text: string, size = 4096): Buffer[] => {
  const bytes = Buffer.from(text, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};

/** The file through readX12File, spilling after `afterUnits`: its report text, the events sent, and what spilled. */
const streamed = async (text: string, afterUnits: number, options: Omit<ReadOptions, 'spill'> = {}) => {
  const sent: ClaimEvent[] = [];
  let spilled = 0;
  let pendingFileSeen = false;
  const read = await readX12File('f.x12', chunksOf(text), ctx, {
    eventBatch: 50,
    onEvents: async (events) => {
      // While a spilled transaction is replayed, its units are read back from a temp file.
      if (tempFiles().some((name) => name.startsWith('pending-'))) pendingFileSeen = true;
      sent.push(...events);
    },
    ...options,
    spill: { afterUnits, dir: base, onSpill: () => spilled++ },
  });
  const leftAfterRead = tempFiles();
  const report = read.writeReport().text();
  read.remove();
  return { report, sent, spilled, pendingFileSeen, leftAfterRead, leftAfterRemove: tempFiles() };
};

/** The same file through the in-memory builder. */
const inMemory = async (text: string) => buildFileReport(fileFacts('f.x12', Buffer.from(text, 'latin1')), readX12([Buffer.from(text, 'latin1')]), ctx);

describe('a transaction too large to hold', () => {
  it('spills its claims past the limit and gives the same report, byte for byte, and the same events', async () => {
    const text = remitOf(3_000);
    const s = await streamed(text, 100);
    const memory = await inMemory(text);
    expect(s.spilled).toBe(1);
    expect(s.pendingFileSeen).toBe(true);
    expect(s.report).toBe(JSON.stringify(memory.report));
    expect(JSON.stringify(s.sent)).toBe(JSON.stringify(memory.events));
    expect(s.sent).toHaveLength(3_000);
    expect((memory.report.transactions[0] as Report835).claims[2_999]).toMatchObject({ patientControlNumber: 'CLM-003000', eventType: 'claim.adjudicated' });
    // Its pending file went when the transaction had been replayed; the report spool went with remove.
    expect(s.leftAfterRead.filter((n) => n.startsWith('pending-'))).toEqual([]);
    expect(s.leftAfterRemove).toEqual([]);
  });

  it('refused at its SE because it does not balance: nothing sent, its claims listed, no temp file left', async () => {
    const text = remitOf(3_000, { offCents: 1 });
    const s = await streamed(text, 100);
    expect(s.spilled).toBe(1);
    expect(s.sent).toEqual([]);
    const report = JSON.parse(s.report) as FileReport;
    expect(report.status).toBe('refused');
    const t = report.transactions[0] as Report835;
    expect(t).toMatchObject({ status: 'refused', balanced: false, imbalanceCents: 1 });
    expect(t.claims).toHaveLength(3_000);
    expect(t.claims.every((c) => c.eventType === null && c.refused === 'transaction refused: it does not balance')).toBe(true);
    expect(s.report).toBe(JSON.stringify((await inMemory(text)).report));
    expect(s.leftAfterRead.filter((n) => n.startsWith('pending-'))).toEqual([]);
    expect(s.leftAfterRemove).toEqual([]);
  });

  it('cut short before its SE: refused whole, nothing sent, its spilled claims deleted at once', async () => {
    const whole = remitOf(3_000);
    const text = whole.slice(0, whole.lastIndexOf('\nSE*') + 1);
    const s = await streamed(text, 100);
    expect(s.spilled).toBe(1);
    expect(s.sent).toEqual([]);
    const report = JSON.parse(s.report) as FileReport;
    expect(report.transactions).toEqual([expect.objectContaining({ type: '835', status: 'refused', reason: 'file ends before SE' })]);
    expect(s.report).toBe(JSON.stringify((await inMemory(text)).report));
    expect(s.leftAfterRead.filter((n) => n.startsWith('pending-'))).toEqual([]);
    expect(s.leftAfterRemove).toEqual([]);
  });

  it('with an SE01 that does not count its segments: refused whole, nothing sent, no temp file left', async () => {
    const text = remitOf(3_000, { se01Off: 1 });
    const s = await streamed(text, 100);
    expect(s.sent).toEqual([]);
    expect((JSON.parse(s.report) as FileReport).transactions[0]).toMatchObject({ status: 'refused', reason: expect.stringContaining('envelope error: SE01=') });
    expect(s.leftAfterRead.filter((n) => n.startsWith('pending-'))).toEqual([]);
    expect(s.leftAfterRemove).toEqual([]);
  });

  it('a failure while its events are sent removes every temp file', async () => {
    let calls = 0;
    await expect(
      readX12File('f.x12', chunksOf(remitOf(3_000)), ctx, {
        eventBatch: 50,
        onEvents: async () => {
          if (++calls === 3) throw new Error('queue down');
        },
        spill: { afterUnits: 100, dir: base },
      }),
    ).rejects.toThrow('queue down');
    expect(tempFiles()).toEqual([]);
  });

  it('keeps a quantity too large for a number (SVC05 of 400 digits) as it reads in memory', async () => {
    const text = remitOf(300, { units: '9'.repeat(400) });
    const s = await streamed(text, 10);
    const memory = await inMemory(text);
    expect(s.report).toBe(JSON.stringify(memory.report));
    expect((memory.report.transactions[0] as Report835).claims[0]!.refused).toContain('payload.lines.0.units');
  });
});

describe('837 claims kept while their loops may still change', () => {
  // Two claims under one subscriber; after the first claim, the subscriber's name and birth date are given again
  // (out of place, but read): every claim under it is mapped with the loop as it stands at SE, spilled or not.
  const claim = (id: string) => [`CLM*${id}*150.5***11:B:1*Y*A*Y*Y`, 'HI*ABK:E119*ABF:I10', 'NM1*82*1*DOC*RENDER****XX*9876543213', 'LX*1', 'SV1*HC:99214:25*100*UN*1***1', 'DTP*472*D8*20240928', 'LX*2', 'SV1*HC:93000*50.50*UN*2***2', 'DTP*472*D8*20240928'];
  const body = [
    'BHT*0019*00*B1*20241001*1200*CH',
    'NM1*41*2*CLINIC*****46*S1',
    'HL*1**20*1',
    'NM1*85*2*GOOD CLINIC*****XX*1234567893',
    'N4*AUSTIN*TX*78701',
    'HL*2*1*22*0',
    'SBR*P*18*******CI',
    'NM1*IL*1*FIRSTNAME*IMA****MI*MEMBERX12',
    'DMG*D8*19800115*F',
    'NM1*PR*2*ACME HEALTH*****PI*ACME1',
    ...claim('X12-SPILL-1'),
    'HL*3*1*22*0',
    'SBR*P*18*******CI',
    'NM1*IL*1*OTHERSUB*UMA****MI*MEMBERY',
    'DMG*D8*19790212*M',
    'NM1*PR*2*ACME HEALTH*****PI*ACME1',
    ...claim('X12-SPILL-2'),
    ...claim('X12-SPILL-3'),
    // Out of place: changes the subscriber of claims 2 and 3, both already kept.
    'NM1*IL*1*LATENAME*IMA****MI*MEMBERZ',
  ];
  const text = envelope('837', 'HC', '005010X222A1', body);

  it.each([0, 1, 100])('spilling after %i claims gives what the in-memory builder gives', async (afterUnits) => {
    const s = await streamed(text, afterUnits);
    const memory = await inMemory(text);
    expect(s.report).toBe(JSON.stringify(memory.report));
    expect(JSON.stringify(s.sent)).toBe(JSON.stringify(memory.events));
    expect((memory.report.transactions[0] as Report837).claims.map((c) => c.eventType)).toEqual(['claim.submitted', 'claim.submitted', 'claim.submitted']);
    expect(memory.events.map((e) => (e.payload as { patient: { memberId: string } }).patient.memberId)).toEqual(['MEMBERX12', 'MEMBERZ', 'MEMBERZ']);
    expect(s.leftAfterRemove).toEqual([]);
  });
});

describe('the report written out', () => {
  it('is the in-memory report for every fixture, with any chunking and spilling after 2 units', async () => {
    const root = '/work/shared/fixtures/x12';
    for (const dir of ['835', '277', '277CA', '999', '837P', '837I']) {
      for (const name of readdirSync(join(root, dir)).filter((n) => !n.endsWith('.csv'))) {
        const bytes = readFileSync(join(root, dir, name));
        const read = await readX12File('f', chunksOf(bytes.toString('latin1'), 1 + (bytes.length % 997)), ctx, { spill: { afterUnits: 2, dir: base } });
        const text = read.writeReport().text();
        read.remove();
        const memory = await buildFileReport(fileFacts('f', bytes), readX12([bytes]), ctx);
        expect(text, `${dir}/${name}`).toBe(JSON.stringify(memory.report));
      }
    }
    expect(tempFiles()).toEqual([]);
  });

  it('puts a deferred line in its place, and streams what it reads as text', async () => {
    const spool = new ReportSpool(base);
    spool.beginLine('{"a":1,"list":[');
    spool.entry('{"x":"é"}');
    spool.entry('{"x":2}');
    spool.endLine('],"b":2}');
    spool.defer();
    spool.beginLine('{"c":3}');
    spool.endLine('');
    spool.defer();
    const report = spool.finish('{"file":"f","transactions":[', ['{"deferred":1}', '{"deferred":2}']);
    const text = reportText(report);
    expect(JSON.parse(text)).toEqual({ file: 'f', transactions: [{ a: 1, list: [{ x: 'é' }, { x: 2 }], b: 2 }, { deferred: 1 }, { c: 3 }, { deferred: 2 }] });
    expect(report.bytes).toBe(Buffer.byteLength(text));
    const chunks: Buffer[] = [];
    for await (const chunk of reportChunks(report)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
    spool.remove();
    expect(tempFiles()).toEqual([]);
  });

  it('reads back spilled units larger than its read buffer, in order', () => {
    const pending = new SpillingPending<{ n: number; text: string }>({ afterUnits: 1, dir: base });
    const units = Array.from({ length: 9 }, (_, n) => ({ n, text: `${'é'.repeat(n * 150_000)}\n"` }));
    const before = spillFiles(base).length;
    for (const unit of units) pending.add(unit);
    expect(spillFiles(base)).toHaveLength(before + 1);
    const reader = pending.drain();
    const back = [];
    for (let unit = reader.next(); unit !== undefined; unit = reader.next()) back.push(unit);
    expect(back).toEqual(units);
    expect(spillFiles(base)).toHaveLength(before);
  });
});
