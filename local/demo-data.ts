// Demo claim events: obviously fake patients, several payers, and the outcomes follow-up meets (paid, partly paid,
// denied for auth/coding/missing info, rejected at the front door, pending, reversed, appealed, overpaid).
// Deterministic per seed, so tests and benchmarks can rely on it.
import { createHash } from 'node:crypto';
import { addDays } from '../functions/domain/calendar.js';
import type { Adjustment, ClaimEvent, EventOf } from '../functions/domain/claim-events.js';
import { npiCheckDigit } from '../functions/domain/codes.js';

const payers = [
  { id: 'medicare-jl', name: 'Medicare Part B (JL)', type: 'medicare' },
  { id: 'medicaid-tx', name: 'Texas Medicaid', type: 'medicaid', state: 'TX' },
  { id: 'aetna', name: 'Aetna', type: 'commercial' },
  { id: 'uhc', name: 'UnitedHealthcare', type: 'commercial' },
  { id: 'cigna', name: 'Cigna', type: 'commercial' },
  { id: 'bcbs', name: 'Blue Cross Blue Shield', type: 'commercial' },
] as const;

const firstNames = ['Testy', 'Demo', 'Sample', 'Fakey', 'Mocky', 'Placeholder', 'Dummy', 'Example'];
const lastNames = ['Demopatient', 'Testperson', 'Samplecase', 'Fakename', 'Notreal', 'Madeup'];
const procedures = [
  { code: '99213', charge: 15_000 },
  { code: '99214', charge: 22_000 },
  { code: '85025', charge: 2_500 },
  { code: '80053', charge: 4_500 },
  { code: '93000', charge: 6_000 },
  { code: '20610', charge: 32_000 },
  { code: 'J1100', charge: 1_800 },
  { code: '97110', charge: 9_000 },
];
const diagnoses = ['E11.9', 'I10', 'M17.11', 'J06.9', 'Z00.00', 'M54.50', 'E78.5'];

/** Denials as payers send them: group, CARC and the RARC that goes with it. */
const denials: Array<Pick<Adjustment, 'group' | 'carc' | 'rarcs'>> = [
  { group: 'CO', carc: '197', rarcs: ['N54'] },
  { group: 'CO', carc: '16', rarcs: ['M51'] },
  { group: 'CO', carc: '50', rarcs: [] },
  { group: 'CO', carc: '11', rarcs: [] },
  { group: 'OA', carc: '18', rarcs: [] },
  { group: 'CO', carc: '27', rarcs: [] },
  { group: 'CO', carc: '22', rarcs: [] },
  { group: 'CO', carc: '29', rarcs: [] },
  { group: 'CO', carc: '97', rarcs: ['M15'] },
];

/** Mulberry32: a small seeded generator, so the same seed always gives the same demo data. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** A valid (check-digit correct) NPI from a number. */
export const demoNpi = (n: number): string => {
  const first = `1${String(n).padStart(8, '0').slice(-8)}`;
  return `${first}${npiCheckDigit(first)}`;
};

export interface DemoClaimOptions {
  readonly tenantId: string;
  readonly claims: number;
  /** Dates of service fall in the `spreadDays` before this date; no event is after it. */
  readonly today: string;
  readonly spreadDays?: number;
  readonly seed?: number;
  /** Claim id prefix; defaults to one derived from the tenant. */
  readonly prefix?: string;
}

export type Outcome = 'paid' | 'partial' | 'denied' | 'rejected' | 'pending' | 'silent' | 'reversed' | 'appealed' | 'overpaid';

const at = (date: string, hour: number): string => `${date}T${String(hour).padStart(2, '0')}:00:00Z`;

