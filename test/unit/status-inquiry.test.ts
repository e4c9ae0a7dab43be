// Automatic status checks, the pure parts: who is asked, the 276 as our own reader reads it back (round trip), and
// the mark that keeps a claim asked by 276 away from a manual status call until its answer is overdue.
import { describe, expect, it } from 'vitest';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { addBusinessDays, answerOverdueOn, awaitingAnswer, inquiryBatchDateOf, inquiryBatchIdOf, inquiryStanding, receiversOf, selectForInquiry, traceOf } from '../../functions/domain/status-inquiry.js';
import { tenantSettings } from '../../functions/domain/tenant-settings.js';
import { describeReason, planWorkItem } from '../../functions/domain/work-item.js';
import { readX12Text } from '../../functions/x12/reader.js';
import { claimsOf276, isDependent, write276, x12Amount, type InquiryClaim } from '../../functions/x12/write-276.js';
import { adjudicated, rejected, reversed, status, submitted } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error('not a claim');
  return state;
};

const settings = tenantSettings.parse({ statusInquiries: [{ payerId: 'aetna', enabled: true, receiverId: 'CLEARHOUSE1' }] });

describe('tenant setting statusInquiries', () => {
  it('defaults everyDays to 14 and refuses a payer twice or a bad receiver id', () => {
    expect(settings.statusInquiries[0]!.everyDays).toBe(14);
    expect(tenantSettings.safeParse({ statusInquiries: [{ payerId: 'a', receiverId: 'R1' }, { payerId: 'a', receiverId: 'R2' }] }).success).toBe(false);
    expect(tenantSettings.safeParse({ statusInquiries: [{ payerId: 'a', receiverId: 'has space' }] }).success).toBe(false);
    expect(tenantSettings.safeParse({ statusInquiries: Array.from({ length: 101 }, (_, i) => ({ payerId: `p${i}`, receiverId: 'R1' })) }).success).toBe(false);
  });
});

describe('selectForInquiry', () => {
  const silent = claimOf(submitted());
  it('asks no-response claims of an enabled payer not asked within everyDays', () => {
    const today = '2026-11-20';
    expect(selectForInquiry([{ claim: silent, queue: 'no-response' }], settings, today).get('aetna')).toHaveLength(1);
    expect(selectForInquiry([{ claim: silent, queue: 'no-response', lastAskedOn: '2026-11-10' }], settings, today).size).toBe(0);
    expect(selectForInquiry([{ claim: silent, queue: 'no-response', lastAskedOn: '2026-11-06' }], settings, today).get('aetna')).toHaveLength(1);
    // Not in no-response and no status: nothing a status would change yet.
    expect(selectForInquiry([{ claim: silent }], settings, today).size).toBe(0);
    // A payer not enabled, or not configured.
    const off = tenantSettings.parse({ statusInquiries: [{ payerId: 'aetna', enabled: false, receiverId: 'R1' }] });
    expect(selectForInquiry([{ claim: silent, queue: 'no-response' }], off, today).size).toBe(0);
    expect(selectForInquiry([{ claim: silent, queue: 'no-response' }], tenantSettings.parse({}), today).size).toBe(0);
  });
  it('asks claims pended at the payer (P) or finalized (F) without payment, not paid ones', () => {
    const pended = claimOf(submitted(), status('2026-10-10T12:00:00Z', 'P1'));
    expect(selectForInquiry([{ claim: pended }], settings, '2026-11-20').get('aetna')).toHaveLength(1);
    const finalized = claimOf(submitted(), status('2026-10-10T12:00:00Z', 'F1'));
    expect(selectForInquiry([{ claim: finalized }], settings, '2026-11-20').get('aetna')).toHaveLength(1);
    const denied = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0, { denial: { group: 'CO', carc: '197' } }));
    expect(selectForInquiry([{ claim: denied, queue: 'denials' }], settings, '2026-11-20').size).toBe(0);
  });
});

describe('business days', () => {
  it('counts Monday to Friday', () => {
    expect(addBusinessDays('2026-11-20', 3)).toBe('2026-11-25'); // Friday → Wednesday
    expect(answerOverdueOn('2026-11-23')).toBe('2026-11-26');
  });
  it('an inquiry waits until overdue, or until a status came after it', () => {
    const silent = claimOf(submitted());
    expect(awaitingAnswer(silent, '2026-11-20', '2026-11-24')).toBe(true);
    expect(awaitingAnswer(silent, '2026-11-20', '2026-11-25')).toBe(false);
    const answered = claimOf(submitted(), status('2026-11-21T12:00:00Z', 'P1'));
    expect(awaitingAnswer(answered, '2026-11-20', '2026-11-24')).toBe(false);
  });
});

