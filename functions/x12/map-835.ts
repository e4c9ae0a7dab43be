// Maps one 835 remittance (005010X221A1) to claim.adjudicated / claim.reversed events and its part of the file report.
// The first section holds the readers every mapper shares (amounts, dates, event ids, contract validation): they live
// here, below the dispatch in map-transaction.ts, so that no two files import each other.
import { createHash } from 'node:crypto';
import { isCalendarDate } from '../domain/calendar.js';
import { claimEvent, describeIssues, type ClaimEvent, type ClaimEventType } from '../domain/claim-events.js';
import { components, type Segment, type Transaction, type X12Error } from './segments.js';

// ---- Shared by the mappers ----

/** Who the events are for and who sends them. */
export interface MapContext {
  readonly tenantId: string;
  /** The envelope's `source` (1-64 characters); `x12` when not given. */
  readonly source?: string;
  /** 837 only: whether the provider is in network with a payer (decides the commercial filing limit). Default: yes. */
  readonly isParticipating?: (payer: { readonly id: string; readonly name: string; readonly type: string }) => boolean;
}

/** A value a transaction cannot be read without (an amount that is not a number): the whole transaction is refused. */
export class UnreadableTransaction extends Error {
  override readonly name = 'UnreadableTransaction';
  constructor(readonly error: X12Error) {
    super(error.reason);
  }
}

/** Element `index` of a segment (X12 numbering: CLP01 is 1), trimmed; '' when absent. */
export const element = (segment: Segment, index: number): string => (segment.elements[index] ?? '').trim();

/** Names a segment by id, number and offset only: its contents may be PHI. */
export const errorAt = (segment: Segment, reason: string): X12Error => ({ segment: segment.id, segmentNumber: segment.segmentNumber, offset: segment.offset, reason });

const amountPattern = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * Exact integer cents from an X12 decimal, by string arithmetic (no float ever holds the amount): "123.4" → 12340,
 * "-5" → -500, ".5" → 50. More than two decimals only when the extra ones are zeros. Undefined when not an amount.
 */
export const parseCents = (text: string): number | undefined => {
  const match = amountPattern.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = '', fraction = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  if (fraction.length > 2 && !/^0+$/.test(fraction.slice(2))) return undefined;
  const cents = Number(`${whole || '0'}${fraction.slice(0, 2).padEnd(2, '0')}`);
  if (!Number.isSafeInteger(cents)) return undefined;
  return cents === 0 ? 0 : sign === '-' ? -cents : cents;
};

/** Cents of element `index`; `undefined` when empty; a malformed amount refuses the transaction. */
export const centsAt = (segment: Segment, index: number): number | undefined => {
  const text = element(segment, index);
  if (text === '') return undefined;
  const cents = parseCents(text);
  if (cents === undefined) throw new UnreadableTransaction(errorAt(segment, `${segment.id}${String(index).padStart(2, '0')} is not an amount`));
  return cents;
};

/** A decimal quantity (units), or undefined. */
export const quantity = (text: string): number | undefined => (/^\d*\.?\d+$|^\d+\.$/.test(text) ? Number(text) : undefined);

/** CCYYMMDD → YYYY-MM-DD when it is a real calendar date. */
export const x12Date = (text: string): string | undefined => {
  if (!/^\d{8}$/.test(text)) return undefined;
  const date = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return isCalendarDate(date) ? date : undefined;
};

/** A DTP date or period (D8 CCYYMMDD, RD8 CCYYMMDD-CCYYMMDD) as from/through. */
export const x12Period = (qualifier: string, text: string): { from?: string; through?: string } => {
  if (qualifier === 'RD8') {
    const [from = '', through = ''] = text.split('-');
    return { from: x12Date(from), through: x12Date(through) };
  }
  const date = x12Date(text);
  return { from: date, through: date };
};

/** Events take effect at noon UTC of their business date, as the open-AR import dates them: same day, same order rules. */
export const noon = (date: string | undefined): string => `${date ?? 'unknown'}T12:00:00Z`;

