// Demo claim events: obviously fake patients, several payers, and a practice as follow-up finds it on a normal
// morning. Most claims are paid within weeks; the problems (rejections, lost claims, denials, partial payments,
// duplicate payments, an underpaying fee schedule) were mostly worked as they came (resubmitted, corrected, appealed,
// written off, recouped), so the older a claim the likelier it is settled; a small share nobody worked is left to age
// past its deadlines. Deterministic per seed, so tests and benchmarks can rely on it.
import { createHash } from 'node:crypto';
import { addDays, daysBetween } from '../functions/domain/calendar.js';
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
type DemoPayer = (typeof payers)[number];

const firstNames = ['Testy', 'Demo', 'Sample', 'Fakey', 'Mocky', 'Placeholder', 'Dummy', 'Example'];
const lastNames = ['Demopatient', 'Testperson', 'Samplecase', 'Fakename', 'Notreal', 'Madeup'];
/** Charge and the commercial payers' contracted allowed amount (the demo settings' contract rates, local/seed.ts). */
const procedures = [
  { code: '99213', charge: 15_000, contracted: 11_500 },
  { code: '99214', charge: 22_000, contracted: 16_500 },
  { code: '85025', charge: 2_500, contracted: 1_900 },
  { code: '80053', charge: 4_500, contracted: 3_400 },
  { code: '93000', charge: 6_000, contracted: 4_500 },
  { code: '20610', charge: 32_000, contracted: 24_000 },
  { code: 'J1100', charge: 1_800, contracted: 1_400 },
  { code: '97110', charge: 9_000, contracted: 6_800 },
];
/** Share of the charge the government payers allow (no contract rates in the demo settings for them). */
const governmentAllowed: Record<Exclude<DemoPayer['type'], 'commercial'>, number> = { medicare: 0.6, medicaid: 0.5 };
/** The underpayment to find: UnitedHealthcare pays 99214 at last year's rate on recent dates of service. */
const underpayment = { payerId: 'uhc', code: '99214', cents: 15_400, lastDays: 75 };
const diagnoses = ['E11.9', 'I10', 'M17.11', 'J06.9', 'Z00.00', 'M54.50', 'E78.5'];

/** Denials as payers send them: group, CARC and the RARC that goes with it, and how a billing office works each. */
type Work = 'correct' | 'appeal' | 'close-duplicate' | 'write-off';
const denials: Array<Pick<Adjustment, 'group' | 'carc' | 'rarcs'> & { work: Work }> = [
  { group: 'CO', carc: '197', rarcs: ['N54'], work: 'appeal' },
  { group: 'CO', carc: '16', rarcs: ['M51'], work: 'correct' },
  { group: 'CO', carc: '50', rarcs: [], work: 'appeal' },
  { group: 'CO', carc: '11', rarcs: [], work: 'correct' },
  { group: 'OA', carc: '18', rarcs: [], work: 'close-duplicate' },
  { group: 'CO', carc: '27', rarcs: [], work: 'appeal' },
  { group: 'CO', carc: '22', rarcs: [], work: 'appeal' },
  { group: 'CO', carc: '29', rarcs: [], work: 'write-off' },
  { group: 'CO', carc: '97', rarcs: ['M15'], work: 'correct' },
  { group: 'CO', carc: '96', rarcs: ['N130'], work: 'appeal' },
  { group: 'CO', carc: '242', rarcs: [], work: 'appeal' },
  { group: 'CO', carc: '15', rarcs: ['N54'], work: 'appeal' },
];
/** Denials of one part of a claim. */
const lineDenials: Array<Pick<Adjustment, 'group' | 'carc' | 'rarcs'> & { work: Work }> = [
  { group: 'CO', carc: '97', rarcs: ['M15'], work: 'correct' },
  { group: 'CO', carc: '97', rarcs: ['M15'], work: 'correct' },
  { group: 'CO', carc: '11', rarcs: [], work: 'correct' },
  { group: 'CO', carc: '50', rarcs: [], work: 'appeal' },
  { group: 'CO', carc: '197', rarcs: ['N54'], work: 'appeal' },
  { group: 'CO', carc: '96', rarcs: ['N130'], work: 'appeal' },
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
  /** Dates of service fall in the `spreadDays` (default 150) before this date; every event is before it. */
  readonly today: string;
  readonly spreadDays?: number;
  readonly seed?: number;
  /** Claim id prefix; defaults to one derived from the tenant. */
  readonly prefix?: string;
}