/** The events of each demo claim, in the order they happened. */
export function* demoClaimEvents(options: DemoClaimOptions): Generator<ClaimEvent[]> {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const prefix = options.prefix ?? `DEMO-${options.tenantId.replace(/^demo-/, '').slice(0, 3).toUpperCase()}`;
  const billingNpi = demoNpi(40_000 + (options.seed ?? 42));
  for (let n = 1; n <= options.claims; n++) {
    const claimId = `${prefix}-${String(n).padStart(6, '0')}`;
    const base = { tenantId: options.tenantId, source: 'demo-seed', schemaVersion: 1 as const };
    // Event ids are opaque (they are logged): a hash, never the claim number.
    const id = (what: string): string => `demo-${createHash('sha256').update(`${options.tenantId}|${claimId}|${what}`).digest('hex').slice(0, 32)}`;
    const serviceThrough = addDays(options.today, -Math.floor(random() * (options.spreadDays ?? 200)) - 2);
    // Billed a few days after the visit, and never later than yesterday.
    const billedOn = addDays(serviceThrough, 1 + Math.floor(random() * 6));
    const yesterday = addDays(options.today, -1);
    const submittedOn = billedOn < yesterday ? billedOn : yesterday;
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const procedure = pick(procedures);
      return { procedureCode: procedure.code, modifiers: [], units: 1, chargeCents: procedure.charge };
    });
    const charge = lines.reduce((sum, line) => sum + line.chargeCents, 0);
    const payer = pick(payers);
    const submitted: EventOf<'claim.submitted'> = {
      ...base,
      eventId: id('submitted'),
      type: 'claim.submitted',
      occurredAt: at(submittedOn, 15),
      payload: {
        claimId,
        payer,
        billingNpi,
        renderingNpi: demoNpi(50_000 + Math.floor(random() * 20)),
        patient: {
          accountNumber: `ACCT-DEMO-${String(n).padStart(6, '0')}`,
          memberId: `MBR-DEMO-${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
          firstName: pick(firstNames),
          lastName: pick(lastNames),
          dateOfBirth: addDays('1950-01-01', Math.floor(random() * 25_000)),
        },
        serviceDate: { from: serviceThrough, through: serviceThrough },
        lines,
        diagnosisCodes: [pick(diagnoses)],
        totalChargeCents: charge,
        submittedOn,
        frequencyCode: '1',
        participating: random() < 0.85,
        submissionMethod: random() < 0.95 ? 'electronic' : 'paper',
        ...(payer.type === 'commercial' && random() < 0.2 ? { otherPayer: { id: 'medicaid-tx', name: 'Texas Medicaid' } } : {}),
      },
    };
    const events: ClaimEvent[] = [submitted];
    const before = (date: string): boolean => date < options.today;
    const roll = random();
    const outcome: Outcome =
      roll < 0.04 ? 'rejected' : roll < 0.14 ? 'silent' : roll < 0.22 ? 'pending' : roll < 0.52 ? 'paid' : roll < 0.64 ? 'partial' : roll < 0.84 ? 'denied' : roll < 0.9 ? 'appealed' : roll < 0.96 ? 'reversed' : 'overpaid';
    const ackOn = addDays(submittedOn, 1);
    const payerClaimNumber = `PCN${String(Math.floor(random() * 1e10)).padStart(10, '0')}`;
    if (outcome === 'rejected') {
      if (before(ackOn)) {
        events.push({
          ...base,
          eventId: id('rejected'),
          type: 'claim.rejected',
          occurredAt: at(ackOn, 9),
          payload: { claimId, categoryCode: 'A7', statusCode: '164', reason: 'Entity contract/member number invalid', rejectedOn: ackOn },
        });
      }
      yield events;
      continue;
    }
    if (outcome !== 'silent' && before(ackOn)) {
      events.push({
        ...base,
        eventId: id('acknowledged'),
        type: 'claim.acknowledged',
        occurredAt: at(ackOn, 9),
        payload: { claimId, categoryCode: 'A2', statusCode: '20', payerClaimNumber, acknowledgedOn: ackOn },
      });
    }
    const statusOn = addDays(submittedOn, 20);
    if (outcome === 'pending' && before(statusOn)) {
      events.push({
        ...base,
        eventId: id('status'),
        type: 'claim.status',
        occurredAt: at(statusOn, 10),
        payload: { claimId, categoryCode: random() < 0.5 ? 'P1' : 'R4', statusCode: '21', payerClaimNumber, statusOn },
      });
    }
    const remitOn = addDays(submittedOn, 14 + Math.floor(random() * 25));
    if (['silent', 'pending'].includes(outcome) || !before(remitOn)) {
      yield events;
      continue;
    }
    const allowed = Math.round(charge * 0.7);
    const patientShare = Math.round(allowed * 0.2);
    const remit = (what: string, date: string, paid: number, adjustments: Adjustment[]): EventOf<'claim.adjudicated'> => ({
      ...base,
      eventId: id(what),
      type: 'claim.adjudicated',
      occurredAt: at(date, 12),
      payload: {
        claimId,
        remitDate: date,
        claimStatusCode: '1',
        payerClaimNumber,
        billedCents: charge,
        allowedCents: paid > 0 ? allowed : 0,
        paidCents: paid,
        patientResponsibilityCents: adjustments.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0),
        adjustments,
        remarkCodes: [],
        lines: [],
      },
    });
    const paidRemit = (what: string, date: string) =>
      remit(what, date, allowed - patientShare, [
        { group: 'CO', carc: '45', rarcs: [], amountCents: charge - allowed },
        { group: 'PR', carc: '2', rarcs: [], amountCents: patientShare },
      ]);
    const denial = pick(denials);
    if (outcome === 'paid' || outcome === 'overpaid') {
      events.push(paidRemit('paid', remitOn));
      const again = addDays(remitOn, 7);
      if (outcome === 'overpaid' && before(again)) events.push(paidRemit('paid-again', again));
    } else if (outcome === 'partial') {
      const paid = Math.round((allowed - patientShare) * 0.6);
      events.push(
        remit('partial', remitOn, paid, [
          { group: 'CO', carc: '45', rarcs: [], amountCents: charge - allowed },
          { group: 'PR', carc: '1', rarcs: [], amountCents: patientShare },
          { group: 'CO', carc: '97', rarcs: ['M15'], amountCents: allowed - patientShare - paid },
        ]),
      );
    } else {
      events.push(remit('denied', remitOn, 0, [{ ...denial, amountCents: charge }]));
      const appealOn = addDays(remitOn, 10);
      if (outcome === 'appealed' && before(appealOn)) {
        events.push({
          ...base,
          eventId: id('appealed'),
          type: 'claim.appealed',
          occurredAt: at(appealOn, 16),
          payload: { claimId, level: payer.type === 'medicare' ? 'redetermination' : 'first', appealedOn: appealOn },
        });
      }
      const reversalOn = addDays(remitOn, 21);
      if (outcome === 'reversed' && before(reversalOn)) {
        events.push({
          ...base,
          eventId: id('reversed'),
          type: 'claim.reversed',
          occurredAt: at(reversalOn, 12),
          payload: { claimId, remitDate: reversalOn, payerClaimNumber, reversesRemitDate: remitOn },
        });
        const corrected = addDays(reversalOn, 0);
        events.push({ ...paidRemit('corrected', corrected), occurredAt: at(corrected, 13) });
      }
    }
    yield events;
  }
}
