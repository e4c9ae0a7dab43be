// A claim as follow-up sees it, and how one event changes it. Pure: the same events give the same claim.
import type { CalendarDate } from './calendar.js';
import type { ClaimEvent, patient } from './claim-events.js';
import type { z } from 'zod';

export type Patient = z.infer<typeof patient>;

export type ClaimStatus = 'submitted' | 'acknowledged' | 'rejected' | 'pending' | 'adjudicated' | 'closed';

export interface Claim {
  readonly tenantId: string;
  readonly claimId: string;
  readonly status: ClaimStatus;
  readonly payer: { readonly id: string; readonly name: string; readonly type: string };
  readonly patient: Patient;
  readonly serviceFrom: CalendarDate;
  readonly serviceThrough: CalendarDate;
  readonly submittedOn: CalendarDate;
  readonly billedCents: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  /** What the payer still owes: billed less paid less patient responsibility. */
  readonly payerBalanceCents: number;
  /** Occurred-at of the latest event applied; later events decide state. */
  readonly lastEventAt: string;
  readonly lastActivityOn: CalendarDate;
  /**
   * Aging bucket (date-of-service basis) as of the last nightly run. Only the bucket is stored: the day count
   * changes every night and is computed when read, so a quiet night writes nothing for a claim.
   */
  readonly agingBucket?: string;
}

export const isOpen = (claim: Claim): boolean => claim.status !== 'closed';

/** Outcome of applying an event: the new claim, or why the event cannot apply. */
export type Applied = { readonly ok: true; readonly claim: Claim } | { readonly ok: false; readonly reason: string };

/**
 * Applies one event. A claim begins with claim.submitted; other events before it are refused (the producer
 * re-sends them after the claim exists). Walking skeleton: the full life cycle lands with the claim-events issue.
 */
export const applyEvent = (claim: Claim | undefined, event: ClaimEvent): Applied => {
  const on = event.occurredAt.slice(0, 10);
  if (event.type === 'claim.submitted') {
    if (claim) return { ok: true, claim };
    const p = event.payload;
    return {
      ok: true,
      claim: {
        tenantId: event.tenantId,
        claimId: p.claimId,
        status: 'submitted',
        payer: { id: p.payer.id, name: p.payer.name, type: p.payer.type },
        patient: p.patient,
        serviceFrom: p.serviceDate.from,
        serviceThrough: p.serviceDate.through,
        submittedOn: p.submittedOn,
        billedCents: p.totalChargeCents,
        paidCents: 0,
        patientResponsibilityCents: 0,
        payerBalanceCents: p.totalChargeCents,
        lastEventAt: event.occurredAt,
        lastActivityOn: p.submittedOn,
      },
    };
  }
  if (!claim) return { ok: false, reason: 'claim-not-submitted' };
  const touched = { ...claim, lastEventAt: maxInstant(claim.lastEventAt, event.occurredAt), lastActivityOn: on };
  switch (event.type) {
    case 'claim.adjudicated': {
      const paid = event.payload.paidCents;
      const patient = event.payload.patientResponsibilityCents;
      const balance = claim.billedCents - paid - patient;
      return {
        ok: true,
        claim: { ...touched, status: balance <= 0 ? 'closed' : 'adjudicated', paidCents: paid, patientResponsibilityCents: patient, payerBalanceCents: balance },
      };
    }
    case 'claim.closed':
    case 'claim.written_off':
      return { ok: true, claim: { ...touched, status: 'closed' } };
    case 'claim.acknowledged':
      return { ok: true, claim: claim.status === 'submitted' ? { ...touched, status: 'acknowledged' } : touched };
    case 'claim.rejected':
      return { ok: true, claim: { ...touched, status: 'rejected' } };
    default:
      return { ok: true, claim: touched };
  }
};

const maxInstant = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);
