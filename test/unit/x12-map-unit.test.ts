// The X12 mappers on hand-made transactions: amounts to exact cents, 835 balance and PLB, reversals, stable event
// ids, 277/277CA levels, 837 fields, and the refusal policy (version, envelope, unreadable amounts).
import { describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { buildFileReport, fileFacts } from '../../functions/x12/file-report.js';
import { parseCents } from '../../functions/x12/map-835.js';
import { payerTypeOf } from '../../functions/x12/map-837.js';
import { mapTransaction, transactionTypeOf, type Report277, type Report835, type Report837, type Report999 } from '../../functions/x12/map-transaction.js';
import type { ReadItem, Segment, Transaction } from '../../functions/x12/segments.js';

const ctx = { tenantId: 'acme-billing', source: 'x12-unit' };

/**
 * Test-only: a Transaction from an ST..SE text with known delimiters (`*`, `:`, `~`). Segment numbers count an
 * ISA and a GS before it; offsets are character positions in the text.
 */
const tx = (text: string, envelope: Partial<Transaction> = {}): Transaction => {
  const segments: Segment[] = [];
  let offset = 0;
  for (const raw of text.split('~')) {
    const trimmed = raw.trim();
    if (trimmed !== '') {
      const elements = trimmed.split('*');
      segments.push({ id: elements[0]!, elements, segmentNumber: segments.length + 3, offset: offset + raw.indexOf(trimmed) });
    }
    offset += raw.length + 1;
  }
  const st = segments[0]!.elements;
  return {
    setId: st[1]!,
    controlNumber: st[2]!,
    implementation: st[3] ?? '',
    functionalId: 'HP',
    interchangeControlNumber: '000000123',
    groupControlNumber: '77',
    interchangeVersion: '00501',
    delimiters: { element: '*', component: ':', repetition: '^', segment: '~' },
    segments,
    envelopeErrors: [],
    ...envelope,
  };
};

/** An 835 around the given claim and PLB segments, with the right SE01. */
const remit = (bpr02: string, body: string, st02 = '0001', handling = 'I'): Transaction => {
  const inner = `BPR*${handling}*${bpr02}*C*ACH************20240315~TRN*1*EFT123*1512345678~DTM*405*20240314~N1*PR*ACME HEALTH PLAN~REF*2U*60054~N1*PE*GOOD CLINIC*XX*1234567893~${body}`;
  const count = inner.split('~').filter((s) => s.trim()).length + 2;
  return tx(`ST*835*${st02}*005010X221A1~${inner}~SE*${count}*${st02}~`);
};

describe('parseCents: exact integer cents by string arithmetic', () => {
  it.each([
    ['123.4', 12340],
    ['-5', -500],
    ['.5', 50],
    ['0', 0],
    ['-0.00', 0],
    ['5.', 500],
    ['1.230', 123],
    ['1.2300', 123],
    ['0.07', 7],
    ['10323.64', 1032364],
    ['12345678901.99', 1234567890199],
    // 0.1 + 0.2 style float traps come out exact.
    ['0.29', 29],
    ['1.15', 115],
  ])('%s → %i', (text, cents) => {
    expect(parseCents(text)).toBe(cents);
  });

  it.each(['1.234', '1.2301', '', '-', '.', 'abc', '1e3', '+5', '1,000.00', '--5', '1.2.3'])('refuses %j', (text) => {
    expect(parseCents(text)).toBeUndefined();
  });
});

describe('transaction types', () => {
  it('tells 277 from 277CA and 837P from 837I by the guide', () => {
    expect(transactionTypeOf('277', '005010X214')).toBe('277CA');
    expect(transactionTypeOf('277', '005010X212')).toBe('277');
    expect(transactionTypeOf('837', '005010X222A1')).toBe('837P');
    expect(transactionTypeOf('837', '005010X223A3')).toBe('837I');
    expect(transactionTypeOf('837', '005010X224A2')).toBeUndefined();
    expect(transactionTypeOf('835', '004010X091A1')).toBe('835');
  });

  it('maps SBR09 to the payer type', () => {
    expect(['MA', 'MB', 'MC', 'CI', 'BL', 'HM', '12', 'CH', 'VA', 'WC', ''].map(payerTypeOf)).toEqual([
      'medicare',
      'medicare',
      'medicaid',
      'commercial',
      'commercial',
      'commercial',
      'commercial',
      'other',
      'other',
      'other',
      'other',
    ]);
  });
});

describe('835', () => {
  // Claim A: billed 100.00, paid 80.00, CO-45 15.00 at claim level, PR-2 5.00 on its line → 100 − 80 = 15 + 5.
  const claimA = 'CLP*CLM-A*1*100*80*5*12*PCN-A~CAS*CO*45*15~NM1*QC*1*PATIENTLAST*PATIENTFIRST****MI*MEMBER9~SVC*HC:99213:25*100*80**1~DTM*472*20240301~CAS*PR*2*5~AMT*B6*85';

  it('accepts a balanced remit and maps every figure to cents', () => {
    const { report, events } = mapTransaction(remit('80.00', claimA), ctx);
    const r = report as Report835;
    expect(r).toMatchObject({ type: '835', status: 'accepted', reason: null, paymentCents: 8000, traceNumber: 'EFT123', balanced: true, imbalanceCents: 0, remitDate: '2024-03-14', paymentDate: '2024-03-15' });
    expect(r.payer).toEqual({ name: 'ACME HEALTH PLAN', id: '60054' });
    expect(r.claims[0]).toMatchObject({
      patientControlNumber: 'CLM-A',
      statusCode: '1',
      chargeCents: 10000,
      paidCents: 8000,
      patientResponsibilityCents: 500,
      payerClaimNumber: 'PCN-A',
      adjustmentCentsByGroup: { CO: 1500, PR: 500, OA: 0, PI: 0, CR: 0 },
      reversal: false,
      eventType: 'claim.adjudicated',
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'claim.adjudicated',
      tenantId: 'acme-billing',
      source: 'x12-unit',
      occurredAt: '2024-03-14T12:00:00Z',
      payload: {
        claimId: 'CLM-A',
        remitDate: '2024-03-14',
        billedCents: 10000,
        paidCents: 8000,
        patientResponsibilityCents: 500,
        adjustments: [{ group: 'CO', carc: '45', amountCents: 1500 }],
        lines: [{ procedureCode: '99213', modifiers: ['25'], chargeCents: 10000, paidCents: 8000, allowedCents: 8500, units: 1, adjustments: [{ group: 'PR', carc: '2', amountCents: 500 }] }],
      },
    });
    expect(claimEvent.safeParse(events[0]).success).toBe(true);
  });

  it('refuses an unbalanced remit whole: balanced false, imbalanceCents = BPR02 − (ΣCLP04 − ΣPLB), no events', () => {
    // BPR02 90.00 but CLP04 80.00 and no PLB: 9000 − 8000 = 1000.
    const { report, events } = mapTransaction(remit('90.00', claimA), ctx);
    const r = report as Report835;
    expect(r).toMatchObject({ status: 'refused', balanced: false, imbalanceCents: 1000, paymentCents: 9000 });
    expect(r.reason).toContain('does not balance');
    expect(r.errors[0]).toMatchObject({ segment: 'BPR', segmentNumber: 4 });
    expect(r.claims[0]).toMatchObject({ patientControlNumber: 'CLM-A', eventType: null });
    expect(events).toEqual([]);
    // With a PLB of 5.00 (reducing the payment) the imbalance grows: 9000 − (8000 − 500) = 1500.
    expect((mapTransaction(remit('90.00', `${claimA}~PLB*1234567893*20241231*WO:INV1*5`), ctx).report as Report835).imbalanceCents).toBe(1500);
  });

  it('a negative PLB amount increases the payment; reasons and references split from the composite', () => {
    // BPR02 = 80.00 + 1.27 − 2.00 − 0.50 = 78.77: PLB −1.27 (interest paid) adds, 2.00 and 0.50 (recoupments) subtract.
    const { report, events } = mapTransaction(remit('78.77', `${claimA}~PLB*1234567893*20241231*L6:INT1*-1.27*WO:ABC:123*2~PLB*1234567893*20241231*FB99*.5`), ctx);
    const r = report as Report835;
    expect(r).toMatchObject({ status: 'accepted', balanced: true, imbalanceCents: 0, paymentCents: 7877 });
    expect(r.providerAdjustments).toEqual([
      { reasonCode: 'L6', reference: 'INT1', amountCents: -127 },
      { reasonCode: 'WO', reference: 'ABC:123', amountCents: 200 },
      // Sent without its separator: the two-character reason, then the reference.
      { reasonCode: 'FB', reference: '99', amountCents: 50 },
    ]);
    expect(events).toHaveLength(1);
  });

  it('a remit of PLB only balances on its own', () => {
    // No claims: BPR02 = 0 − (−25.00) = 25.00.
    const r = mapTransaction(remit('25', 'PLB*1234567893*20241231*L6*-25'), ctx).report as Report835;
    expect(r).toMatchObject({ status: 'accepted', balanced: true, claims: [], paymentCents: 2500 });
  });

  it('maps CLP02 22 to claim.reversed, and its correction under the same CLP01 to claim.adjudicated with distinct ids', () => {
    // Reversal −100/−80 (CO-45 −15, PR-2 −5) then the corrected claim 100/90 (CO-45 10): ΣCLP04 = −80 + 90 = 10.
    const body = 'CLP*CLM-A*22*-100*-80*-5*12*PCN-A~CAS*CO*45*-15~CAS*PR*2*-5~CLP*CLM-A*1*100*90**12*PCN-A~CAS*CO*45*10';
    const { report, events } = mapTransaction(remit('10', body), ctx);
    const r = report as Report835;
    expect(r.claims.map((c) => [c.statusCode, c.reversal, c.eventType, c.chargeCents, c.paidCents])).toEqual([
      ['22', true, 'claim.reversed', -10000, -8000],
      ['1', false, 'claim.adjudicated', 10000, 9000],
    ]);
    expect(r.claims[0]!.adjustmentCentsByGroup).toEqual({ CO: -1500, PR: -500, OA: 0, PI: 0, CR: 0 });
    expect(events.map((e) => e.type)).toEqual(['claim.reversed', 'claim.adjudicated']);
    expect(events[0]!.payload).toEqual({ claimId: 'CLM-A', remitDate: '2024-03-14', payerClaimNumber: 'PCN-A' });
    expect(events[0]!.eventId).not.toBe(events[1]!.eventId);
  });

  it('gives duplicate CLP01s distinct event ids that are the same on every run and differ across payments', () => {
    const body = `${claimA}~${claimA.replace('PCN-A', 'PCN-B')}`;
    const first = mapTransaction(remit('160', body), ctx).events.map((e) => e.eventId);
    const again = mapTransaction(remit('160', body), ctx).events.map((e) => e.eventId);
    // The same payment (payer 1512345678, trace EFT123, 2024-03-15, $160) in another transaction set or interchange
    // is the same payment re-delivered: the same ids, so nothing applies twice.
    const redelivered = mapTransaction(remit('160', body, '0002'), ctx).events.map((e) => e.eventId);
    // Another payment (trace EFT124) with the same claims: other ids.
    const otherPayment = mapTransaction({ ...remit('160', body), segments: remit('160', body).segments.map((seg) => (seg.id === 'TRN' ? { ...seg, elements: seg.elements.map((e, i) => (i === 2 ? 'EFT124' : e)) } : seg)) }, ctx).events.map((e) => e.eventId);
    expect(first).toHaveLength(2);
    expect(new Set(first).size).toBe(2);
    expect(again).toEqual(first);
    expect(redelivered).toEqual(first);
    expect(otherPayment.some((id) => first.includes(id))).toBe(false);
    for (const id of first) expect(id).toMatch(/^x12-[0-9a-f]{40}$/);
  });

  it('lists a claim whose own figures do not balance, refused by the contract, and still sends the others', () => {
    // CLM-B: billed 50, paid 30, CO-45 10: 50 − 30 = 20 ≠ 10. The transaction balances (BPR02 = 80 + 30 = 110).
    const { report, events } = mapTransaction(remit('110', `${claimA}~CLP*CLM-B*1*50*30**12*PCN-B~CAS*CO*45*10`), ctx);
    const r = report as Report835;
    expect(r.status).toBe('accepted');
    expect(r.claims[1]).toMatchObject({ patientControlNumber: 'CLM-B', eventType: 'claim.adjudicated' });
    expect(r.claims[1]!.refused).toMatch(/^payload\.adjustments: do not balance/);
    expect(r.claims[1]!.eventId).toBeUndefined();
    expect(events.map((e) => e.payload.claimId)).toEqual(['CLM-A']);
  });

  it('carries RARCs: MOA at claim level, LQ*HE on the line, and on the adjustments of their loop (CARC 16 needs one)', () => {
    const body = 'CLP*CLM-C*1*200*0**12*PCN-C~MOA***MA130~SVC*HC:99214*200*0**1~CAS*CO*16*200~LQ*HE*N290';
    const { events, report } = mapTransaction(remit('0', body), ctx);
    expect((report as Report835).claims[0]!.refused).toBeUndefined();
    expect(events[0]!.payload).toMatchObject({ remarkCodes: ['MA130'], lines: [{ remarkCodes: ['N290'], adjustments: [{ group: 'CO', carc: '16', rarcs: ['N290'], amountCents: 20000 }] }] });
  });

  it('BPR01 H (notification) still carries its claims', () => {
    const body = 'CLP*CLM-D*4*75*0**MC*PCN-D~CAS*CO*109*75';
    const { report, events } = mapTransaction(remit('0', body, '0001', 'H'), ctx);
    expect((report as Report835).handlingCode).toBe('H');
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ claimStatusCode: '4', paidCents: 0 });
  });

  it('refuses a transaction with an amount it cannot read, naming the element, never the value', () => {
    const { report, events } = mapTransaction(remit('80', claimA.replace('*100*80*5*', '*100*80.001*5*')), ctx);
    expect(report).toMatchObject({ status: 'refused', reason: 'CLP04 is not an amount', errors: [{ segment: 'CLP', segmentNumber: 10 }] });
    expect(JSON.stringify(report)).not.toContain('80.001');
    expect(events).toEqual([]);
  });
});

