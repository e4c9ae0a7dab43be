// Every X12 fixture (835, 277, 277CA, 999, 837P, 837I) read by the reader and mapped: statuses, counts and figures
// worked out by hand from the segments, and no patient name, member id or birth date in any report.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { buildFileReport, fileFacts, type FileResult } from '../../functions/x12/file-report.js';
import type { Report277, Report835, Report837, Report999, TransactionReport } from '../../functions/x12/map-transaction.js';
import { readX12Text } from '../../functions/x12/reader.js';

const root = '/work/shared/fixtures/x12';
const dirs = ['835', '277', '277CA', '999', '837P', '837I'] as const;
const ctx = { tenantId: 'acme-billing', source: 'x12-fixtures' };

const files = dirs.flatMap((dir) =>
  readdirSync(`${root}/${dir}`)
    .filter((name) => !name.endsWith('.csv'))
    .map((name) => ({ dir, name })),
);

const cache = new Map<string, Promise<FileResult>>();
const read = (dir: string, name: string): Promise<FileResult> => {
  const key = `${dir}/${name}`;
  if (!cache.has(key)) {
    const bytes = readFileSync(`${root}/${key}`);
    cache.set(key, readX12Text(bytes).then((items) => buildFileReport(fileFacts(name, bytes), items, ctx)));
  }
  return cache.get(key)!;
};
/** The one fixture whose name contains `part`. */
const fixture = (dir: (typeof dirs)[number], part: string): Promise<FileResult> => {
  const matches = files.filter((f) => f.dir === dir && f.name.includes(part));
  expect(matches).toHaveLength(1);
  return read(dir, matches[0]!.name);
};
const only = <T extends TransactionReport>(result: FileResult): T => {
  expect(result.report.transactions).toHaveLength(1);
  return result.report.transactions[0] as T;
};

/** NM1*QC / IL / 74 names and ids and DMG birth dates of a file: what must never reach a report. */
const phiOf = (text: string): string[] => {
  const values: string[] = [];
  for (const segment of text.split(/[~\r\n_]+/)) {
    const e = segment.trim().split(/[*|]/);
    if (e[0] === 'NM1' && ['QC', 'IL', '74'].includes(e[1] ?? '')) values.push(e[3] ?? '', e[4] ?? '', e[9] ?? '');
    if (e[0] === 'DMG') values.push(e[2] ?? '');
  }
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length >= 2))];
};

