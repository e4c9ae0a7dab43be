// Automatic status checks, the pure parts: who is asked, the 276 as our own reader reads it back (round trip), and
// the mark that keeps a claim asked by 276 away from a manual status call until its answer is overdue.
import { describe, expect, it } from 'vitest';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { addBusinessDays, answerOverdueOn, awaitingAnswer, inquiryBatchDateOf, inquiryBatchIdOf, selectForInquiry, traceOf } from '../../functions/domain/status-inquiry.js';
import { tenantSettings } from '../../functions/domain/tenant-settings.js';
import { describeReason, planWorkItem } from '../../functions/domain/work-item.js';
import { readX12Text } from '../../functions/x12/reader.js';
import { claimsOf276, write276, x12Amount, type InquiryClaim } from '../../functions/x12/write-276.js';
import { adjudicated, status, submitted } from './claim-fixtures.js';

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
    payer: { id: 'aetna', name: 'Aetna' },
    providerName: 'Good Clinic',
    reference: inquiryBatchIdOf('2026-11-20', 'CLEARHOUSE1', 42),
    createdAt: '2026-11-21T03:04:05.000Z',
    usage: 'T',
    claims,
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
