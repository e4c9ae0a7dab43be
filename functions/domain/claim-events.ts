// The claim event contract, schema version 1: the envelope and the payload of each event type producers send on
// the ingest queue. Exported as JSON Schema in schemas/ (npm run schemas). Money is integer cents; dates are
// calendar dates; codes are checked against their code sets.
import { z } from 'zod';
import { birthDateWindow, claimDateWindow, isCalendarDate, isWithin, type DateWindow } from './calendar.js';
import {
  acceptedCategories,
  adjustmentGroups,
  clp02Codes,
  icd10CmPattern,
  isCarc,
  isRarc,
  isStatusCategory,
  isValidNpi,
  modifierPattern,
  procedureCodePattern,
  rejectedCategories,
} from './codes.js';

/** A real calendar date inside `window`: the one date reader the API, events and the open-AR import share. */
export const dateWithin = (window: DateWindow) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar date, YYYY-MM-DD')
    .superRefine((value, ctx) => {
      if (!isCalendarDate(value)) ctx.addIssue({ code: 'custom', message: 'a calendar date, YYYY-MM-DD' });
      else if (!isWithin(value, window)) ctx.addIssue({ code: 'custom', message: `a date from ${window.from} to ${window.through}` });
    });
/** Service, submission, remit, event, run and rule dates. */
export const calendarDate = dateWithin(claimDateWindow);
/** A patient's date of birth: a wider window, since patients are born before 1990. */
export const birthDate = dateWithin(birthDateWindow);
/** Money is integer cents, never a float. */
export const cents = z.number().int('money in integer cents');
export const claimId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'claim id: 1-64 letters, digits, dot, dash, underscore');
export const npi = z
  .string()
  .regex(/^\d{10}$/, 'NPI: 10 digits')
  .refine(isValidNpi, { message: 'NPI check digit does not match (Luhn with prefix 80840)' });
export const procedureCode = z
  .string()
  .regex(procedureCodePattern, 'CPT (5 digits, or 4 digits + F/T) or HCPCS Level II (letter + 4 digits)');
export const icd10Cm = z.string().regex(icd10CmPattern, 'ICD-10-CM code such as E11.9 (letter, digit, alphanumeric, optional .xxxx)');
export const carc = z.string().refine(isCarc, { message: 'not a CARC in the current code list' });
export const rarc = z.string().refine(isRarc, { message: 'not a RARC in the current code list' });
const statusCode = z.string().regex(/^\d{1,4}$/, '277 status code: 1-4 digits');
const statusCategory = z.string().refine(isStatusCategory, { message: 'not a 277 claim status category code' });
const payerClaimNumber = z.string().min(1).max(50);

export const payerTypes = ['medicare', 'medicaid', 'commercial', 'other'] as const;
export const payer = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(120),
    type: z.enum(payerTypes),
    /** Two-letter state: required for Medicaid, whose rules differ by state. */
    state: z.string().regex(/^[A-Z]{2}$/, 'two-letter state').optional(),
  })
  .refine((p) => p.type !== 'medicaid' || p.state !== undefined, { message: 'Medicaid payers need a state', path: ['state'] });

/** The minimum about the patient that follow-up needs. PHI: stored with the claim, never logged or emailed. */
export const patient = z.object({
  accountNumber: z.string().min(1).max(40),
  memberId: z.string().min(1).max(40),
  lastName: z.string().min(1).max(60),
  firstName: z.string().min(1).max(60),
  dateOfBirth: birthDate,
});

/**
 * The insured, when the patient is not (a spouse's or a parent's plan: the 837's patient loop 2000C): the member id on
 * `patient` is theirs. A 276 then asks by the subscriber and names the patient as a dependent. PHI, like the patient.
 */
export const subscriber = z.object({
  lastName: z.string().min(1).max(60),
  firstName: z.string().min(1).max(60),
});

export const serviceLine = z.object({
  procedureCode,
  modifiers: z.array(z.string().regex(modifierPattern, 'modifier: 2 letters or digits')).max(4).default([]),
  units: z.number().positive().max(9999),
  chargeCents: cents.nonnegative(),
  serviceDate: calendarDate.optional(),
});

export const adjustment = z
  .object({
    group: z.enum(adjustmentGroups),
    carc,
    /** Remark codes that qualify this adjustment (CARC 16 always names what is missing with one). */
    rarcs: z.array(rarc).max(10).default([]),
    amountCents: cents,
  })
  .refine((a) => !['18', '23'].includes(a.carc) || a.group === 'OA', { message: 'CARC 18 and 23 are used only with group OA', path: ['group'] })
  .refine((a) => a.carc !== '16' || a.rarcs.length > 0, { message: 'CARC 16 needs a RARC naming what is missing', path: ['rarcs'] });

