// Builders of valid claim events for the unit tests; each test changes only what it is about.
import { claimEvent, type ClaimEvent } from '../../functions/domain/claim-events.js';

const base = (eventId: string, type: string, occurredAt: string) => ({ eventId, tenantId: 'clinic-a', type, occurredAt, source: 'unit', schemaVersion: 1 });

export const submittedPayload = () => ({
  claimId: 'C1',
  payer: { id: 'aetna', name: 'Aetna', type: 'commercial' },
  billingNpi: '1234567893',
  renderingNpi: '1245319599',
  patient: { accountNumber: 'A1', memberId: 'M1', lastName: 'Test', firstName: 'Ima', dateOfBirth: '1980-01-01' },
  serviceDate: { from: '2026-09-28', through: '2026-09-28' },
  lines: [
    { procedureCode: '99213', modifiers: ['25'], units: 1, chargeCents: 8_000 },
    { procedureCode: 'J1100', modifiers: [], units: 2, chargeCents: 2_000 },
  ],
  diagnosisCodes: ['E11.9'],
  totalChargeCents: 10_000,
  submittedOn: '2026-09-30',
  frequencyCode: '1',
  participating: true,
});

export const raw = (eventId: string, type: string, occurredAt: string, payload: Record<string, unknown>) => ({
  ...base(eventId, type, occurredAt),
  payload: { claimId: 'C1', ...payload },
});

export const parse = (value: unknown): ClaimEvent => claimEvent.parse(value);

export const submitted = (at = '2026-09-30T15:00:00Z', changes: Record<string, unknown> = {}): ClaimEvent =>
  parse({ ...base('evt-submitted', 'claim.submitted', at), payload: { ...submittedPayload(), ...changes } });

export const acknowledged = (at: string, id = 'evt-acknowledged'): ClaimEvent =>
  parse(raw(id, 'claim.acknowledged', at, { categoryCode: 'A2', statusCode: '20', payerClaimNumber: 'PCN1', acknowledgedOn: at.slice(0, 10) }));

export const rejected = (at: string, id = 'evt-rejected'): ClaimEvent =>
  parse(raw(id, 'claim.rejected', at, { categoryCode: 'A7', statusCode: '164', reason: 'member id invalid', rejectedOn: at.slice(0, 10) }));

export const status = (at: string, categoryCode = 'P1', id = 'evt-status'): ClaimEvent =>
  parse(raw(id, 'claim.status', at, { categoryCode, statusCode: '21', statusOn: at.slice(0, 10) }));

/** A balanced remit: billed 10,000; `paid`; PR-2 `patient`; CO-45 for the fee schedule; a denial adjustment for the rest. */
export const adjudicated = (at: string, paid: number, patient: number, options: { id?: string; denial?: { group: string; carc: string; rarcs?: string[] }; feeSchedule?: number } = {}): ClaimEvent => {
  const feeSchedule = options.feeSchedule ?? (paid > 0 ? 10_000 - paid - patient : 0);
  const rest = 10_000 - paid - patient - feeSchedule;
  const adjustments = [
    ...(feeSchedule ? [{ group: 'CO', carc: '45', amountCents: feeSchedule }] : []),
    ...(patient ? [{ group: 'PR', carc: '2', amountCents: patient }] : []),
    ...(rest ? [{ group: options.denial?.group ?? 'CO', carc: options.denial?.carc ?? '197', rarcs: options.denial?.rarcs ?? [], amountCents: rest }] : []),
  ];
  return parse(
    raw(options.id ?? 'evt-remit', 'claim.adjudicated', at, {
      remitDate: at.slice(0, 10),
      claimStatusCode: '1',
      payerClaimNumber: 'PCN1',
      billedCents: 10_000,
      allowedCents: paid + patient,
      paidCents: paid,
      patientResponsibilityCents: patient,
      adjustments,
    }),
  );
};

export const reversed = (at: string, reversesRemitDate?: string, id = 'evt-reversal'): ClaimEvent =>
  parse(raw(id, 'claim.reversed', at, { remitDate: at.slice(0, 10), payerClaimNumber: 'PCN1', ...(reversesRemitDate ? { reversesRemitDate } : {}) }));

export const appealed = (at: string, id = 'evt-appeal', level = 'first'): ClaimEvent =>
  parse(raw(id, 'claim.appealed', at, { level, appealedOn: at.slice(0, 10) }));

export const writtenOff = (at: string, amountCents: number, id = 'evt-writeoff'): ClaimEvent =>
  parse(raw(id, 'claim.written_off', at, { amountCents, reason: 'timely-filing', writtenOffOn: at.slice(0, 10) }));

export const resubmitted = (at: string, id = 'evt-resubmitted'): ClaimEvent =>
  parse(raw(id, 'claim.resubmitted', at, { resubmittedOn: at.slice(0, 10), frequencyCode: '1' }));

export const note = (at: string, id = 'evt-note'): ClaimEvent => parse(raw(id, 'note.added', at, { text: 'called payer' }));

export const closed = (at: string, id = 'evt-closed'): ClaimEvent => parse(raw(id, 'claim.closed', at, { reason: 'paid', closedOn: at.slice(0, 10) }));

/** An adjustment as a remit states it: `CO-45`, amount in cents, optional remark codes. */
export const cas = (code: string, amountCents: number, rarcs: string[] = []) => {
  const [group, carc] = code.split('-');
  return { group, carc, rarcs, amountCents };
};

/**
 * Any remit of the $100.00 claim, as the payer states it: CLP02, paid, and its adjustments (they must balance:
 * 10,000 − paid = the adjustments; the patient share is the PR ones).
 */
export const remit = (
  at: string,
  paidCents: number,
  adjustments: ReturnType<typeof cas>[],
  options: { id?: string; clp02?: string; payerClaimNumber?: string; remarkCodes?: string[] } = {},
): ClaimEvent =>
  parse(
    raw(options.id ?? 'evt-remit', 'claim.adjudicated', at, {
      remitDate: at.slice(0, 10),
      claimStatusCode: options.clp02 ?? '1',
      payerClaimNumber: options.payerClaimNumber ?? 'PCN1',
      billedCents: 10_000,
      allowedCents: paidCents + adjustments.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0),
      paidCents,
      patientResponsibilityCents: adjustments.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0),
      adjustments,
      remarkCodes: options.remarkCodes ?? [],
    }),
  );