describe('the statusAskedOn mark', () => {
  const silent = claimOf(submitted());
  const today = '2026-11-24';
  it('keeps a no-response claim asked by 276 out of the queue until its answer is overdue, then says so', () => {
    const plain = planWorkItem(silent, settings, today);
    expect(plain?.queue).toBe('no-response');
    expect(planWorkItem(silent, settings, today, { statusAskedOn: '2026-11-20' })).toBeUndefined();
    const overdue = planWorkItem(silent, settings, '2026-11-25', { statusAskedOn: '2026-11-20' });
    expect(overdue?.queue).toBe('no-response');
    const reason = overdue!.reasons.find((r) => r.code === 'status-asked');
    expect(reason && describeReason(reason, '2026-11-25')).toBe('status asked by 276 on 2026-11-20, no answer yet');
  });
  it('does not touch other queues', () => {
    const denied = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0, { denial: { group: 'CO', carc: '197' } }));
    expect(planWorkItem(denied, settings, today, { statusAskedOn: '2026-11-20' })).toEqual(planWorkItem(denied, settings, today));
  });
});

describe('write276 round trip', () => {
  const claims: InquiryClaim[] = [
    { claimId: 'C1', trace: traceOf('CLEARHOUSE1', 42, 1), billingNpi: '1234567893', patient: { lastName: 'Smith*', firstName: 'Fred~', memberId: 'M:1', dateOfBirth: '1930-12-10' }, serviceFrom: '2026-09-01', serviceThrough: '2026-09-03', chargeCents: 851_388, payerClaimNumber: 'PCN9' },
    { claimId: 'C2', trace: traceOf('CLEARHOUSE1', 42, 2), billingNpi: '1234567893', patient: { lastName: 'Jones', firstName: 'Mary', memberId: 'M2', dateOfBirth: '1930-11-15' }, serviceFrom: '2026-09-05', serviceThrough: '2026-09-05', chargeCents: 7_599 },
    { claimId: 'C3', trace: traceOf('CLEARHOUSE1', 42, 3), billingNpi: '1245319599', patient: { lastName: 'Mann', firstName: 'John', memberId: 'M3', dateOfBirth: '1995-11-01' }, serviceFrom: '2026-09-06', serviceThrough: '2026-09-06', chargeCents: 15_000 },
  ];
  const text = write276({
    interchangeControlNumber: 42,
    groupControlNumber: 42,
    senderId: 'CLINICA',
    receiverId: 'CLEARHOUSE1',
    payers: [{ id: 'aetna', name: 'Aetna', claims }],
    providerName: 'Good Clinic',
    reference: inquiryBatchIdOf('2026-11-20', 'CLEARHOUSE1', 42),
    createdAt: '2026-11-21T03:04:05.000Z',
    usage: 'T',
  });

  it('reads back as one valid 276 with envelopes and counts right', async () => {
    const items = await readX12Text(text);
    expect(items.filter((i) => i.kind === 'error')).toEqual([]);
    expect(items).toHaveLength(1);
    const t = (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
    expect(t).toMatchObject({ setId: '276', implementation: '005010X212', functionalId: 'HR', interchangeControlNumber: '000000042', groupControlNumber: '42', interchangeVersion: '00501', envelopeErrors: [] });
    const se = t.segments.at(-1)!;
    expect(se.id).toBe('SE');
    expect(Number(se.elements[1])).toBe(t.segments.length);
    // Two providers, three subscribers: 2 + 2 HLs (source, receiver) + 2 + 3.
    expect(t.segments.filter((s) => s.id === 'HL')).toHaveLength(7);
  });

  it('carries each claim: trace, claim id, payer claim number, charge, service dates, provider, payer', async () => {
    const items = await readX12Text(text);
    const t = (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
    expect(claimsOf276(t)).toEqual([
      { trace: 'CLEARHOUSE1-000000042-1', claimId: 'C1', payerClaimNumber: 'PCN9', chargeCents: 851_388, serviceDates: '20260901-20260903', providerNpi: '1234567893', payerId: 'aetna', informationReceiverId: 'CLINICA' },
      { trace: 'CLEARHOUSE1-000000042-2', claimId: 'C2', payerClaimNumber: null, chargeCents: 7_599, serviceDates: '20260905', providerNpi: '1234567893', payerId: 'aetna', informationReceiverId: 'CLINICA' },
      { trace: 'CLEARHOUSE1-000000042-3', claimId: 'C3', payerClaimNumber: null, chargeCents: 15_000, serviceDates: '20260906', providerNpi: '1245319599', payerId: 'aetna', informationReceiverId: 'CLINICA' },
    ]);
    // Delimiters in a value never break the file: they became spaces.
    expect(t.segments.find((s) => s.id === 'NM1' && s.elements[1] === 'IL')!.elements.slice(3, 5)).toEqual(['SMITH', 'FRED']);
    expect(text.split('\n')[0]!.length).toBe(106); // 105 characters and the terminator
  });

  it('formats cents without floating point and ids stay parseable', () => {
    expect(x12Amount(7_599)).toBe('75.99');
    expect(x12Amount(5)).toBe('0.05');
    expect(inquiryBatchDateOf(inquiryBatchIdOf('2026-11-20', 'R1', 7))).toBe('2026-11-20');
    expect(inquiryBatchDateOf('../etc')).toBeUndefined();
  });
});

describe('an inquiry\'s standing, and the mark through a closed and reopened work item', () => {
  const silent = claimOf(submitted());
  // Asked on Friday 2026-11-20: overdue on Wednesday 2026-11-25 (three business days), stale from 2026-12-04 (14 days).
  const asked = '2026-11-20';
  it('awaits until overdue, is overdue until everyDays have passed, then stale', () => {
    expect(inquiryStanding(silent, undefined, '2026-11-24', 14)).toBeUndefined();
    expect(inquiryStanding(silent, asked, '2026-11-24', 14)).toBe('awaiting');
    expect(inquiryStanding(silent, asked, '2026-11-25', 14)).toBe('overdue');
    expect(inquiryStanding(silent, asked, '2026-12-03', 14)).toBe('overdue'); // 13 days
    expect(inquiryStanding(silent, asked, '2026-12-04', 14)).toBe('stale'); // 14 days
    expect(inquiryStanding(silent, asked, '2026-11-22', 2)).toBe('stale'); // a payer asked every 2 days
  });
  it('is answered by any word from the payer since it was asked: a status, a rejection, a remittance or a reversal', () => {
    expect(inquiryStanding(claimOf(submitted(), status('2026-11-20T12:00:00Z', 'P1')), asked, '2026-11-24', 14)).toBe('answered');
    // A status from before the inquiry is not an answer to it.
    expect(inquiryStanding(claimOf(submitted(), status('2026-11-19T12:00:00Z', 'P1')), asked, '2026-11-24', 14)).toBe('awaiting');
    expect(inquiryStanding(claimOf(submitted(), rejected('2026-11-21T12:00:00Z')), asked, '2026-11-24', 14)).toBe('answered');
    const paid = claimOf(submitted(), adjudicated('2026-11-21T12:00:00Z', 8_000, 2_000));
    expect(inquiryStanding(paid, asked, '2026-11-24', 14)).toBe('answered');
    // Paid before the inquiry, reversed after it: the reversal is the payer's word since.
    const takenBack = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 8_000, 2_000), reversed('2026-11-23T12:00:00Z', '2026-10-20'));
    expect(inquiryStanding(takenBack, asked, '2026-11-24', 14)).toBe('answered');
  });
  it('a mark kept on a reopened item still holds the claim while its inquiry awaits, and says so once overdue', () => {
    // The nightly run closes the held item and reopens it when the hold ends; the store keeps the mark through it, and
    // the plan is the same whatever the item went through: held on the 24th, back with the reason on the 25th.
    expect(planWorkItem(silent, settings, '2026-11-24', { statusAskedOn: asked })).toBeUndefined();
    const back = planWorkItem(silent, settings, '2026-11-26', { statusAskedOn: asked });
    expect(back?.reasons[0]).toEqual({ code: 'status-asked', on: asked });
    expect(describeReason(back!.reasons[0]!, '2026-11-26')).toBe('status asked by 276 on 2026-11-20, no answer yet');
  });
  it('an answered or stale mark kept on a reopened item neither holds the claim nor shows in its reasons', () => {
    // Paid on the 21st (answered by the 835, not a 277), the payment reversed on the 23rd: the claim is back in
    // no-response on 2026-12-14 (21 days after the reversal). With a payer asked only every 365 days the mark is not
    // stale, yet it is answered: no hold, no "status asked" reason (before, only a status or a rejection counted, and
    // the reopened item said "no answer yet").
    const yearly = tenantSettings.parse({ statusInquiries: [{ payerId: 'aetna', receiverId: 'CLEARHOUSE1', everyDays: 365 }] });
    const reopened = claimOf(submitted(), adjudicated('2026-11-21T12:00:00Z', 8_000, 2_000), reversed('2026-11-23T12:00:00Z', '2026-11-21'));
    const withMark = planWorkItem(reopened, yearly, '2026-12-14', { statusAskedOn: asked });
    expect(withMark?.reasons).toEqual([{ code: 'no-response', since: '2026-11-23' }]);
    expect(withMark).toEqual(planWorkItem(reopened, yearly, '2026-12-14'));
    // Asked 2026-11-20, nothing since, 2026-12-10 is 20 days on (everyDays 14): stale, a plain no-response item.
    const stale = planWorkItem(silent, settings, '2026-12-10', { statusAskedOn: asked });
    expect(stale?.queue).toBe('no-response');
    expect(stale?.reasons.some((r) => r.code === 'status-asked')).toBe(false);
    // The same mark 13 days on (overdue, not stale) still says the payer was asked.
    expect(planWorkItem(silent, settings, '2026-12-03', { statusAskedOn: asked })?.reasons[0]).toEqual({ code: 'status-asked', on: asked });
    expect(stale).toEqual(planWorkItem(silent, settings, '2026-12-10'));
  });
  it('awaitingAnswer is the awaiting standing', () => {
    expect(awaitingAnswer(silent, asked, '2026-11-24')).toBe(true);
    expect(awaitingAnswer(claimOf(submitted(), adjudicated('2026-11-21T12:00:00Z', 8_000, 2_000)), asked, '2026-11-24')).toBe(false);
  });
});