const adjudicatedLine = z.object({
  procedureCode,
  modifiers: z.array(z.string().regex(modifierPattern)).max(4).default([]),
  chargeCents: cents,
  paidCents: cents,
  allowedCents: cents.optional(),
  units: z.number().positive().max(9999).optional(),
  adjustments: z.array(adjustment).max(20).default([]),
  remarkCodes: z.array(rarc).max(10).default([]),
});

const frequencyCode = z.enum(['1', '7', '8']);

const submittedPayload = z
  .object({
    claimId,
    payer,
    billingNpi: npi,
    renderingNpi: npi,
    patient,
    subscriber: subscriber.optional(),
    serviceDate: z.object({ from: calendarDate, through: calendarDate }),
    lines: z.array(serviceLine).min(1).max(50),
    diagnosisCodes: z.array(icd10Cm).min(1).max(12),
    totalChargeCents: cents.positive(),
    submittedOn: calendarDate,
    /** 1 original, 7 replacement, 8 void (7 and 8 carry the payer's original claim number). */
    frequencyCode: frequencyCode.default('1'),
    originalClaimNumber: payerClaimNumber.optional(),
    /** Whether the provider is in network with this payer: it decides the commercial filing limit. */
    participating: z.boolean(),
    submissionMethod: z.enum(['electronic', 'paper']).default('electronic'),
    /** Other coverage (837 loop 2320): who to bill after this payer, unless it forwards the claim itself. */
    otherPayer: z.object({ id: z.string().min(1).max(64), name: z.string().min(1).max(120) }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.serviceDate.from > p.serviceDate.through) {
      ctx.addIssue({ code: 'custom', path: ['serviceDate', 'from'], message: 'service from-date is after the through-date' });
    }
    const lineTotal = p.lines.reduce((sum, line) => sum + line.chargeCents, 0);
    if (lineTotal !== p.totalChargeCents) {
      ctx.addIssue({ code: 'custom', path: ['totalChargeCents'], message: `does not equal the sum of the line charges (${lineTotal})` });
    }
    if (p.frequencyCode !== '1' && !p.originalClaimNumber) {
      ctx.addIssue({ code: 'custom', path: ['originalClaimNumber'], message: 'required for frequency code 7 (replace) or 8 (void)' });
    }
  });

const acknowledgedPayload = z.object({
  claimId,
  categoryCode: z.enum(acceptedCategories),
  statusCode,
  payerClaimNumber: payerClaimNumber.optional(),
  acknowledgedOn: calendarDate,
});

const rejectedPayload = z.object({
  claimId,
  categoryCode: z.enum(rejectedCategories),
  statusCode,
  /** What the clearinghouse or payer said; may name a field. Stored, never logged. */
  reason: z.string().min(1).max(500),
  rejectedOn: calendarDate,
});

const statusPayload = z.object({
  claimId,
  categoryCode: statusCategory,
  statusCode,
  payerClaimNumber: payerClaimNumber.optional(),
  statusOn: calendarDate,
});

const adjudicatedPayload = z
  .object({
    claimId,
    remitDate: calendarDate,
    /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19-21 forwarded, 22 reversal, 23, 25. */
    claimStatusCode: z.enum(clp02Codes),
    payerClaimNumber,
    billedCents: cents,
    allowedCents: cents.optional(),
    paidCents: cents,
    patientResponsibilityCents: cents,
    adjustments: z.array(adjustment).max(30).default([]),
    remarkCodes: z.array(rarc).max(20).default([]),
    lines: z.array(adjudicatedLine).max(50).default([]),
  })
  .superRefine((p, ctx) => {
    if (p.claimStatusCode === '22') {
      ctx.addIssue({ code: 'custom', path: ['claimStatusCode'], message: 'a reversal (22) is sent as claim.reversed' });
    }
    // An 835 balances: charge − paid = the sum of every CAS adjustment, at claim and line level.
    const all = [...p.adjustments, ...p.lines.flatMap((line) => line.adjustments)];
    const adjusted = all.reduce((sum, a) => sum + a.amountCents, 0);
    if (p.billedCents - p.paidCents !== adjusted) {
      ctx.addIssue({
        code: 'custom',
        path: ['adjustments'],
        message: `do not balance: billed − paid is ${p.billedCents - p.paidCents} but adjustments sum to ${adjusted}`,
      });
    }
    const patientShare = all.filter((a) => a.group === 'PR').reduce((sum, a) => sum + a.amountCents, 0);
    if (patientShare !== p.patientResponsibilityCents) {
      ctx.addIssue({
        code: 'custom',
        path: ['patientResponsibilityCents'],
        message: `does not equal the PR adjustments (${patientShare})`,
      });
    }
  });