/** What each fixture gives, at least: file status, transactions, events sent. Hand-checked figures follow below. */
const expected: Record<string, { status: string; transactions: number; events: number }> = {
  'DHR-Health__py835__misc_example.835': { status: 'refused', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_cob-contractural-adjustment.835': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_managed-care.835': { status: 'accepted', transactions: 1, events: 2 },
  'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_medicare-part-a.835': { status: 'accepted', transactions: 1, events: 2 },
  'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_secondary-payment.835': { status: 'accepted', transactions: 1, events: 1 },
  'LinuxForHealth__x12__src_tests_resources_835_005010X221A1_tertiary-payment.835': { status: 'accepted', transactions: 1, events: 0 },
  'azoner__pyx12__pyx12_tests_835_mult_loops.txt': { status: 'accepted', transactions: 1, events: 1 },
  'diasks2__era_835_parser__spec_example_1.835': { status: 'refused', transactions: 0, events: 0 },
  'diasks2__era_835_parser__spec_example_5.835': { status: 'refused', transactions: 0, events: 0 },
  'diasks2__era_835_parser__spec_example_6.835': { status: 'refused', transactions: 0, events: 0 },
  'irobayna__stupidedi__spec_fixtures_004010_X091A1_HP835_Health_Care_Claim_Payment_Advice_case_1.edi': { status: 'refused', transactions: 1, events: 0 },
  'irobayna__stupidedi__spec_fixtures_005010_X221A1_HP835_Health_Care_Claim_Payment_Advice_pass_dollars-and-data-sent-together.edi': { status: 'accepted', transactions: 1, events: 2 },
  'irobayna__stupidedi__spec_fixtures_005010_X221A1_HP835_Health_Care_Claim_Payment_Advice_pass_era-sample.edi': { status: 'accepted', transactions: 1, events: 1 },
  'irobayna__stupidedi__spec_fixtures_005010_X221A1_HP835_Health_Care_Claim_Payment_Advice_pass_secondary-payments.edi': { status: 'accepted', transactions: 1, events: 2 },
  'irobayna__stupidedi__spec_fixtures_005010_X221_HP835_Health_Care_Claim_Payment_Advice_case_2.edi': { status: 'accepted', transactions: 1, events: 2 },
  'keironstoddart__edi-835-parser__tests_test_edi_835_files_blue_cross_nc_sample.txt': { status: 'refused', transactions: 0, events: 0 },
  'keironstoddart__edi-835-parser__tests_test_edi_835_files_emedny_sample.txt': { status: 'accepted', transactions: 1, events: 0 },
  'keironstoddart__edi-835-parser__tests_test_edi_835_files_united_healthcare_legacy_sample.txt': { status: 'accepted', transactions: 1, events: 2 },
  'tastypackets__x12-parser__test_test-files_835_multi-line-not-delimited.edi': { status: 'accepted', transactions: 1, events: 0 },
  'tastypackets__x12-parser__test_test-files_835_profee-multiple.edi': { status: 'accepted', transactions: 156, events: 0 },
  'tastypackets__x12-parser__test_test-files_835_profee-one-line.edi': { status: 'accepted', transactions: 1, events: 0 },
  'tastypackets__x12-parser__test_test-files_835_profee.edi': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_277_005010X212_claim-level-status-ncpdp.277': { status: 'accepted', transactions: 1, events: 1 },
  'LinuxForHealth__x12__src_tests_resources_277_005010X212_claim-level-status.277': { status: 'accepted', transactions: 1, events: 3 },
  'LinuxForHealth__x12__src_tests_resources_277_005010X212_information-receiver-level-status.277': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_277_005010X212_provider-level-status.277': { status: 'accepted', transactions: 1, events: 1 },
  'imsweb__x12-parser__src_test_resources_277_5010_x12_277_x212.txt': { status: 'accepted', transactions: 1, events: 8 },
  'irobayna__stupidedi__spec_fixtures_005010_X212_HR277_Heatlh_Care_Information_Status_Notification_pass_1.era': { status: 'accepted', transactions: 1, events: 1 },
  'imsweb__x12-parser__src_test_resources_277_5010_x12_277CA_accepted.txt': { status: 'accepted', transactions: 1, events: 1 },
  'imsweb__x12-parser__src_test_resources_277_5010_x12_277CA_rejected.txt': { status: 'accepted', transactions: 1, events: 1 },
  'imsweb__x12-parser__src_test_resources_837_5010_x12_999_accepted.txt': { status: 'accepted', transactions: 1, events: 0 },
  'imsweb__x12-parser__src_test_resources_837_5010_x12_999_rejected.txt': { status: 'accepted', transactions: 1, events: 0 },
  'irobayna__stupidedi__spec_fixtures_005010_X231A1_FA999_Implementation_Acknowledgment_for_Health_Care_Insurance_pass_response-to-functional-group-containing-3-837s.edi': {
    status: 'accepted',
    transactions: 1,
    events: 0,
  },
  // The 837 fixtures carry ICD-9 codes (BK/BF, retired 2015) and made-up NPIs: the contract refuses their events.
  'LinuxForHealth__x12__src_tests_resources_837_005010X222A2_demo.ambulance.example5.837': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_837_005010X222A2_demo.cob.2ndary.example4.837': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_837_005010X222A2_demo.cob.example3.A.837': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_837_005010X222A2_demo.example1.837': { status: 'accepted', transactions: 1, events: 0 },
  'imsweb__x12-parser__src_test_resources_837_5010_x12_many_claims.txt': { status: 'refused', transactions: 1, events: 0 },
  'imsweb__x12-parser__src_test_resources_837_5010_x12_valid.txt': { status: 'refused', transactions: 1, events: 0 },
  'imsweb__x12-parser__src_test_resources_837_5010_x12_valid_different_separators.txt': { status: 'refused', transactions: 1, events: 0 },
  'irobayna__stupidedi__spec_fixtures_005010_X222A1_HC837_Health_Care_Claim_Professional_pass_medicare-secondary-payer-COB.edi': { status: 'accepted', transactions: 1, events: 0 },
  'irobayna__stupidedi__spec_fixtures_005010_X222_HC837_Health_Care_Claim_Professional_case_1.edi': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_837_005010X223A3_institutional-claim.837i': { status: 'accepted', transactions: 1, events: 0 },
  'LinuxForHealth__x12__src_tests_resources_837_005010X223A3_two-claims-single-provider.837i': { status: 'accepted', transactions: 1, events: 0 },
  'imsweb__x12-parser__src_test_resources_837_5010_x223-test.txt': { status: 'refused', transactions: 1, events: 0 },
};

describe('every fixture', () => {
  it('has an expectation here', () => {
    expect(files.map((f) => f.name).filter((name) => !(name in expected))).toEqual([]);
  });

  it.each(files)('$dir/$name: status, counts, valid events, no PHI in the report', async ({ dir, name }) => {
    const result = await read(dir, name);
    const want = expected[name]!;
    expect({ status: result.report.status, transactions: result.report.transactions.length, events: result.events.length }).toEqual(want);
    for (const event of result.events) expect(claimEvent.safeParse(event).success).toBe(true);
    expect(new Set(result.events.map((e) => e.eventId)).size).toBe(result.events.length);
    const json = JSON.stringify(result.report);
    // As a whole token: trace number 1234567890 is not member id 123456789.
    const leaked = phiOf(readFileSync(`${root}/${dir}/${name}`, 'latin1')).filter((value) => new RegExp(`(^|[^A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9]|$)`).test(json));
    expect(leaked).toEqual([]);
  });

  it('finds the names and ids it looks for (the PHI check checks something)', () => {
    const text = readFileSync(`${root}/835/${files.find((f) => f.name.includes('managed-care'))!.name}`, 'latin1');
    expect(phiOf(text)).toEqual(['BUDD', 'WILLIAM', '33344555510', 'SETTLE', 'SUSAN', '44455666610']);
    expect(phiOf(readFileSync(`${root}/837P/${files.find((f) => f.name.includes('demo.example1'))!.name}`, 'latin1'))).toEqual(['SMITH', 'JANE', 'JS00111223333', 'TED', '19730501']);
  });

  it('gives the same report and event ids when a file is read twice', async () => {
    const bytes = readFileSync(`${root}/835/${files.find((f) => f.name.includes('managed-care'))!.name}`);
    const once = await buildFileReport(fileFacts('a.835', bytes), await readX12Text(bytes), ctx);
    const twice = await buildFileReport(fileFacts('a.835', bytes), await readX12Text(bytes), ctx);
    expect(twice).toEqual(once);
  });
});

describe('835 fixtures, figures checked by hand', () => {
  it('managed-care: two claims, BPR02 945.00 = 450.00 + 495.00', async () => {
    const t = only<Report835>(await fixture('835', 'managed-care'));
    expect(t).toMatchObject({ type: '835', status: 'accepted', controlNumber: '112233', implementation: '005010X221A1', paymentCents: 94500, traceNumber: '7170066655', balanced: true, imbalanceCents: 0 });
    expect(t.providerAdjustments).toEqual([]);
    // 5554555444: 800 − 450 = 350 = CO-A2 50 (claim) + PR-1 300 (line); CLP05 300.
    // 8765432112: 1200 − 495 = 705 = CO-A2 55 (claim) + PR-1 600 + CO-45 50 (line); CO = 55 + 50 = 105.
    expect(t.claims).toEqual([
      expect.objectContaining({ patientControlNumber: '5554555444', statusCode: '1', chargeCents: 80000, paidCents: 45000, patientResponsibilityCents: 30000, payerClaimNumber: '94060555410000', adjustmentCentsByGroup: { CO: 5000, PR: 30000, OA: 0, PI: 0, CR: 0 }, reversal: false, eventType: 'claim.adjudicated' }),
      expect.objectContaining({ patientControlNumber: '8765432112', chargeCents: 120000, paidCents: 49500, patientResponsibilityCents: 60000, payerClaimNumber: '94077799230000', adjustmentCentsByGroup: { CO: 10500, PR: 60000, OA: 0, PI: 0, CR: 0 } }),
    ]);
    const [first] = (await fixture('835', 'managed-care')).events;
    expect(first).toMatchObject({ type: 'claim.adjudicated', occurredAt: '2002-03-14T12:00:00Z', payload: { claimId: '5554555444', remitDate: '2002-03-14', lines: [{ procedureCode: '99211', chargeCents: 80000, paidCents: 50000 }] } });
  });

  it('medicare-part-a: PLB CV −1.27 raises the payment, 150000.00 = 138018.40 + 11980.33 + 1.27', async () => {
    const t = only<Report835>(await fixture('835', 'medicare-part-a'));
    expect(t).toMatchObject({ status: 'accepted', paymentCents: 15_000_000, traceNumber: '12345', balanced: true, imbalanceCents: 0, handlingCode: 'C', paymentMethod: 'ACH', remitDate: '2002-09-16' });
    expect(t.providerAdjustments).toEqual([{ reasonCode: 'CV', reference: 'CP', amountCents: -127 }]);
    // 666123: 211366.97 − 138018.40 = 73348.57 (CO-45); 777777: 15000 − 11980.33 = 3019.67 (CO-45).
    expect(t.claims.map((c) => [c.patientControlNumber, c.chargeCents, c.paidCents, c.adjustmentCentsByGroup.CO, c.eventType])).toEqual([
      ['666123', 21_136_697, 13_801_840, 7_334_857, 'claim.adjudicated'],
      ['777777', 1_500_000, 1_198_033, 301_967, 'claim.adjudicated'],
    ]);
    // MOA*** MA02 on the second claim.
    expect((await fixture('835', 'medicare-part-a')).events[1]!.payload).toMatchObject({ remarkCodes: ['MA02'] });
  });

  it('stupidedi secondary-payments: 1222 = 912 + 310, OA-23 prior payer, PR at line level', async () => {
    const result = await fixture('835', 'pass_secondary-payments');
    const t = only<Report835>(result);
    expect(t).toMatchObject({ paymentCents: 122200, balanced: true, traceNumber: '0012524965' });
    // L0004828311: 10323.64 − 912 = 9411.64, all OA-23.
    // 0001000053: 751.50 − 310 = 441.50 = OA-23 136.50 + PR-1 150 + PR-2 70 + CO-42 85; PR 220 = CLP05.
    expect(t.claims.map((c) => [c.patientControlNumber, c.statusCode, c.chargeCents, c.paidCents, c.patientResponsibilityCents, c.adjustmentCentsByGroup])).toEqual([
      ['L0004828311', '2', 1_032_364, 91_200, 0, { CO: 0, PR: 0, OA: 941_164, PI: 0, CR: 0 }],
      ['0001000053', '2', 75_150, 31_000, 22_000, { CO: 8_500, PR: 22_000, OA: 13_650, PI: 0, CR: 0 }],
    ]);
    expect(result.events[1]!.payload).toMatchObject({ lines: [{ procedureCode: '12345', modifiers: ['26'], chargeCents: 16_650, paidCents: 3_000, allowedCents: 15_000 }, { procedureCode: '66543', adjustments: [{ group: 'PR', carc: '1', amountCents: 15_000 }, { group: 'PR', carc: '2', amountCents: 7_000 }, { group: 'CO', carc: '42', amountCents: 8_500 }] }] });
  });

  it('united healthcare: 349.99 = 88.92 + 261.07, component separator >', async () => {
    const t = only<Report835>(await fixture('835', 'united_healthcare'));
    expect(t).toMatchObject({ paymentCents: 34_999, balanced: true, payer: { name: 'UNITED HEALTHCARE INSURANCE COMPANY', id: '87726' } });
    // 001-18573-358: 341.28 − 88.92 = 252.36 = CO-45 67.50 + 79.60 + PR-1 105.26.
    // 001-18604-358: 816.24 − 261.07 = 555.17 = CO-45 255.72 + 184.32 + PR-2 5.13 + PR-1 110.
    expect(t.claims.map((c) => [c.patientControlNumber, c.chargeCents, c.paidCents, c.patientResponsibilityCents, c.adjustmentCentsByGroup.CO, c.adjustmentCentsByGroup.PR, c.eventType, c.refused])).toEqual([
      ['001-18573-358', 34_128, 8_892, 10_526, 14_710, 10_526, 'claim.adjudicated', undefined],
      ['001-18604-358', 81_624, 26_107, 11_513, 44_004, 11_513, 'claim.adjudicated', undefined],
    ]);
  });

  it('pyx12 mult_loops: BPR01 H, 0 paid, CARC 16 with its LQ N14 on the line', async () => {
    const result = await fixture('835', 'mult_loops');
    const t = only<Report835>(result);
    // 915.39 − 0 = CO-16 500.04 + OA-A7 127.80 + 287.55.
    expect(t).toMatchObject({ handlingCode: 'H', paymentCents: 0, balanced: true });
    expect(t.claims[0]).toMatchObject({ patientControlNumber: '2005555A', statusCode: '4', chargeCents: 91_539, paidCents: 0, adjustmentCentsByGroup: { CO: 50_004, OA: 41_535 } });
    expect(result.events[0]!.payload).toMatchObject({ claimStatusCode: '4', lines: [{ adjustments: [{ carc: '16', rarcs: ['N14'] }] }, {}, {}] });
  });

  it('era-sample and dollars-and-data and case_2 (X221) balance', async () => {
    // era-sample: 226 − 132 = 94 = CO-131 21 + 11 + 12 + 26 + 24.
    expect(only<Report835>(await fixture('835', 'era-sample')).claims[0]).toMatchObject({ chargeCents: 22_600, paidCents: 13_200, adjustmentCentsByGroup: { CO: 9_400 } });
    expect(only<Report835>(await fixture('835', 'dollars-and-data'))).toMatchObject({ paymentCents: 15_000_000, balanced: true, providerAdjustments: [{ reasonCode: 'CV', reference: 'CP', amountCents: -127 }] });
    // case_2: claim 2 CO-45 55 + CO-210 50.
    const case2 = only<Report835>(await fixture('835', 'X221_HP835'));
    expect(case2).toMatchObject({ implementation: '005010X221', paymentCents: 94_500 });
    expect(case2.claims[1]!.adjustmentCentsByGroup.CO).toBe(10_500);
  });

  it('emedny: balances (45.75 = 34.25 + 0 + 11.50), but CLP01 "PATIENT ACCOUNT NUMBER" is no claim id', async () => {
    const t = only<Report835>(await fixture('835', 'emedny'));
    expect(t).toMatchObject({ status: 'accepted', paymentCents: 4_575, balanced: true });
    // 34 − 0 = CO-29 12 + 22; 34.25 − 11.50 = CO-251 2.75 + 20.
    expect(t.claims.map((c) => [c.statusCode, c.chargeCents, c.paidCents, c.adjustmentCentsByGroup.CO])).toEqual([
      ['1', 3_425, 3_425, 0],
      ['2', 3_400, 0, 3_400],
      ['2', 3_425, 1_150, 2_275],
    ]);
    for (const c of t.claims) expect(c.refused).toBe('payload.claimId: claim id: 1-64 letters, digits, dot, dash, underscore');
  });

  it('profee-multiple: 156 interchanges, each balanced, 468 claims', async () => {
    const result = await fixture('835', 'profee-multiple');
    const txs = result.report.transactions as Report835[];
    expect(txs.every((t) => t.balanced && t.paymentCents === 4_575)).toBe(true);
    expect(txs.reduce((n, t) => n + t.claims.length, 0)).toBe(468);
  });

  it('LinuxForHealth cob/secondary/tertiary: a composite sent with > under an ISA16 of : is no procedure code', async () => {
    const cob = only<Report835>(await fixture('835', 'cob-contractural'));
    // 541 − 34 = 507 = OA-23 516 + OA-94 −9.
    expect(cob.claims[0]).toMatchObject({ chargeCents: 54_100, paidCents: 3_400, adjustmentCentsByGroup: { OA: 50_700 } });
    expect(cob.claims[0]!.refused).toContain('payload.lines.0.procedureCode');
    const secondary = only<Report835>(await fixture('835', '005010X221A1_secondary-payment'));
    expect(secondary.claims.map((c) => c.refused === undefined)).toEqual([true, false]);
    const tertiary = only<Report835>(await fixture('835', 'tertiary-payment'));
    // 1766.50 − 187.50 = 1579 (OA-23).
    expect(tertiary).toMatchObject({ paymentCents: 18_750, balanced: true, claims: [{ statusCode: '3', adjustmentCentsByGroup: { OA: 157_900 } }] });
  });

  it('refuses the 4010 remit, naming its version', async () => {
    expect(only(await fixture('835', '004010_X091A1'))).toMatchObject({ type: '835', status: 'refused', reason: 'version 004010X091A1 is not 5010; only 5010 files are read', implementation: '004010X091A1' });
  });

  it('refuses the py835 remit whose SE01 is off by one (182 for 183 segments)', async () => {
    const t = only(await fixture('835', 'DHR-Health'));
    expect(t).toMatchObject({ status: 'refused', reason: 'envelope error: SE01=182 but 183 segments', errors: [{ segment: 'SE' }] });
  });

  it('a file without an ISA is refused with the reader error', async () => {
    const result = await fixture('835', 'example_1.835');
    expect(result.report).toMatchObject({ status: 'refused', transactions: [], errors: [{ segment: 'ISA', reason: 'no ISA segment found', severity: 'error' }] });
  });
});

describe('277CA fixtures', () => {
  it('accepted: A1 for the batch (receiver level, no event), A2 for claim 5781 → claim.acknowledged', async () => {
    const result = await fixture('277CA', 'accepted');
    const t = only<Report277>(result);
    expect(t).toMatchObject({ type: '277CA', status: 'accepted', implementation: '005010X214' });
    expect(t.statuses.map((s) => [s.level, s.traceNumber, s.patientControlNumber, s.payerClaimNumber, s.category, s.status, s.eventType])).toEqual([
      ['batch', '000000674', null, null, 'A1', '20', null],
      ['claim', '5781', '5781', '1107000000014420', 'A2', '20', 'claim.acknowledged'],
    ]);
    expect(result.events[0]).toMatchObject({ type: 'claim.acknowledged', occurredAt: '2011-03-11T12:00:00Z', payload: { claimId: '5781', categoryCode: 'A2', statusCode: '20', payerClaimNumber: '1107000000014420', acknowledgedOn: '2011-03-11' } });
  });

  it('rejected: component separator |, A7:562:85 for claim 3920394930203 → claim.rejected', async () => {
    const result = await fixture('277CA', 'rejected');
    const t = only<Report277>(result);
    expect(t.statuses[1]).toMatchObject({ level: 'claim', patientControlNumber: '3920394930203', category: 'A7', status: '562', entity: '85', eventType: 'claim.rejected' });
    expect(result.events[0]).toMatchObject({ type: 'claim.rejected', payload: { claimId: '3920394930203', categoryCode: 'A7', statusCode: '562', rejectedOn: '2011-03-11' } });
    expect((result.events[0]!.payload as { reason: string }).reason).toMatch(/^rejected A7:562:85: /);
  });
});

describe('277 fixtures', () => {
  it('claim-level-status: three claims by REF*EJ, and one line-level status after SVC', async () => {
    const result = await fixture('277', 'X212_claim-level-status.277');
    const t = only<Report277>(result);
    expect(t.statuses.map((s) => [s.level, s.patientControlNumber, s.payerClaimNumber, s.category, s.status, s.entity, s.eventType])).toEqual([
      ['claim', 'SM123456', '05347006051', 'P3', '317', null, 'claim.status'],
      ['claim', 'J0234567', '0529675341', 'F0', '3', null, 'claim.status'],
      ['claim', 'MA345678', '051681010827', 'F2', '88', 'QC', 'claim.status'],
      ['line', 'MA345678', '051681010827', 'F2', '88', 'QC', null],
    ]);
    expect(result.events.map((e) => [e.payload.claimId, (e.payload as { statusOn: string }).statusOn])).toEqual([
      ['SM123456', '2005-09-13'],
      ['J0234567', '2005-09-15'],
      ['MA345678', '2005-06-12'],
    ]);
  });

  it('provider-level-status: claim P3 → event; provider-level E0:24:85 is a batch status without one', async () => {
    const t = only<Report277>(await fixture('277', 'provider-level-status'));
    expect(t.statuses.map((s) => [s.level, s.traceNumber, s.category, s.status, s.entity, s.eventType])).toEqual([
      ['claim', 'ABCXYZ1', 'P3', '317', null, 'claim.status'],
      ['batch', '0', 'E0', '24', '85', null],
    ]);
  });

  it('information-receiver-level: one batch status E0:0, no event', async () => {
    expect(only<Report277>(await fixture('277', 'information-receiver')).statuses).toEqual([
      { level: 'batch', traceNumber: 'ABC276XXX', patientControlNumber: null, payerClaimNumber: null, category: 'E0', status: '0', entity: null, additionalStatuses: [], eventType: null },
    ]);
  });

  it('imsweb x212: eight claims A1:704; IEA02 ≠ ISA13 is a warning', async () => {
    const result = await fixture('277', '277_x212');
    expect(result.report.errors).toEqual([expect.objectContaining({ segment: 'IEA', severity: 'warning', reason: 'IEA02 does not match ISA13' })]);
    expect(result.events.map((e) => e.payload.claimId)).toEqual(['12345', '12346', '12347', '12348', '12349', '12340', '12341', '12342']);
    expect(new Set(result.events.map((e) => `${e.type} ${(e.payload as { categoryCode: string }).categoryCode}`))).toEqual(new Set(['claim.status A1']));
  });

  it('ncpdp and stupidedi: one claim each (TRN02 when there is no REF*EJ)', async () => {
    expect((await fixture('277', 'ncpdp')).events[0]!.payload).toEqual({ claimId: 'ABCXYZ1', categoryCode: 'F2', statusCode: '80', payerClaimNumber: '05347006051', statusOn: '2006-03-01' });
    expect((await fixture('277', 'HR277')).events[0]!.payload).toEqual({ claimId: '567812', categoryCode: 'P5', statusCode: '3', statusOn: '2019-06-08' });
  });
});

describe('999 fixtures', () => {
  it('accepted: set 0001 A, group 17456 A', async () => {
    expect(only<Report999>(await fixture('999', '999_accepted')).acknowledgments).toEqual([
      { level: 'set', groupControlNumber: '17456', setControlNumber: '0001', setId: '837', accepted: true, code: 'A', errorCodes: [] },
      { level: 'group', groupControlNumber: '17456', setControlNumber: null, setId: 'HC', accepted: true, code: 'A', errorCodes: [] },
    ]);
  });

  it('rejected: set 0028 R (error 5), group 28 R', async () => {
    expect(only<Report999>(await fixture('999', '999_rejected')).acknowledgments.map((a) => [a.level, a.groupControlNumber, a.setControlNumber, a.accepted, a.code, a.errorCodes])).toEqual([
      ['set', '28', '0028', false, 'R', ['5']],
      ['group', '28', null, false, 'R', []],
    ]);
  });

  it('three 837s: 0001 A, 0002 and 0003 R, group P (partly accepted is not accepted)', async () => {
    expect(only<Report999>(await fixture('999', '3-837s')).acknowledgments.map((a) => [a.setControlNumber, a.accepted, a.code])).toEqual([
      ['0001', true, 'A'],
      ['0002', false, 'R'],
      ['0003', false, 'R'],
      [null, false, 'P'],
    ]);
  });
});

describe('837 fixtures', () => {
  it('837P demo.example1: claim 26463774, 100.00 = 40 + 15 + 35 + 10; ICD-9 034.0 refused by the contract', async () => {
    const t = only<Report837>(await fixture('837P', 'demo.example1'));
    expect(t).toMatchObject({ type: '837P', status: 'accepted', implementation: '005010X222A2' });
    expect(t.claims).toEqual([
      { patientControlNumber: '26463774', chargeCents: 10_000, eventType: 'claim.submitted', refused: 'payload.diagnosisCodes.0: ICD-10-CM code such as E11.9 (letter, digit, alphanumeric, optional .xxxx)' },
    ]);
  });

  it('837P ambulance: 766.50 = 700 + 8.20 + 46 + 12.30; cob example3: 79.04 = 43 + 15 + 21.04', async () => {
    expect(only<Report837>(await fixture('837P', 'ambulance')).claims).toMatchObject([{ patientControlNumber: '051068', chargeCents: 76_650, eventType: 'claim.submitted' }]);
    expect(only<Report837>(await fixture('837P', 'cob.example3')).claims).toMatchObject([{ patientControlNumber: '26407789', chargeCents: 7_904 }]);
    expect(only<Report837>(await fixture('837P', 'cob.2ndary')).claims).toMatchObject([{ patientControlNumber: '125WILL', chargeCents: 14_550 }]);
    expect(only<Report837>(await fixture('837P', 'medicare-secondary-payer')).claims).toMatchObject([{ patientControlNumber: '101KEN6055', chargeCents: 12_000 }]);
    // 005010X222 without its errata suffix is still 5010 professional.
    expect(only<Report837>(await fixture('837P', 'X222_HC837'))).toMatchObject({ implementation: '005010X222', status: 'accepted', claims: [{ patientControlNumber: '26463774', chargeCents: 10_000 }] });
  });

  it('837I two claims: 89.95 = 13.39 + 76.56 and 50.00; institutional-claim 89.93 = 13.39 + 76.54', async () => {
    const t = only<Report837>(await fixture('837I', 'two-claims'));
    expect(t).toMatchObject({ type: '837I', status: 'accepted', implementation: '005010X223A3' });
    expect(t.claims.map((c) => [c.patientControlNumber, c.chargeCents, c.eventType])).toEqual([
      ['756048Q', 8_995, 'claim.submitted'],
      ['756049Q', 5_000, 'claim.submitted'],
    ]);
    expect(t.claims[0]!.refused).toContain('payload.diagnosisCodes.0');
    expect(only<Report837>(await fixture('837I', 'institutional-claim')).claims).toMatchObject([{ patientControlNumber: '756048Q', chargeCents: 8_993 }]);
  });

  it('refuses the imsweb 837s whose SE01 (25) undercounts their segments', async () => {
    expect(only(await fixture('837P', 'x12_valid.txt'))).toMatchObject({ status: 'refused', reason: 'envelope error: SE01=25 but 34 segments' });
    expect(only(await fixture('837P', 'different_separators'))).toMatchObject({ status: 'refused', reason: 'envelope error: SE01=25 but 34 segments' });
    expect(only(await fixture('837I', 'x223-test'))).toMatchObject({ status: 'refused', reason: 'envelope error: SE01=25 but 48 segments' });
  });
});