/**
 * Opaque, stable event id: sha256 of the interchange, group and transaction control numbers and the item's position,
 * so the same file read twice gives the same ids while two claims under one patient control number never collide.
 */
export const eventIdOf = (kind: string, t: Pick<Transaction, 'interchangeControlNumber' | 'groupControlNumber' | 'controlNumber'>, position: number): string =>
  `x12-${createHash('sha256').update(`x12:${kind}:${t.interchangeControlNumber}:${t.groupControlNumber}:${t.controlNumber}:${position}`).digest('hex').slice(0, 40)}`;

/**
 * What identifies an 835's payment whatever envelope it comes in: the payer (TRN03, else its N1/REF id), the trace
 * (TRN02: the EFT or check number), the payment date and amount. Clearinghouses deliver the same ERA again inside a new
 * interchange (new ISA13/GS06/ST02): keyed by its payment, its claims get the same event ids, so a re-delivered
 * remittance applies nothing twice (a duplicate payment would be a false credit balance). Without a trace number,
 * the envelope's control numbers are all there is.
 */
export const paymentKeyOf = (
  t: Pick<Transaction, 'interchangeControlNumber' | 'groupControlNumber' | 'controlNumber'>,
  payment: { readonly payerKey: string | null; readonly traceNumber: string | null; readonly paymentDate: string | null | undefined; readonly paymentCents: number },
): string =>
  payment.traceNumber
    ? `payment:${payment.payerKey ?? ''}:${payment.traceNumber}:${payment.paymentDate ?? ''}:${payment.paymentCents}`
    : `${t.interchangeControlNumber}:${t.groupControlNumber}:${t.controlNumber}`;

/** The event id of the claim at `position` in the 835 whose payment is `paymentKey`. */
export const remitEventIdOf = (paymentKey: string, position: number): string =>
  `x12-${createHash('sha256').update(`x12:835:${paymentKey}:${position}`).digest('hex').slice(0, 40)}`;

export type Validated = { readonly ok: true; readonly event: ClaimEvent } | { readonly ok: false; readonly reason: string };

/** The contract's own check, exactly as ingest applies it; a refusal names field paths, never values. */
export const validateEvent = (candidate: Record<string, unknown>): Validated => {
  const result = claimEvent.safeParse(candidate);
  return result.success ? { ok: true, event: result.data } : { ok: false, reason: describeIssues(result.error) };
};

/** The envelope of an event from `t`. */
export const envelopeOf = (ctx: MapContext, eventId: string, type: ClaimEventType, date: string | undefined) => ({
  eventId,
  tenantId: ctx.tenantId,
  type,
  occurredAt: noon(date),
  source: ctx.source ?? 'x12',
  schemaVersion: 1 as const,
});

/** What happened to one claim's event: its type, and either its id (sent) or why the contract refused it. */
export interface EventOutcome {
  readonly eventType: ClaimEventType | null;
  readonly eventId?: string;
  /** The contract's refusal (zod issue paths and messages, never values). */
  readonly refused?: string;
}

/** Validates a candidate event: the outcome for the report, and the event when it passed. */
export const outcomeOf = (type: ClaimEventType, candidate: Record<string, unknown>): { outcome: EventOutcome; event?: ClaimEvent } => {
  const validated = validateEvent(candidate);
  return validated.ok
    ? { outcome: { eventType: type, eventId: validated.event.eventId }, event: validated.event }
    : { outcome: { eventType: type, refused: validated.reason } };
};

/** A mapper's result: its type-specific report fields, its events, and a refusal of the whole transaction if any. */
export interface MappedPart<Details> {
  readonly details: Details;
  readonly events: ClaimEvent[];
  readonly refusal?: { readonly reason: string; readonly errors: X12Error[] };
}

// ---- 835 ----

/** CAS groups an 835 may carry: 5010's four, and 4010's CR (kept in the report, refused by the contract). */
export const casGroups = ['CO', 'PR', 'OA', 'PI', 'CR'] as const;
export type CasGroup = (typeof casGroups)[number];

