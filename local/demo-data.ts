// Demo claim events: obviously fake patients, several payers, a spread of dates and outcomes. Deterministic per seed.
import type { ClaimEvent } from '../functions/domain/claim-events.js';
import { addDays } from '../functions/domain/calendar.js';

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

export interface DemoClaimOptions {
  readonly tenantId: string;
  readonly claims: number;
  /** Dates of service fall in the `spreadDays` before this date. */
  readonly today: string;
  readonly spreadDays?: number;
  readonly seed?: number;
}

/** The events of each demo claim, in order: submitted, then for most an adjudication. */
export function* demoClaimEvents(options: DemoClaimOptions): Generator<ClaimEvent[]> {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  for (let n = 1; n <= options.claims; n++) {
    const claimId = `DEMO-${options.tenantId.slice(5, 8).toUpperCase()}-${String(n).padStart(6, '0')}`;
    const serviceThrough = addDays(options.today, -Math.floor(random() * (options.spreadDays ?? 200)));
    const submittedOn = addDays(serviceThrough, 1 + Math.floor(random() * 10));
    const charge = 5_000 + Math.floor(random() * 150_000);
    const base = { tenantId: options.tenantId, source: 'demo-seed', schemaVersion: 1 as const };
    const events: ClaimEvent[] = [
      {
        ...base,
        eventId: `${claimId}-submitted`,
        type: 'claim.submitted',
        occurredAt: `${submittedOn}T15:00:00Z`,
        payload: {
          claimId,
          payer: pick(payers),
          patient: {
            accountNumber: `ACCT-DEMO-${String(n).padStart(6, '0')}`,
            memberId: `MBR-DEMO-${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
            firstName: pick(firstNames),
            lastName: pick(lastNames),
            dateOfBirth: addDays('1950-01-01', Math.floor(random() * 25_000)),
          },
          serviceDate: { from: serviceThrough, through: serviceThrough },
          totalChargeCents: charge,
          submittedOn,
        },
      },
    ];
    const remitOn = addDays(submittedOn, 14 + Math.floor(random() * 30));
    const outcome = random();
    if (remitOn < options.today && outcome < 0.55) {
      const paid = outcome < 0.35 ? Math.round(charge * 0.8) : outcome < 0.45 ? Math.round(charge * 0.5) : 0;
      events.push({
        ...base,
        eventId: `${claimId}-adjudicated`,
        type: 'claim.adjudicated',
        occurredAt: `${remitOn}T12:00:00Z`,
        payload: { claimId, remitDate: remitOn, paidCents: paid, patientResponsibilityCents: outcome < 0.35 ? charge - paid : 0 },
      });
    }
    yield events;
  }
}