/** How a claim's first pass through the payer went, before anyone worked it. */
export type Outcome = 'paid' | 'partial' | 'denied' | 'rejected' | 'pending' | 'silent' | 'reversed' | 'overpaid';

/** Share of claims per first-pass outcome: about 13% of first remits deny the claim, 16% deny a part of it. */
const outcomes: ReadonlyArray<readonly [Outcome, number]> = [
  ['rejected', 0.04],
  ['silent', 0.04],
  ['pending', 0.11],
  ['denied', 0.11],
  ['partial', 0.16],
  ['reversed', 0.02],
  ['overpaid', 0.02],
  ['paid', 0.5],
];
/** Share of claims nobody worked when they needed it: the tail that ages past its deadlines. */
const unworkedShare = 0.05;
/** Share of appeals the payer overturns; the rest are upheld and written off. */
const appealsWon = 0.6;
/** Days of service the demo spreads over by default. */
const defaultSpreadDays = 150;

const at = (date: string, hour: number): string => `${date}T${String(hour).padStart(2, '0')}:00:00Z`;

/** The events of each demo claim, in the order they happened. */
export function* demoClaimEvents(options: DemoClaimOptions): Generator<ClaimEvent[]> {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  /** A whole number of days from `low` to `high`, both included. */
  const days = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const prefix = options.prefix ?? `DEMO-${options.tenantId.replace(/^demo-/, '').slice(0, 3).toUpperCase()}`;
  const billingNpi = demoNpi(40_000 + (options.seed ?? 42));
  const yesterday = addDays(options.today, -1);
  for (let n = 1; n <= options.claims; n++) {
    const claimId = `${prefix}-${String(n).padStart(6, '0')}`;
    const base = { tenantId: options.tenantId, source: 'demo-seed', schemaVersion: 1 as const };
    // Event ids are opaque (they are logged): a hash, never the claim number.
    const id = (what: string): string => `demo-${createHash('sha256').update(`${options.tenantId}|${claimId}|${what}`).digest('hex').slice(0, 32)}`;
    const serviceThrough = addDays(options.today, -Math.floor(random() * (options.spreadDays ?? defaultSpreadDays)) - 2);
    // Billed one to six days after the visit, and never later than yesterday.
    const submittedOn = addDays(serviceThrough, 1 + Math.floor(random() * Math.min(6, daysBetween(serviceThrough, yesterday))));
    const billed = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(procedures));
    const lines = billed.map((procedure) => ({ procedureCode: procedure.code, modifiers: [], units: 1, chargeCents: procedure.charge }));
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
    /** Adds the event if it happened before today; says whether it did. */
    const happened = (date: string, event: ClaimEvent): boolean => {
      if (date >= options.today) return false;
      events.push(event);
      return true;
    };
    const roll = random();
    let cumulative = 0;
    const outcome = outcomes.find(([, share]) => roll < (cumulative += share))?.[0] ?? 'paid';
    const worked = random() >= unworkedShare;
    const payerClaimNumber = `PCN${String(Math.floor(random() * 1e10)).padStart(10, '0')}`;
    const recentService = serviceThrough >= addDays(options.today, -underpayment.lastDays);
    const allowed = billed.reduce(
      (sum, procedure) =>
        sum +
        (payer.type !== 'commercial'
          ? Math.round(procedure.charge * governmentAllowed[payer.type])
          : payer.id === underpayment.payerId && procedure.code === underpayment.code && recentService
            ? underpayment.cents
            : procedure.contracted),
      0,
    );
    // Coinsurance; Texas Medicaid leaves the patient nothing.
    const patientShare = payer.type === 'medicaid' ? 0 : Math.round(allowed * 0.2);
    const firstRemitOn = addDays(submittedOn, days(10, 24));

    const acknowledge = (what: string, on: string): boolean =>
      happened(on, {
        ...base,
        eventId: id(what),
        type: 'claim.acknowledged',
        occurredAt: at(on, 9),
        payload: { claimId, categoryCode: 'A2', statusCode: '20', payerClaimNumber, acknowledgedOn: on },
      });
    /** A remit; by default the primary's (CLP02 1), at noon (a correction comes at 13:00, after its reversal). */
    const remit = (what: string, date: string, paid: number, adjustments: Adjustment[], as: { clp02?: '1' | '2'; number?: string; hour?: number } = {}): boolean =>
      happened(date, {
        ...base,
        eventId: id(what),
        type: 'claim.adjudicated',
        occurredAt: at(date, as.hour ?? 12),
        payload: {
          claimId,
          remitDate: date,
          claimStatusCode: as.clp02 ?? '1',
          payerClaimNumber: as.number ?? payerClaimNumber,
          billedCents: charge,
          allowedCents: paid > 0 ? allowed : 0,
          paidCents: paid,
          patientResponsibilityCents: adjustments.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0),
          adjustments: adjustments.filter((a) => a.amountCents > 0),
          remarkCodes: [],
          lines: [],
        },
      });
    const reduction = (): Adjustment => ({ group: 'CO', carc: '45', rarcs: [], amountCents: charge - allowed });
    /** The primary pays what it allowed less the coinsurance; a secondary, if any, is billed for the rest. */
    const pay = (what: string, date: string, hour = 12): void => {
      const paid = remit(what, date, allowed - patientShare, [reduction(), { group: 'PR', carc: '2', rarcs: [], amountCents: patientShare }], { hour });
      if (!paid || !submitted.payload.otherPayer || patientShare === 0 || !worked) return;
      // Texas Medicaid as secondary pays the coinsurance; its remit restates the primary's payment as OA-23.
      const secondaryOn = addDays(date, days(10, 30));
      remit(`${what}-secondary`, secondaryOn, patientShare, [reduction(), { group: 'OA', carc: '23', rarcs: [], amountCents: allowed - patientShare }], {
        clp02: '2',
        number: `S${payerClaimNumber}`,
      });
    };
    const resubmit = (what: string, on: string, frequencyCode: '1' | '7'): boolean =>
      happened(on, {
        ...base,
        eventId: id(what),
        type: 'claim.resubmitted',
        occurredAt: at(on, 14),
        payload: { claimId, resubmittedOn: on, frequencyCode, ...(frequencyCode === '7' ? { originalClaimNumber: payerClaimNumber } : {}) },
      });
    const writeOff = (what: string, on: string, amountCents: number, reason: EventOf<'claim.written_off'>['payload']['reason']): boolean =>
      happened(on, { ...base, eventId: id(what), type: 'claim.written_off', occurredAt: at(on, 16), payload: { claimId, amountCents, reason, writtenOffOn: on } });
    const reverse = (what: string, on: string, reversesRemitDate: string): boolean =>
      happened(on, {
        ...base,
        eventId: id(what),
        type: 'claim.reversed',
        occurredAt: at(on, 12),
        payload: { claimId, remitDate: on, payerClaimNumber, reversesRemitDate },
      });

    /** Up to two levels, each decided six weeks to four months after it is filed; upheld at the last, written off. */
    const appeal = (firstFiledOn: string, won: (on: string) => void, upheld: (on: string) => void): void => {
      const levels = payer.type === 'medicare' ? (['redetermination', 'reconsideration'] as const) : (['first', 'second'] as const);
      let filedOn = firstFiledOn;
      for (const [i, level] of levels.entries()) {
        const filed = happened(filedOn, { ...base, eventId: id(`appealed-${level}`), type: 'claim.appealed', occurredAt: at(filedOn, 16), payload: { claimId, level, appealedOn: filedOn } });
        const decidedOn = addDays(filedOn, days(45, 120));
        if (!filed || decidedOn >= options.today) return;
        if (random() < appealsWon) return won(decidedOn);
        if (i === levels.length - 1) return upheld(decidedOn);
        filedOn = addDays(decidedOn, days(10, 40));
      }
    };

    const ackOn = addDays(submittedOn, 1);
    if (outcome === 'rejected') {
      const rejected = happened(ackOn, {
        ...base,
        eventId: id('rejected'),
        type: 'claim.rejected',
        occurredAt: at(ackOn, 9),
        payload: { claimId, categoryCode: 'A7', statusCode: '164', reason: 'Entity contract/member number invalid', rejectedOn: ackOn },
      });
      // Worked: the member number fixed and the claim sent again within the week, then paid as usual.
      const fixedOn = addDays(ackOn, days(1, 6));
      if (rejected && worked && resubmit('fixed', fixedOn, '1') && acknowledge('acknowledged', addDays(fixedOn, 1))) pay('paid', addDays(fixedOn, days(14, 30)));
      yield events;
      continue;
    }
    if (outcome === 'silent') {
      // Never reached the payer. Worked: the no-response follow-up finds nothing on file and sends it again.
      const resentOn = addDays(submittedOn, days(24, 40));
      if (worked && resubmit('resent', resentOn, '1') && acknowledge('acknowledged', addDays(resentOn, 1))) pay('paid', addDays(resentOn, days(14, 30)));
      yield events;
      continue;
    }
    if (!acknowledge('acknowledged', ackOn)) {
      yield events;
      continue;
    }
    if (outcome === 'pending') {
      // A slow payer: in process at three weeks, paid in six to ten weeks; or asking for records, which the office
      // sends within a few weeks (the payer then reports the claim in process again), paid two to seven months on.
      const status = (what: string, on: string, categoryCode: 'P1' | 'R4'): boolean =>
        happened(on, { ...base, eventId: id(what), type: 'claim.status', occurredAt: at(on, 10), payload: { claimId, categoryCode, statusCode: '21', payerClaimNumber, statusOn: on } });
      const statusOn = addDays(submittedOn, 20);
      const asked = random() < 0.6;
      const answered = status('status', statusOn, asked ? 'R4' : 'P1') && asked && worked && status('records-received', addDays(statusOn, days(10, 30)), 'P1');
      if (answered || !asked) pay('paid', addDays(submittedOn, asked ? days(70, 200) : days(40, 75)));
    } else if (outcome === 'paid') {
      pay('paid', firstRemitOn);
    } else if (outcome === 'overpaid') {
      pay('paid', firstRemitOn);
      const again = addDays(firstRemitOn, 7);
      // Paid twice; worked: the refund request ends in the payer taking the duplicate back.
      if (remit('paid-again', again, allowed - patientShare, [reduction(), { group: 'PR', carc: '2', rarcs: [], amountCents: patientShare }]) && worked) {
        reverse('recouped', addDays(again, days(30, 90)), again);
      }
    } else if (outcome === 'partial') {
      // One part of the claim denied (a bundled, miscoded or unauthorized line, say), the rest paid.
      const denial = pick(lineDenials);
      const paid = Math.round((allowed - patientShare) * 0.6);
      const deniedPart = allowed - patientShare - paid;
      const remitted = remit('partial', firstRemitOn, paid, [
        reduction(),
        { group: 'PR', carc: '1', rarcs: [], amountCents: patientShare },
        { group: denial.group, carc: denial.carc, rarcs: denial.rarcs, amountCents: deniedPart },
      ]);
      // Worked: written off after review, or the payer reprocesses the claim (after a corrected claim or an appeal).
      const reprocess = (what: string, on: string): void => {
        if (reverse(`${what}-reversal`, on, firstRemitOn)) pay(what, on, 13);
      };
      if (remitted && worked && denial.work === 'appeal') {
        appeal(addDays(firstRemitOn, days(14, 120)), (on) => reprocess('appeal-won', on), (on) => writeOff('appeal-upheld', on, deniedPart, 'non-covered'));
      } else if (remitted && worked) {
        if (random() < 0.7) writeOff('line-written-off', addDays(firstRemitOn, days(10, 60)), deniedPart, 'contractual');
        else reprocess('corrected', addDays(firstRemitOn, days(30, 90)));
      }
    } else {
      const denial = pick(denials);
      if (!remit('denied', firstRemitOn, 0, [{ group: denial.group, carc: denial.carc, rarcs: denial.rarcs, amountCents: charge }])) {
        yield events;
        continue;
      }
      if (outcome === 'reversed') {
        // The payer finds its own error and reprocesses: the denial taken back, the claim paid.
        const reversalOn = addDays(firstRemitOn, 21);
        if (reverse('reversed', reversalOn, firstRemitOn)) pay('corrected', reversalOn, 13);
      } else if (worked) {
        // Corrected claims go out before the filing limit (one to four weeks); appeals, with their longer window,
        // wait their turn in the queue (two weeks to four months).
        const workedOn = addDays(firstRemitOn, denial.work === 'appeal' ? days(14, 120) : days(7, 28));
        if (denial.work === 'correct') {
          if (resubmit('corrected', workedOn, '7')) pay('paid', addDays(workedOn, days(21, 60)));
        } else if (denial.work === 'appeal') {
          appeal(workedOn, (on) => pay('appeal-won', on), (on) => writeOff('appeal-upheld', on, charge, 'non-covered'));
        } else if (denial.work === 'close-duplicate') {
          happened(workedOn, { ...base, eventId: id('closed'), type: 'claim.closed', occurredAt: at(workedOn, 16), payload: { claimId, reason: 'duplicate', closedOn: workedOn } });
        } else {
          writeOff('timely-filing', workedOn, charge, 'timely-filing');
        }
      }
    }
    yield events;
  }
}
