// One row of a practice's open-AR export (CSV or JSON Lines) and the claim events it stands for. Bulk onboarding
// turns each row into the events that bring the claim to its current state, so imported claims go through the
// same validation and state machine as live ones. Event ids are derived from the claim (hashed, so they carry no
// claim number), so a re-run adds nothing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { claimFromEvents, isClaim } from './claim.js';
import { birthDate, calendarDate, claimEvent, describeIssues, type ClaimEvent } from './claim-events.js';

/** Dollars as written in exports ("1234.50", "-12", "$1,234.50") to integer cents, without floating point. */
export const dollarsToCents = (text: string): number | undefined => {
  const match = /^(-)?\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const whole = Number(match[2]!.replace(/,/g, ''));
  const fraction = Number((match[3] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  return match[1] ? -cents : cents;
};

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const text = (max: number) => z.string().trim().min(1, 'required').max(max);
const money = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().transform((value, ctx) => {
    const cents = dollarsToCents(value);
    if (cents === undefined) ctx.addIssue({ code: 'custom', message: 'dollars with at most 2 decimals, e.g. 1234.50' });
    return cents ?? 0;
  }),
);
const yesNo = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.union([z.boolean(), z.enum(['y', 'yes', 'true', '1', 'n', 'no', 'false', '0']).transform((v) => ['y', 'yes', 'true', '1'].includes(v))]),
);

/** "99213:25*1@150.00;J1100*2@18.00": code, optional modifiers after colons, units after *, charge after @. */
const linesColumn = z.string().transform((value, ctx) => {
  const lines = value.split(';').map((part) => part.trim()).filter(Boolean);
  return lines.map((line, i) => {
    const match = /^([A-Za-z0-9]{5})((?::[A-Za-z0-9]{2}){0,4})\*(\d+(?:\.\d+)?)@(.+)$/.exec(line);
    const charge = match ? dollarsToCents(match[4]!) : undefined;
    if (!match || charge === undefined) {
      ctx.addIssue({ code: 'custom', message: `line ${i + 1}: expected CODE[:MOD]*UNITS@CHARGE, e.g. 99213:25*1@150.00` });
      return { procedureCode: '', modifiers: [], units: 1, chargeCents: 0 };
    }
    return {
      procedureCode: match[1]!.toUpperCase(),
      modifiers: match[2]!.split(':').filter(Boolean).map((m) => m.toUpperCase()),
      units: Number(match[3]),
      chargeCents: charge,
    };
  });
});

/** "CO-45:30.00;PR-2:20.00;CO-16/M51:10.00": group-CARC, optional /RARCs, amount. */
const adjustmentsColumn = z.string().transform((value, ctx) =>
  value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, i) => {
      const match = /^(CO|PR|OA|PI)-([A-Z0-9]{1,3})((?:\/[A-Z0-9]{1,5})*):(.+)$/i.exec(part);
      const amount = match ? dollarsToCents(match[4]!) : undefined;
      if (!match || amount === undefined) {
        ctx.addIssue({ code: 'custom', message: `adjustment ${i + 1}: expected GROUP-CARC[/RARC]:AMOUNT, e.g. CO-45:30.00` });
        return { group: 'CO' as const, carc: '', rarcs: [], amountCents: 0 };
      }
      return {
        group: match[1]!.toUpperCase() as 'CO' | 'PR' | 'OA' | 'PI',
        carc: match[2]!.toUpperCase(),
        rarcs: match[3]!.split('/').filter(Boolean).map((r) => r.toUpperCase()),
        amountCents: amount,
      };
    }),
);

const list = z.string().transform((value) => value.split(';').map((part) => part.trim().toUpperCase()).filter(Boolean));

/** The columns of an open-AR export, documented in the README. Column names are snake_case in CSV and JSONL. */
export const openArRow = z.object({
  claim_id: text(64),
  payer_id: text(64),
  payer_name: text(120),
  payer_type: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['medicare', 'medicaid', 'commercial', 'other'])),
  payer_state: optional(z.string().trim().toUpperCase()),
  participating: yesNo,
  billing_npi: text(10),
  rendering_npi: text(10),
  patient_account: text(40),
  patient_member_id: text(40),
  patient_last_name: text(60),
  patient_first_name: text(60),
  patient_dob: birthDate,
  service_from: calendarDate,
  service_through: calendarDate,
  submitted_on: calendarDate,
  submission_method: optional(z.enum(['electronic', 'paper'])),
  frequency_code: optional(z.enum(['1', '7', '8'])),
  original_claim_number: optional(text(50)),
  lines: linesColumn,
  diagnosis_codes: list,
  total_charge: money,
  acknowledged_on: optional(calendarDate),
  rejected_on: optional(calendarDate),
  rejection_reason: optional(text(500)),
  last_status_on: optional(calendarDate),
  last_status_category: optional(z.string().trim().toUpperCase()),
  payer_claim_number: optional(text(50)),
  remit_date: optional(calendarDate),
  paid: optional(money),
  allowed: optional(money),
  patient_responsibility: optional(money),
  adjustments: optional(adjustmentsColumn),
  appealed_on: optional(calendarDate),
  appeal_level: optional(z.enum(['redetermination', 'reconsideration', 'alj', 'council', 'court', 'first', 'second', 'external'])),
  /** The export's own outstanding balance: when given, the imported claim must come to the same figure. */
  balance: optional(money),
});
export type OpenArRow = z.infer<typeof openArRow>;