const reversedPayload = z.object({
  claimId,
  remitDate: calendarDate,
  payerClaimNumber,
  /** Remit date of the payment being taken back; without it, the latest payment under the payer claim number. */
  reversesRemitDate: calendarDate.optional(),
});

const resubmittedPayload = z
  .object({
    claimId,
    resubmittedOn: calendarDate,
    /** 1: a new claim after a front-door rejection; 7: a corrected (replacement) claim. */
    frequencyCode: z.enum(['1', '7']),
    originalClaimNumber: payerClaimNumber.optional(),
    /** The corrected claim's charges, when they changed. */
    totalChargeCents: cents.positive().optional(),
    lines: z.array(serviceLine).min(1).max(50).optional(),
    reason: z.string().min(1).max(500).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.frequencyCode === '7' && !p.originalClaimNumber) {
      ctx.addIssue({ code: 'custom', path: ['originalClaimNumber'], message: 'required for a corrected claim (frequency 7)' });
    }
    if (p.lines && p.totalChargeCents !== p.lines.reduce((sum, line) => sum + line.chargeCents, 0)) {
      ctx.addIssue({ code: 'custom', path: ['totalChargeCents'], message: 'does not equal the sum of the line charges' });
    }
  });

export const appealLevels = ['redetermination', 'reconsideration', 'alj', 'council', 'court', 'first', 'second', 'external'] as const;
const appealedPayload = z.object({
  claimId,
  /** Medicare: redetermination → reconsideration → ALJ → Council → court; commercial: first, second, external. */
  level: z.enum(appealLevels),
  appealedOn: calendarDate,
});

const writtenOffPayload = z.object({
  claimId,
  amountCents: cents.positive(),
  reason: z.enum(['timely-filing', 'contractual', 'small-balance', 'non-covered', 'bad-debt', 'other']),
  writtenOffOn: calendarDate,
});

const closedPayload = z.object({
  claimId,
  reason: z.enum(['paid', 'voided', 'duplicate', 'transferred', 'other']),
  closedOn: calendarDate,
});

const notePayload = z.object({
  claimId,
  /** Free text: may hold PHI, so it is stored with the claim and never logged. */
  text: z.string().min(1).max(4000),
  author: z.string().min(1).max(100).optional(),
});

export const envelope = z.object({
  eventId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{7,127}$/, 'event id: 8-128 letters, digits, colon, dot, dash, underscore'),
  tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'tenant id: 3-40 lower-case letters, digits and dashes'),
  /** When it happened at the source (ISO 8601 with offset); decides order, never arrival. */
  occurredAt: z.iso
    .datetime({ offset: true })
    // The date as written (before its offset) must be inside the claim-date window, like every other date.
    .refine((at) => isWithin(at.slice(0, 10), claimDateWindow), { message: `a time from ${claimDateWindow.from} to ${claimDateWindow.through}` }),
  /** Which system sent it (clearinghouse, practice system, import). */
  source: z.string().min(1).max(64),
  schemaVersion: z.literal(1),
});

const event = <T extends string, P extends z.ZodType>(type: T, payload: P) =>
  envelope.extend({ type: z.literal(type), payload });

export const claimEvent = z.discriminatedUnion('type', [
  event('claim.submitted', submittedPayload),
  event('claim.acknowledged', acknowledgedPayload),
  event('claim.rejected', rejectedPayload),
  event('claim.status', statusPayload),
  event('claim.adjudicated', adjudicatedPayload),
  event('claim.reversed', reversedPayload),
  event('claim.resubmitted', resubmittedPayload),
  event('claim.appealed', appealedPayload),
  event('claim.written_off', writtenOffPayload),
  event('claim.closed', closedPayload),
  event('note.added', notePayload),
]);

export type ClaimEvent = z.infer<typeof claimEvent>;
export type ClaimEventType = ClaimEvent['type'];
export type EventOf<T extends ClaimEventType> = Extract<ClaimEvent, { type: T }>;
export type Adjustment = z.infer<typeof adjustment>;
export type ServiceLine = z.infer<typeof serviceLine>;
export type Patient = z.infer<typeof patient>;
export type Subscriber = z.infer<typeof subscriber>;
export const claimEventTypes = claimEvent.options.map((option) => option.shape.type.value) as ClaimEventType[];

/** Every version of the contract; a producer states its version in the envelope. */
export const claimEventSchemas = { 1: claimEvent } as const;

/** Names each invalid field: `payload.serviceDate.from: a calendar date, YYYY-MM-DD`. Never includes the value. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