export interface RemitClaimReport extends EventOutcome {
  readonly patientControlNumber: string;
  readonly statusCode: string;
  readonly chargeCents: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  readonly payerClaimNumber: string | null;
  /** Every CAS amount of the claim, claim and line level together. */
  readonly adjustmentCentsByGroup: Record<CasGroup, number>;
  readonly reversal: boolean;
}

export interface ProviderAdjustmentReport {
  readonly reasonCode: string;
  readonly reference: string | null;
  /** As sent: a positive PLB amount reduces the payment, a negative one increases it. */
  readonly amountCents: number;
}

export interface Remit835Report {
  /** What identifies the payment whatever envelope it came in (see paymentKeyOf): the remittance's identity. */
  readonly paymentKey: string;
  /** BPR02, negative when BPR03 is D (debit). */
  readonly paymentCents: number;
  readonly traceNumber: string | null;
  readonly balanced: boolean;
  /** BPR02 − (ΣCLP04 − ΣPLB): 0 when balanced. */
  readonly imbalanceCents: number;
  /** BPR01: I remittance with payment, H notification only, C payment with advice, ... */
  readonly handlingCode: string;
  /** BPR04: CHK, ACH, FWT, BOP, NON. */
  readonly paymentMethod: string | null;
  /** BPR16. */
  readonly paymentDate: string | null;
  /** DTM*405 production date, else BPR16: the remit date of the events. */
  readonly remitDate: string | null;
  readonly payer: { readonly name: string | null; readonly id: string | null };
  readonly payee: { readonly name: string | null; readonly id: string | null };
  readonly claims: RemitClaimReport[];
  readonly providerAdjustments: ProviderAdjustmentReport[];
}

interface Cas {
  readonly group: string;
  readonly carc: string;
  readonly amountCents: number;
}

interface RemitLine {
  readonly procedureCode: string;
  readonly modifiers: string[];
  readonly chargeCents: number;
  readonly paidCents: number;
  units?: number;
  allowedCents?: number;
  readonly cas: Cas[];
  readonly rarcs: string[];
}

interface RemitClaim {
  readonly clp: Segment;
  readonly cas: Cas[];
  readonly rarcs: string[];
  readonly lines: RemitLine[];
}

/** CAS01 group, then up to six reason / amount / quantity triplets. */
const casOf = (segment: Segment): Cas[] => {
  const group = element(segment, 1);
  const out: Cas[] = [];
  for (let i = 2; i <= 17; i += 3) {
    const carc = element(segment, i);
    const amountCents = centsAt(segment, i + 1);
    if (carc === '' && amountCents === undefined) continue;
    out.push({ group, carc, amountCents: amountCents ?? 0 });
  }
  return out;
};

/** MOA03-07 and MIA05, MIA20-23 are remark codes. */
const remarkElements: Record<string, readonly number[]> = { MOA: [3, 4, 5, 6, 7], MIA: [5, 20, 21, 22, 23] };

const unique = (codes: readonly string[]): string[] => [...new Set(codes.filter(Boolean))];

/** RARCs qualify the adjustments of their loop (X12 links them no finer), capped at the contract's ten. */
const adjustmentsOf = (cas: readonly Cas[], rarcs: readonly string[]) =>
  cas.map((a) => ({ group: a.group, carc: a.carc, rarcs: rarcs.slice(0, 10), amountCents: a.amountCents }));