export const openArColumns = Object.keys(openArRow.shape) as Array<keyof OpenArRow>;

export type RowResult =
  | { readonly ok: true; readonly claimId: string; readonly events: ClaimEvent[] }
  | { readonly ok: false; readonly errors: string[] };

const noon = (date: string): string => `${date}T12:00:00Z`;

/** The events one export row stands for, each validated by the event contract; or every problem, by column. */
export const eventsFromRow = (tenantId: string, raw: Record<string, unknown>): RowResult => {
  const parsed = openArRow.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const row = parsed.data;
  const base = { tenantId, source: 'open-ar-import', schemaVersion: 1 };
  // Opaque but stable: re-running the file gives the same ids, and no claim number ends up in a log line.
  const id = (kind: string): string => `import-${createHash('sha256').update(`${tenantId}|${row.claim_id}|${kind}`).digest('hex').slice(0, 32)}`;
  const candidates: Array<{ column: string; event: Record<string, unknown> }> = [
    {
      column: 'claim',
      event: {
        ...base,
        eventId: id('submitted'),
        type: 'claim.submitted',
        occurredAt: noon(row.submitted_on),
        payload: {
          claimId: row.claim_id,
          payer: { id: row.payer_id, name: row.payer_name, type: row.payer_type, ...(row.payer_state ? { state: row.payer_state } : {}) },
          billingNpi: row.billing_npi,
          renderingNpi: row.rendering_npi,
          patient: {
            accountNumber: row.patient_account,
            memberId: row.patient_member_id,
            lastName: row.patient_last_name,
            firstName: row.patient_first_name,
            dateOfBirth: row.patient_dob,
          },
          serviceDate: { from: row.service_from, through: row.service_through },
          lines: row.lines,
          diagnosisCodes: row.diagnosis_codes,
          totalChargeCents: row.total_charge,
          submittedOn: row.submitted_on,
          frequencyCode: row.frequency_code ?? '1',
          ...(row.original_claim_number ? { originalClaimNumber: row.original_claim_number } : {}),
          participating: row.participating,
          submissionMethod: row.submission_method ?? 'electronic',
        },
      },
    },
  ];
  const payload = (extra: Record<string, unknown>) => ({ claimId: row.claim_id, ...extra });
  if (row.acknowledged_on) {
    candidates.push({
      column: 'acknowledged_on',
      event: { ...base, eventId: id('acknowledged'), type: 'claim.acknowledged', occurredAt: noon(row.acknowledged_on), payload: payload({ categoryCode: 'A1', statusCode: '20', acknowledgedOn: row.acknowledged_on, ...(row.payer_claim_number ? { payerClaimNumber: row.payer_claim_number } : {}) }) },
    });
  }
  if (row.rejected_on) {
    candidates.push({
      column: 'rejected_on',
      event: { ...base, eventId: id('rejected'), type: 'claim.rejected', occurredAt: noon(row.rejected_on), payload: payload({ categoryCode: 'A7', statusCode: '0', reason: row.rejection_reason ?? 'rejected (from open-AR export)', rejectedOn: row.rejected_on }) },
    });
  }
  if (row.last_status_on) {
    candidates.push({
      column: 'last_status_on',
      event: { ...base, eventId: id('status'), type: 'claim.status', occurredAt: noon(row.last_status_on), payload: payload({ categoryCode: row.last_status_category ?? 'P1', statusCode: '0', statusOn: row.last_status_on, ...(row.payer_claim_number ? { payerClaimNumber: row.payer_claim_number } : {}) }) },
    });
  }
  if (row.remit_date) {
    candidates.push({
      column: 'remit_date',
      event: {
        ...base,
        eventId: id('adjudicated'),
        type: 'claim.adjudicated',
        occurredAt: noon(row.remit_date),
        payload: payload({
          remitDate: row.remit_date,
          claimStatusCode: '1',
          payerClaimNumber: row.payer_claim_number ?? row.claim_id,
          billedCents: row.total_charge,
          ...(row.allowed !== undefined ? { allowedCents: row.allowed } : {}),
          paidCents: row.paid ?? 0,
          patientResponsibilityCents: row.patient_responsibility ?? 0,
          adjustments: row.adjustments ?? [],
        }),
      },
    });
  }
  if (row.appealed_on) {
    candidates.push({
      column: 'appealed_on',
      event: { ...base, eventId: id('appealed'), type: 'claim.appealed', occurredAt: noon(row.appealed_on), payload: payload({ level: row.appeal_level ?? 'first', appealedOn: row.appealed_on }) },
    });
  }

  const errors: string[] = [];
  const events: ClaimEvent[] = [];
  for (const { column, event } of candidates) {
    const result = claimEvent.safeParse(event);
    if (result.success) events.push(result.data);
    else errors.push(`${column} → ${describeIssues(result.error).replace(/payload\./g, '')}`);
  }
  if (errors.length === 0 && row.balance !== undefined) {
    const claim = claimFromEvents(tenantId, row.claim_id, events);
    const derived = isClaim(claim) ? claim.money.payerBalanceCents - claim.money.creditBalanceCents : 0;
    if (derived !== row.balance) errors.push(`balance: the export says ${row.balance} cents, its charges, payments and adjustments give ${derived}`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, claimId: row.claim_id, events };
};