describe('one interchange per receiver', () => {
  it('groups enabled payers by receiver, in the order of the settings', () => {
    const s = tenantSettings.parse({
      statusInquiries: [
        { payerId: 'aetna', receiverId: 'CLRA' },
        { payerId: 'cigna', receiverId: 'CLRB' },
        { payerId: 'humana', receiverId: 'CLRA' },
        { payerId: 'uhc', receiverId: 'CLRA', enabled: false },
      ],
    });
    const receivers = receiversOf(s.statusInquiries);
    expect([...receivers].map(([r, payers]) => [r, payers.map((p) => p.payerId)])).toEqual([
      ['CLRA', ['aetna', 'humana']],
      ['CLRB', ['cigna']],
    ]);
  });

  it('writes two payers of one receiver as one interchange, an information source loop each, read back with each claim\'s payer', async () => {
    const claim = (id: string, position: number, npi = '1234567893'): InquiryClaim => ({
      claimId: id,
      trace: traceOf('CLRA', 7, position),
      billingNpi: npi,
      patient: { lastName: 'Test', firstName: 'Pat', memberId: `M${position}`, dateOfBirth: '1960-01-0' + String(position) },
      serviceFrom: '2026-10-01',
      serviceThrough: '2026-10-01',
      chargeCents: 10_000 * position,
    });
    const text = write276({
      interchangeControlNumber: 7,
      groupControlNumber: 7,
      senderId: 'CLINICA',
      receiverId: 'CLRA',
      payers: [
        { id: 'aetna', name: 'Aetna', claims: [claim('A1', 1), claim('A2', 2)] },
        { id: 'humana', name: 'Humana', claims: [claim('H1', 3)] },
        { id: 'empty', name: 'Nobody', claims: [] },
      ],
      providerName: 'Good Clinic',
      reference: inquiryBatchIdOf('2026-11-20', 'CLRA', 7),
      createdAt: '2026-11-21T03:04:05.000Z',
      usage: 'T',
    });
    const items = await readX12Text(text);
    expect(items.filter((i) => i.kind === 'error')).toEqual([]);
    expect(items).toHaveLength(1); // one interchange, one group, one transaction
    expect(text.match(/^ISA\*/gm)).toHaveLength(1);
    const t = (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
    expect(t.envelopeErrors).toEqual([]);
    // Per payer: source + receiver + one provider; then one subscriber per claim: (3 + 2) + (3 + 1) = 9 HLs.
    expect(t.segments.filter((s) => s.id === 'HL')).toHaveLength(9);
    expect(t.segments.filter((s) => s.id === 'HL' && s.elements[3] === '20')).toHaveLength(2);
    expect(claimsOf276(t).map((c) => [c.claimId, c.payerId, c.trace, c.chargeCents])).toEqual([
      ['A1', 'aetna', 'CLRA-000000007-1', 10_000],
      ['A2', 'aetna', 'CLRA-000000007-2', 20_000],
      ['H1', 'humana', 'CLRA-000000007-3', 30_000],
    ]);
    // A payer's receiver loop points at its own source: HL*5*4*21 follows HL*4**20 (Humana's).
    expect(t.segments.filter((s) => s.id === 'HL').map((s) => s.elements.slice(1, 4).join('/'))).toEqual(['1//20', '2/1/21', '3/2/19', '4/3/22', '5/3/22', '6//20', '7/6/21', '8/7/19', '9/8/22']);
  });
});

describe('the dependent loop', () => {
  const base: InquiryClaim = {
    claimId: 'D1',
    trace: traceOf('CLRA', 9, 1),
    billingNpi: '1234567893',
    patient: { lastName: 'Child', firstName: 'Kim', memberId: 'SUB123', dateOfBirth: '2015-06-07' },
    serviceFrom: '2026-10-02',
    serviceThrough: '2026-10-02',
    chargeCents: 12_345,
  };
  const inquiry = (claims: InquiryClaim[]) => ({
    interchangeControlNumber: 9,
    groupControlNumber: 9,
    senderId: 'CLINICA',
    receiverId: 'CLRA',
    payers: [{ id: 'aetna', name: 'Aetna', claims }],
    providerName: 'Good Clinic',
    reference: inquiryBatchIdOf('2026-11-20', 'CLRA', 9),
    createdAt: '2026-11-21T03:04:05.000Z',
    usage: 'T' as const,
  });
  const read = async (text: string) => {
    const items = await readX12Text(text);
    expect(items.filter((i) => i.kind === 'error')).toEqual([]);
    return (items[0] as Extract<(typeof items)[number], { kind: 'transaction' }>).transaction;
  };

  it('names the subscriber on HL 22 and the patient (DMG, NM1*QC) on HL 23 with the claim\'s details, per 005010X212', async () => {
    const dependent = { ...base, subscriber: { lastName: 'Parent', firstName: 'Lee', memberId: 'SUB123' } };
    expect(isDependent(dependent)).toBe(true);
    const t = await read(write276(inquiry([dependent])));
    const after = (from: number) => t.segments.slice(from).map((s) => [s.id, ...s.elements.slice(1)].join('*'));
    const sub = t.segments.findIndex((s) => s.id === 'HL' && s.elements[3] === '22');
    // HL 4 (subscriber, child code 1: a dependent follows), NM1*IL with the member id and no DMG; HL 5 under it (23, no
    // children), DMG and NM1*QC (no id in 5010), then TRN, REF*EJ, AMT, DTP.
    expect(after(sub).slice(0, 9)).toEqual([
      'HL*4*3*22*1',
      'NM1*IL*1*PARENT*LEE****MI*SUB123',
      'HL*5*4*23*0',
      'DMG*D8*20150607',
      'NM1*QC*1*CHILD*KIM',
      'TRN*1*CLRA-000000009-1',
      'REF*EJ*D1',
      'AMT*T3*123.45',
      'DTP*472*D8*20261002',
    ]);
    expect(claimsOf276(t)).toEqual([{ trace: 'CLRA-000000009-1', claimId: 'D1', payerClaimNumber: null, chargeCents: 12_345, serviceDates: '20261002', providerNpi: '1234567893', payerId: 'aetna', informationReceiverId: 'CLINICA' }]);
    expect(Number(t.segments.at(-1)!.elements[1])).toBe(t.segments.length);
  });

  it('writes no dependent loop when the patient is the subscriber (no subscriber given, or the same person)', async () => {
    const self = { ...base, subscriber: { lastName: 'child', firstName: 'KIM', memberId: 'SUB123' } };
    expect(isDependent(self)).toBe(false);
    for (const claim of [base, self]) {
      const t = await read(write276(inquiry([claim])));
      expect(t.segments.some((s) => s.id === 'HL' && s.elements[3] === '23')).toBe(false);
      expect(t.segments.some((s) => s.id === 'NM1' && s.elements[1] === 'QC')).toBe(false);
      const sub = t.segments.findIndex((s) => s.id === 'HL' && s.elements[3] === '22');
      expect(t.segments.slice(sub, sub + 3).map((s) => [s.id, ...s.elements.slice(1)].join('*'))).toEqual(['HL*4*3*22*0', 'DMG*D8*20150607', 'NM1*IL*1*CHILD*KIM****MI*SUB123']);
    }
  });
});
