// The claim event contract (schema version 1): an envelope and the payloads producers send on the ingest queue.
import { z } from 'zod';
import { isCalendarDate } from './calendar.js';

export const calendarDate = z.string().refine(isCalendarDate, { message: 'a calendar date, YYYY-MM-DD' });
/** Money is integer cents, never a float. */
export const cents = z.number().int('money in integer cents');
export const claimId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'claim id: 1-64 letters, digits, dot, dash, underscore');

export const payerTypes = ['medicare', 'medicaid', 'commercial', 'other'] as const;
export const payer = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  type: z.enum(payerTypes),
  /** Two-letter state, for Medicaid rules. */
  state: z.string().regex(/^[A-Z]{2}$/).optional(),
});

/** Event types whose payload only names the claim (so far). */
const claimOnlyEventTypes = [
  'claim.acknowledged',
  'claim.rejected',
  'claim.status',
  'claim.reversed',
  'claim.resubmitted',
  'claim.appealed',
  'claim.written_off',
  'claim.closed',
  'note.added',
] as const;
export const claimEventTypes = ['claim.submitted', 'claim.adjudicated', ...claimOnlyEventTypes] as const;
export type ClaimEventType = (typeof claimEventTypes)[number];

export const envelope = z.object({
  eventId: z.string().min(8).max(128),
  tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'tenant id'),
  type: z.enum(claimEventTypes),
  /** When it happened at the source (ISO 8601 with offset); decides order, never arrival. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** Which system sent it (clearinghouse, practice system, import). */
  source: z.string().min(1).max(64),
  schemaVersion: z.literal(1),
});

/** The minimum about the patient that follow-up needs. PHI: stored with the claim, never logged or emailed. */
export const patient = z.object({
  accountNumber: z.string().min(1).max(40),
  memberId: z.string().min(1).max(40),
  lastName: z.string().min(1).max(60),
  firstName: z.string().min(1).max(60),
  dateOfBirth: calendarDate,
});

const submittedPayload = z.object({
  claimId,
  payer,
  patient,
  serviceDate: z.object({ from: calendarDate, through: calendarDate }),
  totalChargeCents: cents.nonnegative(),
  submittedOn: calendarDate,
});

const adjudicatedPayload = z.object({
  claimId,
  remitDate: calendarDate,
  paidCents: cents,
  patientResponsibilityCents: cents.nonnegative().default(0),
});

const claimOnlyPayload = z.looseObject({ claimId });

export const claimEvent = z.discriminatedUnion('type', [
  envelope.extend({ type: z.literal('claim.submitted'), payload: submittedPayload }),
  envelope.extend({ type: z.literal('claim.adjudicated'), payload: adjudicatedPayload }),
  envelope.extend({
    type: z.enum(claimOnlyEventTypes),
    payload: claimOnlyPayload,
  }),
]);
export type ClaimEvent = z.infer<typeof claimEvent>;

/** Names each invalid field: `payload.serviceDate.from: a calendar date, YYYY-MM-DD`. Safe to log: no values. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