describe('refusal policy', () => {
  const good = remit('80', 'CLP*CLM-A*1*100*80**12*PCN-A~CAS*CO*45*20');

  it('refuses 4010 and names the version', () => {
    expect(mapTransaction({ ...good, implementation: '004010X091A1', interchangeVersion: '00401' }, ctx).report).toMatchObject({
      status: 'refused',
      reason: 'version 004010X091A1 is not 5010; only 5010 files are read',
    });
    expect(mapTransaction({ ...good, interchangeVersion: '00401' }, ctx).report.reason).toBe('interchange version 00401 is not 5010; only 5010 files are read');
  });

  it('refuses a transaction whose SE01 or SE02 is wrong, with the reader error', () => {
    const error = { segment: 'SE', segmentNumber: 14, offset: 400, reason: 'SE01=12 but 11 segments' };
    const { report, events } = mapTransaction({ ...good, envelopeErrors: [error] }, ctx);
    expect(report).toMatchObject({ status: 'refused', reason: 'envelope error: SE01=12 but 11 segments', errors: [error] });
    expect(events).toEqual([]);
  });

  it('refuses a set it does not map', () => {
    expect(mapTransaction(tx('ST*276*0001*005010X212~BHT*0010*13~SE*3*0001~'), ctx).report).toMatchObject({ type: '276', status: 'refused', reason: 'transaction set 276 (005010X212) is not mapped' });
  });

  it('file status: GE/IEA mismatches are warnings, an unreadable part makes the file partial, nothing read refuses it', async () => {
    const facts = fileFacts('remit.835', 'ISA...');
    const transaction: ReadItem = { kind: 'transaction', transaction: good };
    const ieaWarning: ReadItem = { kind: 'error', error: { segment: 'IEA', segmentNumber: 20, offset: 900, reason: 'IEA02 does not match ISA13' } };
    const broken: ReadItem = {
      kind: 'error',
      error: { segment: 'CLP', segmentNumber: 30, offset: 1200, reason: 'file ends inside segment CLP' },
      transaction: { setId: '835', controlNumber: '0002', interchangeControlNumber: '000000123', groupControlNumber: '77', implementation: '005010X221A1' },
    };
    const accepted = await buildFileReport(facts, [transaction, ieaWarning], ctx);
    expect(accepted.report).toMatchObject({ file: 'remit.835', bytes: 6, status: 'accepted', errors: [{ segment: 'IEA', severity: 'warning', reason: 'IEA02 does not match ISA13' }] });
    expect(accepted.report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(accepted.events).toHaveLength(1);
    const partial = await buildFileReport(facts, [transaction, broken], ctx);
    expect(partial.report.status).toBe('partial');
    expect(partial.report.transactions[1]).toMatchObject({ type: '835', controlNumber: '0002', status: 'refused', reason: 'file ends inside segment CLP' });
    expect(partial.report.errors[0]).toMatchObject({ severity: 'error', segment: 'CLP' });
    expect((await buildFileReport(facts, [broken], ctx)).report.status).toBe('refused');
    const seError = { segment: 'SE', segmentNumber: 14, offset: 400, reason: 'SE02 does not match ST02' };
    const miscounted = await buildFileReport(facts, [{ kind: 'transaction', transaction: { ...good, envelopeErrors: [seError] } }, transaction], ctx);
    expect(miscounted.report).toMatchObject({ status: 'partial', errors: [{ ...seError, severity: 'error' }] });
    expect(miscounted.events).toHaveLength(1);
    expect((await buildFileReport(facts, [], ctx)).report.status).toBe('refused');
  });
});

describe('277CA', () => {
  const ack = (body: string) => {
    const inner = `BHT*0085*08*B1*20240402*1010*TH~HL*1**20*1~NM1*PR*2*CLEARINGHOUSE*****46*CH1~TRN*1*B1~DTP*050*D8*20240402~HL*2*1*21*1~NM1*41*2*GOOD CLINIC*****46*S1~TRN*2*BATCH9~${body}`;
    const count = inner.split('~').length + 2;
    return tx(`ST*277*0042*005010X214~${inner}~SE*${count}*0042~`);
  };

  it('A3 at the information receiver rejects the batch: a batch status, no event', () => {
    const { report, events } = mapTransaction(ack('STC*A3:24:41*20240402*U*500'), ctx);
    expect((report as Report277).statuses).toEqual([
      { level: 'batch', traceNumber: 'BATCH9', patientControlNumber: null, payerClaimNumber: null, category: 'A3', status: '24', entity: '41', additionalStatuses: [], eventType: null },
    ]);
    expect(events).toEqual([]);
  });

  it('claim level: A2 → claim.acknowledged; A7 (or a rejection in STC10) → claim.rejected with the text the payer sent', () => {
    const claims =
      'STC*A1:19*20240402*WQ*300~HL*3*2*19*1~NM1*85*2*GOOD CLINIC*****XX*1234567893~HL*4*3*PT~NM1*QC*1*PATIENTLAST*PATIENTFIRST****MI*MEMBER9~TRN*2*CLM-1~STC*A2:20*20240402*WQ*100~REF*1K*PAYER-1~' +
      'HL*5*3*PT~NM1*QC*1*OTHERLAST*OTHERFIRST****MI*MEMBER8~TRN*2*CLM-2~STC*A1:19*20240403*WQ*200******A7:164:IL*A8:500*Subscriber id invalid';
    const { report, events } = mapTransaction(ack(claims), ctx);
    const statuses = (report as Report277).statuses;
    expect(statuses.map((s) => [s.level, s.patientControlNumber, s.category, s.eventType])).toEqual([
      ['batch', null, 'A1', null],
      ['claim', 'CLM-1', 'A2', 'claim.acknowledged'],
      ['claim', 'CLM-2', 'A1', 'claim.rejected'],
    ]);
    expect(statuses[2]!.additionalStatuses).toEqual([
      { category: 'A7', status: '164', entity: 'IL' },
      { category: 'A8', status: '500', entity: null },
    ]);
    expect(events.map((e) => e.payload)).toEqual([
      { claimId: 'CLM-1', categoryCode: 'A2', statusCode: '20', payerClaimNumber: 'PAYER-1', acknowledgedOn: '2024-04-02' },
      { claimId: 'CLM-2', categoryCode: 'A7', statusCode: '164', reason: 'Subscriber id invalid (A7:164:IL, A8:500)', rejectedOn: '2024-04-03' },
    ]);
    expect(JSON.stringify(report)).not.toContain('Subscriber id invalid');
  });
});

describe('277', () => {
  it('claim-level STC → claim.status (REF*EJ is the claim); an STC after SVC is line level, reported only', () => {
    const inner =
      'BHT*0010*08*X1*20240405*0810*DG~HL*1**20*1~NM1*PR*2*PLAN*****PI*1~HL*2*1*21*1~NM1*41*2*CLINIC*****46*S1~HL*3*2*19*1~NM1*1P*2*CLINIC*****XX*1234567893~HL*4*3*22*0~NM1*IL*1*SUBLAST*SUBFIRST****MI*MEMBER7~' +
      'TRN*2*TRACE-1~STC*F1:65*20240404**120*100~REF*1K*PAYER-9~REF*EJ*CLM-7~SVC*HC:99213*120*100~STC*F1:65*20240404~REF*FJ*1';
    const t = tx(`ST*277*0001*005010X212~${inner}~SE*${inner.split('~').length + 2}*0001~`);
    const { report, events } = mapTransaction(t, ctx);
    expect((report as Report277).statuses.map((s) => [s.level, s.traceNumber, s.patientControlNumber, s.payerClaimNumber, s.category, s.status, s.eventType])).toEqual([
      ['claim', 'TRACE-1', 'CLM-7', 'PAYER-9', 'F1', '65', 'claim.status'],
      ['line', 'TRACE-1', 'CLM-7', 'PAYER-9', 'F1', '65', null],
    ]);
    expect(events.map((e) => [e.type, e.payload])).toEqual([['claim.status', { claimId: 'CLM-7', categoryCode: 'F1', statusCode: '65', payerClaimNumber: 'PAYER-9', statusOn: '2024-04-04' }]]);
    expect(JSON.stringify(report)).not.toMatch(/SUBLAST|SUBFIRST|MEMBER7/);
  });
});

describe('999', () => {
  it('reports each AK2 by IK5 and the group by AK9', () => {
    const t = tx('ST*999*0001*005010X231A1~AK1*HC*55*005010X222A1~AK2*837*0001~IK5*A~AK2*837*0002~IK3*CLM*22**8~IK5*R*5~AK9*P*2*2*1~SE*9*0001~');
    const { report, events } = mapTransaction({ ...t, functionalId: 'FA' }, ctx);
    expect((report as Report999).acknowledgments).toEqual([
      { level: 'set', groupControlNumber: '55', setControlNumber: '0001', setId: '837', accepted: true, code: 'A', errorCodes: [] },
      { level: 'set', groupControlNumber: '55', setControlNumber: '0002', setId: '837', accepted: false, code: 'R', errorCodes: ['5'] },
      { level: 'group', groupControlNumber: '55', setControlNumber: null, setId: 'HC', accepted: false, code: 'P', errorCodes: [] },
    ]);
    expect(events).toEqual([]);
  });
});

describe('837', () => {
  // Billing 1234567893 in TX, rendering 9876543213; subscriber is the patient; Medicaid (MC) payer in TX;
  // claim 1: 2 lines 100.00 + 50.50 = 150.50; claim 2 replaces (7) payer claim ORIG-1, with Medicare as the next payer.
  const body =
    'BHT*0019*00*B1*20240410*1200*CH~NM1*41*2*CLINIC*****46*S1~NM1*40*2*PLAN*****46*R1~HL*1**20*1~NM1*85*2*GOOD CLINIC*****XX*1234567893~N3*1 MAIN~N4*AUSTIN*TX*78701~' +
    'HL*2*1*22*0~SBR*P*18*******MC~NM1*IL*1*SUBLAST*SUBFIRST****MI*MEMBER7~DMG*D8*19800115*F~NM1*PR*2*STATE MEDICAID*****PI*TXMCD~' +
    'CLM*CLM-1*150.5***11:B:1*Y*A*Y*Y~HI*ABK:E119*ABF:I10~NM1*82*1*DOC*RENDER****XX*9876543213~LX*1~SV1*HC:99214:25*100*UN*1***1~DTP*472*D8*20240402~LX*2~SV1*HC:93000*50.50*UN*2***2~DTP*472*D8*20240403~' +
    'CLM*CLM-2*40***11:B:7*Y*A*Y*Y~REF*F8*ORIG-1~HI*ABK:Z0000~SBR*S*18*******MB~NM1*IL*1*SUBLAST*SUBFIRST****MI*OTHERID~NM1*PR*2*MEDICARE*****PI*MCR1~LX*1~SV1*HC:99213*40*UN*1***1~DTP*472*RD8*20240401-20240405';
  const t = tx(`ST*837*0005*005010X222A1~${body}~SE*${body.split('~').length + 2}*0005~`);

  it('maps each CLM to claim.submitted with the fields of the contract', () => {
    const { report, events } = mapTransaction(t, ctx);
    expect((report as Report837).claims).toEqual([
      { patientControlNumber: 'CLM-1', chargeCents: 15050, eventType: 'claim.submitted', eventId: events[0]!.eventId },
      { patientControlNumber: 'CLM-2', chargeCents: 4000, eventType: 'claim.submitted', eventId: events[1]!.eventId },
    ]);
    expect(events[0]).toMatchObject({ type: 'claim.submitted', occurredAt: '2024-04-10T12:00:00Z' });
    expect(events[0]!.payload).toEqual({
      claimId: 'CLM-1',
      payer: { id: 'TXMCD', name: 'STATE MEDICAID', type: 'medicaid', state: 'TX' },
      billingNpi: '1234567893',
      renderingNpi: '9876543213',
      patient: { accountNumber: 'CLM-1', memberId: 'MEMBER7', lastName: 'SUBLAST', firstName: 'SUBFIRST', dateOfBirth: '1980-01-15' },
      serviceDate: { from: '2024-04-02', through: '2024-04-03' },
      lines: [
        { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 10000, serviceDate: '2024-04-02' },
        { procedureCode: '93000', modifiers: [], units: 2, chargeCents: 5050, serviceDate: '2024-04-03' },
      ],
      diagnosisCodes: ['E11.9', 'I10'],
      totalChargeCents: 15050,
      submittedOn: '2024-04-10',
      frequencyCode: '1',
      participating: true,
      submissionMethod: 'electronic',
    });
    expect(events[1]!.payload).toMatchObject({
      claimId: 'CLM-2',
      frequencyCode: '7',
      originalClaimNumber: 'ORIG-1',
      // No NM1*82: the billing provider renders.
      renderingNpi: '1234567893',
      diagnosisCodes: ['Z00.00'],
      serviceDate: { from: '2024-04-01', through: '2024-04-05' },
      otherPayer: { id: 'MCR1', name: 'MEDICARE' },
      patient: { memberId: 'MEMBER7' },
    });
  });

  it('asks the context whether the provider participates', () => {
    const { events } = mapTransaction(t, { ...ctx, isParticipating: (payer) => payer.type !== 'medicaid' });
    expect(events[0]!.payload).toMatchObject({ participating: false });
  });

  it('keeps patient names, member ids and birth dates out of the report', () => {
    expect(JSON.stringify(mapTransaction(t, ctx).report)).not.toMatch(/SUBLAST|SUBFIRST|MEMBER7|OTHERID|1980/);
  });

  it('a claim the contract refuses is reported by field paths, the other still sent', () => {
    const bad = tx(t.segments.map((s) => s.elements.join('*')).join('~').replace('HI*ABK:E119*ABF:I10', 'HI*BK:25000'));
    const { report, events } = mapTransaction(bad, ctx);
    expect((report as Report837).claims[0]!.refused).toBe('payload.diagnosisCodes.0: ICD-10-CM code such as E11.9 (letter, digit, alphanumeric, optional .xxxx)');
    expect(events.map((e) => e.payload.claimId)).toEqual(['CLM-2']);
  });
});