export const map835 = (t: Transaction, ctx: MapContext): MappedPart<Remit835Report> => {
  const d = t.delimiters;
  let bpr: Segment | undefined;
  let trace: string | null = null;
  /** TRN03: the payer's identifier on the payment. */
  let tracePayer: string | null = null;
  let productionDate: string | undefined;
  const payer = { name: null as string | null, id: null as string | null };
  const payee = { name: null as string | null, id: null as string | null };
  const claims: RemitClaim[] = [];
  const plbs: ProviderAdjustmentReport[] = [];
  let claim: RemitClaim | undefined;
  let line: RemitLine | undefined;
  let party: 'PR' | 'PE' | undefined;

  for (const s of t.segments) {
    switch (s.id) {
      case 'BPR':
        bpr = s;
        break;
      case 'TRN':
        if (!claim) {
          trace = element(s, 2) || null;
          tracePayer = element(s, 3) || null;
        }
        break;
      case 'DTM':
        // Line dates (DTM*472/150) have no place in the contract's adjudicated line; claim dates are not remit dates.
        if (!claim && element(s, 1) === '405') productionDate = x12Date(element(s, 2));
        break;
      case 'N1': {
        const code = element(s, 1);
        party = code === 'PR' || code === 'PE' ? code : undefined;
        const who = party === 'PR' ? payer : party === 'PE' ? payee : undefined;
        if (who) {
          who.name = element(s, 2) || null;
          who.id = element(s, 4) || null;
        }
        break;
      }
      case 'REF':
        // REF*2U is the payer's identification when N1*PR carries none.
        if (!claim && party === 'PR' && element(s, 1) === '2U') payer.id ??= element(s, 2) || null;
        break;
      case 'LX':
      case 'TS3':
      case 'TS2':
        claim = undefined;
        line = undefined;
        break;
      case 'CLP':
        claim = { clp: s, cas: [], rarcs: [], lines: [] };
        claims.push(claim);
        line = undefined;
        // Read the money now so a malformed amount refuses the transaction.
        centsAt(s, 3);
        centsAt(s, 4);
        centsAt(s, 5);
        break;
      case 'CAS':
        if (line) line.cas.push(...casOf(s));
        else if (claim) claim.cas.push(...casOf(s));
        break;
      case 'MOA':
      case 'MIA':
        if (claim) claim.rarcs.push(...remarkElements[s.id]!.map((i) => element(s, i)));
        break;
      case 'SVC':
        if (!claim) break;
        {
          const [, procedureCode = '', ...modifiers] = components(element(s, 1), d);
          line = {
            procedureCode,
            modifiers: modifiers.slice(0, 4).filter(Boolean),
            chargeCents: centsAt(s, 2) ?? 0,
            paidCents: centsAt(s, 3) ?? 0,
            cas: [],
            rarcs: [],
          };
          const units = quantity(element(s, 5));
          if (units !== undefined && units > 0) line.units = units;
          claim.lines.push(line);
        }
        break;
      case 'AMT':
        if (line && element(s, 1) === 'B6') line.allowedCents = centsAt(s, 2);
        break;
      case 'LQ':
        if (line && element(s, 1) === 'HE') line.rarcs.push(element(s, 2));
        break;
      case 'PLB':
        claim = undefined;
        line = undefined;
        for (let i = 3; i <= 13; i += 2) {
          const composite = element(s, i);
          const amountCents = centsAt(s, i + 1);
          if (composite === '' && amountCents === undefined) continue;
          plbs.push({ ...plbReason(components(composite, d), d.component), amountCents: amountCents ?? 0 });
        }
        break;
      default:
        break;
    }
  }

  if (!bpr) {
    const st = t.segments[0]!;
    throw new UnreadableTransaction(errorAt(st, 'no BPR segment: the payment cannot be read'));
  }
  const payment = centsAt(bpr, 2) ?? 0;
  const paymentCents = element(bpr, 3) === 'D' ? -payment : payment;
  const paymentDate = x12Date(element(bpr, 16));
  const remitDate = productionDate ?? paymentDate;
  const paidTotal = claims.reduce((sum, c) => sum + (centsAt(c.clp, 4) ?? 0), 0);
  const plbTotal = plbs.reduce((sum, p) => sum + p.amountCents, 0);
  const imbalanceCents = paymentCents - (paidTotal - plbTotal);
  const balanced = imbalanceCents === 0;
  const paymentKey = paymentKeyOf(t, { payerKey: tracePayer ?? payer.id, traceNumber: trace, paymentDate, paymentCents });

  const events: ClaimEvent[] = [];
  const claimReports = claims.map((c, index): RemitClaimReport => {
    const s = c.clp;
    const statusCode = element(s, 2);
    const reversal = statusCode === '22';
    const chargeCents = centsAt(s, 3) ?? 0;
    const paidCents = centsAt(s, 4) ?? 0;
    // CLP05 is sent when the patient owes something: empty is zero.
    const patientResponsibilityCents = centsAt(s, 5) ?? 0;
    const payerClaimNumber = element(s, 7) || null;
    const byGroup: Record<CasGroup, number> = { CO: 0, PR: 0, OA: 0, PI: 0, CR: 0 };
    for (const a of [...c.cas, ...c.lines.flatMap((l) => l.cas)]) if ((casGroups as readonly string[]).includes(a.group)) byGroup[a.group as CasGroup] += a.amountCents;
    const facts = { patientControlNumber: element(s, 1), statusCode, chargeCents, paidCents, patientResponsibilityCents, payerClaimNumber, adjustmentCentsByGroup: byGroup, reversal };
    const type: ClaimEventType = reversal ? 'claim.reversed' : 'claim.adjudicated';
    if (!balanced) return { ...facts, eventType: null, refused: 'transaction refused: it does not balance' };
    const base = envelopeOf(ctx, remitEventIdOf(paymentKey, index + 1), type, remitDate);
    const claimRarcs = unique(c.rarcs);
    const payload = reversal
      ? { claimId: facts.patientControlNumber, remitDate, payerClaimNumber }
      : {
          claimId: facts.patientControlNumber,
          remitDate,
          claimStatusCode: statusCode,
          payerClaimNumber,
          billedCents: chargeCents,
          paidCents,
          patientResponsibilityCents,
          adjustments: adjustmentsOf(c.cas, claimRarcs),
          remarkCodes: claimRarcs,
          lines: c.lines.map((l) => {
            const rarcs = unique(l.rarcs);
            return {
              procedureCode: l.procedureCode,
              modifiers: l.modifiers,
              chargeCents: l.chargeCents,
              paidCents: l.paidCents,
              ...(l.allowedCents !== undefined ? { allowedCents: l.allowedCents } : {}),
              ...(l.units !== undefined ? { units: l.units } : {}),
              adjustments: adjustmentsOf(l.cas, rarcs),
              remarkCodes: rarcs,
            };
          }),
        };
    const { outcome, event } = outcomeOf(type, { ...base, payload });
    if (event) events.push(event);
    return { ...facts, ...outcome };
  });

  const details: Remit835Report = {
    paymentKey,
    paymentCents,
    traceNumber: trace,
    balanced,
    imbalanceCents,
    handlingCode: element(bpr, 1),
    paymentMethod: element(bpr, 4) || null,
    paymentDate: paymentDate ?? null,
    remitDate: remitDate ?? null,
    payer,
    payee,
    claims: claimReports,
    providerAdjustments: plbs,
  };
  if (!balanced) {
    return {
      details,
      events: [],
      refusal: {
        reason: `does not balance: BPR02 is ${paymentCents} cents but the claim payments less provider adjustments come to ${paidTotal - plbTotal} (imbalance ${imbalanceCents})`,
        errors: [errorAt(bpr, 'BPR02 does not equal the sum of CLP04 less the sum of PLB amounts')],
      },
    };
  }
  return { details, events };
};

/**
 * PLB03 (and 05, 07...): reason code, then the reference. Reason codes are two characters; a composite sent without
 * its separator ("WO12345") is split after them.
 */
const plbReason = (parts: readonly string[], separator: string): { reasonCode: string; reference: string | null } => {
  const [first = '', ...rest] = parts;
  if (rest.length === 0 && first.length > 2) return { reasonCode: first.slice(0, 2), reference: first.slice(2) };
  return { reasonCode: first, reference: rest.join(separator) || null };
};
