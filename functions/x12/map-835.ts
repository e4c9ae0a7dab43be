// Maps one 835 remittance (005010X221A1) to claim.adjudicated / claim.reversed events and its part of the file report.
// The first section holds the readers every mapper shares (amounts, dates, event ids, contract validation, the
// segment-by-segment mapper shape): they live here, below the dispatch in map-transaction.ts, so that no two files
// import each other.
import { hash } from 'node:crypto';
import { isCalendarDate } from '../domain/calendar.js';
import { claimEvent, describeIssues, type ClaimEvent, type ClaimEventType } from '../domain/claim-events.js';
import { passesAdjudicated, passesReversed } from './fast-contract.js';
import { inMemory, type PendingFactory, type PendingUnits, type Reader, type UnitCodec } from './pending.js';
import { components, type Segment, type Transaction, type TransactionHeader, type X12Error } from './segments.js';

// ---- Shared by the mappers ----

/** Who the events are for and who sends them. */
export interface MapContext {
  readonly tenantId: string;
  /** The envelope's `source` (1-64 characters); `x12` when not given. */
  readonly source?: string;
  /** 837 only: whether the provider is in network with a payer (decides the commercial filing limit). Default: yes. */
  readonly isParticipating?: (payer: { readonly id: string; readonly name: string; readonly type: string }) => boolean;
  /** Where a transaction's units wait for its SE; in memory unless a caller spills large ones (services/x12-spill.ts). */
  readonly pending?: PendingFactory;
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

const maxSafe = Number.MAX_SAFE_INTEGER;

/**
 * Exact integer cents from an X12 decimal, by integer arithmetic on its digits (no float ever holds the amount):
 * "123.4" → 12340, "-5" → -500, ".5" → 50. An optional minus sign, digits, an optional point and digits; more than two
 * decimals only when the extra ones are zeros; at least one digit. Undefined when not an amount, or beyond 2^53 cents.
 */
export const parseCents = (text: string): number | undefined => {
  const t = text.trim();
  const n = t.length;
  let i = 0;
  const negative = n > 0 && t.charCodeAt(0) === 45;
  if (negative) i = 1;
  let whole = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    digits++;
    if (whole > maxSafe) return undefined;
  }
  let fraction = 0;
  let decimals = 0;
  if (i < n) {
    if (t.charCodeAt(i) !== 46) return undefined;
    for (i++; i < n; i++) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (decimals < 2) fraction = fraction * 10 + d;
      else if (d !== 0) return undefined;
      decimals++;
    }
  }
  if (digits === 0 && decimals === 0) return undefined;
  if (decimals === 1) fraction *= 10;
  // Exact while it stays within 2^53; beyond, it rounds to 2^53 or more and is refused.
  const cents = whole * 100 + fraction;
  if (!Number.isSafeInteger(cents)) return undefined;
  return cents === 0 ? 0 : negative ? -cents : cents;
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
  `x12-${hash('sha256', `x12:${kind}:${t.interchangeControlNumber}:${t.groupControlNumber}:${t.controlNumber}:${position}`, 'hex').slice(0, 40)}`;

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
export const remitEventIdOf = (paymentKey: string, position: number): string => `x12-${hash('sha256', `x12:835:${paymentKey}:${position}`, 'hex').slice(0, 40)}`;

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

export type Refusal = { readonly reason: string; readonly errors: X12Error[] };

/** A mapper's result: its type-specific report fields, its events, and a refusal of the whole transaction if any. */
export interface MappedPart<Details> {
  readonly details: Details;
  readonly events: ClaimEvent[];
  readonly refusal?: Refusal;
}

/** One entry of a transaction's report list (an 835's or 837's claims, a 277's statuses) and the event it gave. */
export interface ListEntry<Entry> {
  readonly entry: Entry;
  readonly event?: ClaimEvent;
}

/** What a segment mapper knows once the transaction ended. */
export interface Finished<Details, Entry = unknown> {
  /** The type-specific report fields, in report order; the list field (`listKey`) is [] here: `entries` fills it. */
  readonly details: Details;
  readonly listKey?: keyof Details & string;
  readonly refusal?: Refusal;
  /**
   * The list's entries in order, each with its event (none when the transaction is refused), finished one by one from
   * the units kept until SE: read once, to the end (or call discard on the mapper).
   */
  entries(): Reader<ListEntry<Entry>>;
}

/**
 * One transaction set mapped as its segments come, ST first and SE last, without holding its segments: what it keeps
 * is its header facts and its units (pending, in memory or spilled). `segment` and `finish` throw
 * UnreadableTransaction for a value the mapping cannot do without; then nothing of the transaction is applied.
 */
export interface SegmentMapper<Details, Entry = unknown> {
  segment(s: Segment): void;
  finish(): Finished<Details, Entry>;
  /** Drops the units kept (a refused or abandoned transaction). */
  discard(): void;
}

/** A whole transaction through a segment mapper: every entry and event in memory (tests, small files). */
export const mapWhole = <Details, Entry>(mapper: SegmentMapper<Details, Entry>, segments: readonly Segment[]): MappedPart<Details> => {
  try {
    for (const s of segments) mapper.segment(s);
    const finished = mapper.finish();
    const list: Entry[] = [];
    const events: ClaimEvent[] = [];
    const entries = finished.entries();
    for (let next = entries.next(); next !== undefined; next = entries.next()) {
      list.push(next.entry);
      if (next.event) events.push(next.event);
    }
    const details = finished.listKey ? ({ ...finished.details, [finished.listKey]: list } as Details) : finished.details;
    return finished.refusal ? { details, events: [], refusal: finished.refusal } : { details, events };
  } finally {
    mapper.discard();
  }
};

export type { PendingFactory, PendingUnits, Reader, UnitCodec };
export const pendingOf = <T>(ctx: MapContext, codec?: UnitCodec<T>): PendingUnits<T> => (ctx.pending ?? inMemory)<T>(codec);
export type { TransactionHeader };

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

// A claim loop as kept until SE: plain data (pending.ts), the CLP values and every CAS, remark and line under it.
// CAS triplets are flat [group, carc, cents, group, carc, cents, ...] to keep a spilled claim small.

interface RemitLine {
  readonly procedureCode: string;
  readonly modifiers: string[];
  readonly chargeCents: number;
  readonly paidCents: number;
  /** SVC05 when it is a quantity above zero (a number; the text when it is not finite, so JSON keeps it). */
  units?: number | string;
  allowedCents?: number;
  readonly cas: Array<string | number>;
  readonly rarcs: string[];
}

interface RemitClaim {
  readonly patientControlNumber: string;
  readonly statusCode: string;
  readonly chargeCents: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  readonly payerClaimNumber: string;
  readonly cas: Array<string | number>;
  readonly rarcs: string[];
  readonly lines: RemitLine[];
}

type Flat = Array<string | number | null | Flat>;

/** A claim loop as a spilled line: arrays in a fixed order, no keys (about the size of its segments). */
const claimCodec: UnitCodec<RemitClaim> = {
  encode: (c) => [
    c.patientControlNumber,
    c.statusCode,
    c.chargeCents,
    c.paidCents,
    c.patientResponsibilityCents,
    c.payerClaimNumber,
    c.cas,
    c.rarcs,
    c.lines.map((l): Flat => [l.procedureCode, l.modifiers, l.chargeCents, l.paidCents, l.cas, l.rarcs, l.units ?? null, l.allowedCents ?? null]),
  ],
  decode: (data) => {
    const [patientControlNumber, statusCode, chargeCents, paidCents, patientResponsibilityCents, payerClaimNumber, cas, rarcs, lines] = data as [
      string,
      string,
      number,
      number,
      number,
      string,
      Array<string | number>,
      string[],
      Array<[string, string[], number, number, Array<string | number>, string[], number | string | null, number | null]>,
    ];
    return {
      patientControlNumber,
      statusCode,
      chargeCents,
      paidCents,
      patientResponsibilityCents,
      payerClaimNumber,
      cas,
      rarcs,
      lines: lines.map(([procedureCode, modifiers, lineCharge, linePaid, lineCas, lineRarcs, units, allowedCents]) => {
        const line: RemitLine = { procedureCode, modifiers, chargeCents: lineCharge, paidCents: linePaid, cas: lineCas, rarcs: lineRarcs };
        if (units !== null) line.units = units;
        if (allowedCents !== null) line.allowedCents = allowedCents;
        return line;
      }),
    };
  },
};

/** CAS01 group, then up to six reason / amount / quantity triplets, onto `out` as flat triplets. */
const casOf = (segment: Segment, out: Array<string | number>): void => {
  const group = element(segment, 1);
  for (let i = 2; i <= 17; i += 3) {
    const carc = element(segment, i);
    const amountCents = centsAt(segment, i + 1);
    if (carc === '' && amountCents === undefined) continue;
    out.push(group, carc, amountCents ?? 0);
  }
};

/** MOA03-07 and MIA05, MIA20-23 are remark codes. */
const remarkElements: Record<string, readonly number[]> = { MOA: [3, 4, 5, 6, 7], MIA: [5, 20, 21, 22, 23] };

/** The codes in first-seen order, blanks dropped, each once. */
const unique = (codes: readonly string[]): string[] => {
  if (codes.length === 0) return [];
  if (codes.length === 1) return codes[0] ? [codes[0]] : [];
  return [...new Set(codes.filter(Boolean))];
};

/** RARCs qualify the adjustments of their loop (X12 links them no finer), capped at the contract's ten. */
const adjustmentsOf = (cas: readonly (string | number)[], rarcs: readonly string[]) => {
  const out: Array<{ group: string; carc: string; rarcs: string[]; amountCents: number }> = [];
  if (cas.length === 0) return out;
  const capped = rarcs.length > 10 ? rarcs.slice(0, 10) : rarcs;
  for (let i = 0; i < cas.length; i += 3) out.push({ group: cas[i] as string, carc: cas[i + 1] as string, rarcs: capped.slice(), amountCents: cas[i + 2] as number });
  return out;
};

/** Adds every CAS amount of one flat triplet list to its group (CO, PR, OA, PI, CR; other groups are not counted). */
const addByGroup = (byGroup: Record<CasGroup, number>, cas: readonly (string | number)[]): void => {
  for (let i = 0; i < cas.length; i += 3) {
    const group = cas[i] as string;
    if (group === 'CO' || group === 'PR' || group === 'OA' || group === 'PI' || group === 'CR') byGroup[group] += cas[i + 2] as number;
  }
};

const notBalanced = 'transaction refused: it does not balance';

/** A service line of the adjudicated event, in the contract's key order (allowedCents and units only when sent). */
const lineOf = (l: RemitLine) => {
  const rarcs = unique(l.rarcs);
  const adjustments = adjustmentsOf(l.cas, rarcs);
  const units = l.units === undefined ? undefined : typeof l.units === 'number' ? l.units : Number(l.units);
  if (l.allowedCents !== undefined) {
    return units !== undefined
      ? { procedureCode: l.procedureCode, modifiers: l.modifiers, chargeCents: l.chargeCents, paidCents: l.paidCents, allowedCents: l.allowedCents, units, adjustments, remarkCodes: rarcs }
      : { procedureCode: l.procedureCode, modifiers: l.modifiers, chargeCents: l.chargeCents, paidCents: l.paidCents, allowedCents: l.allowedCents, adjustments, remarkCodes: rarcs };
  }
  return units !== undefined
    ? { procedureCode: l.procedureCode, modifiers: l.modifiers, chargeCents: l.chargeCents, paidCents: l.paidCents, units, adjustments, remarkCodes: rarcs }
    : { procedureCode: l.procedureCode, modifiers: l.modifiers, chargeCents: l.chargeCents, paidCents: l.paidCents, adjustments, remarkCodes: rarcs };
};

/** An 835 read segment by segment: its header facts and PLBs kept, each claim loop kept (pending) until SE. */
class Remit835Mapper implements SegmentMapper<Remit835Report, RemitClaimReport> {
  private readonly pending: PendingUnits<RemitClaim>;
  /** The transaction's first segment (its ST): a missing BPR is reported there. */
  private first: Segment | undefined;
  private bpr: Segment | undefined;
  private trace: string | null = null;
  /** TRN03: the payer's identifier on the payment. */
  private tracePayer: string | null = null;
  private productionDate: string | undefined;
  private readonly payer = { name: null as string | null, id: null as string | null };
  private readonly payee = { name: null as string | null, id: null as string | null };
  private readonly plbs: ProviderAdjustmentReport[] = [];
  private claim: RemitClaim | undefined;
  private line: RemitLine | undefined;
  private party: 'PR' | 'PE' | undefined;
  /** ΣCLP04, in claim order. */
  private paidTotal = 0;

  constructor(
    private readonly header: TransactionHeader,
    private readonly ctx: MapContext,
  ) {
    this.pending = pendingOf<RemitClaim>(ctx, claimCodec);
  }

  /** The claim loop is complete once another begins (or LX, TS3, TS2, PLB, SE): nothing changes it any more. */
  private close(): void {
    const claim = this.claim;
    if (claim === undefined) return;
    this.claim = undefined;
    this.line = undefined;
    this.paidTotal += claim.paidCents;
    this.pending.add(claim);
  }

  segment(s: Segment): void {
    this.first ??= s;
    switch (s.id) {
      case 'BPR':
        this.bpr = s;
        break;
      case 'TRN':
        if (!this.claim) {
          this.trace = element(s, 2) || null;
          this.tracePayer = element(s, 3) || null;
        }
        break;
      case 'DTM':
        // Line dates (DTM*472/150) have no place in the contract's adjudicated line; claim dates are not remit dates.
        if (!this.claim && element(s, 1) === '405') this.productionDate = x12Date(element(s, 2));
        break;
      case 'N1': {
        const code = element(s, 1);
        this.party = code === 'PR' || code === 'PE' ? code : undefined;
        const who = this.party === 'PR' ? this.payer : this.party === 'PE' ? this.payee : undefined;
        if (who) {
          who.name = element(s, 2) || null;
          who.id = element(s, 4) || null;
        }
        break;
      }
      case 'REF':
        // REF*2U is the payer's identification when N1*PR carries none.
        if (!this.claim && this.party === 'PR' && element(s, 1) === '2U') this.payer.id ??= element(s, 2) || null;
        break;
      case 'LX':
      case 'TS3':
      case 'TS2':
        this.close();
        break;
      case 'CLP':
        this.close();
        // The money is read now, so a malformed amount refuses the transaction.
        this.claim = {
          patientControlNumber: element(s, 1),
          statusCode: element(s, 2),
          chargeCents: centsAt(s, 3) ?? 0,
          paidCents: centsAt(s, 4) ?? 0,
          // CLP05 is sent when the patient owes something: empty is zero.
          patientResponsibilityCents: centsAt(s, 5) ?? 0,
          payerClaimNumber: element(s, 7),
          cas: [],
          rarcs: [],
          lines: [],
        };
        break;
      case 'CAS':
        if (this.line) casOf(s, this.line.cas);
        else if (this.claim) casOf(s, this.claim.cas);
        break;
      case 'MOA':
      case 'MIA':
        if (this.claim) for (const i of remarkElements[s.id]!) this.claim.rarcs.push(element(s, i));
        break;
      case 'SVC':
        if (this.claim) {
          const [, procedureCode = '', ...modifiers] = components(element(s, 1), this.header.delimiters);
          const line: RemitLine = {
            procedureCode,
            modifiers: modifiers.length === 0 ? modifiers : modifiers.slice(0, 4).filter(Boolean),
            chargeCents: centsAt(s, 2) ?? 0,
            paidCents: centsAt(s, 3) ?? 0,
            cas: [],
            rarcs: [],
          };
          const units = quantity(element(s, 5));
          if (units !== undefined && units > 0) line.units = Number.isFinite(units) ? units : element(s, 5);
          this.claim.lines.push(line);
          this.line = line;
        }
        break;
      case 'AMT':
        if (this.line && element(s, 1) === 'B6') {
          const allowed = centsAt(s, 2);
          if (allowed === undefined) delete this.line.allowedCents;
          else this.line.allowedCents = allowed;
        }
        break;
      case 'LQ':
        if (this.line && element(s, 1) === 'HE') this.line.rarcs.push(element(s, 2));
        break;
      case 'PLB':
        this.close();
        for (let i = 3; i <= 13; i += 2) {
          const composite = element(s, i);
          const amountCents = centsAt(s, i + 1);
          if (composite === '' && amountCents === undefined) continue;
          const { reasonCode, reference } = plbReason(components(composite, this.header.delimiters), this.header.delimiters.component);
          this.plbs.push({ reasonCode, reference, amountCents: amountCents ?? 0 });
        }
        break;
      default:
        break;
    }
  }

  finish(): Finished<Remit835Report, RemitClaimReport> {
    this.close();
    const bpr = this.bpr;
    if (!bpr) throw new UnreadableTransaction(errorAt(this.first!, 'no BPR segment: the payment cannot be read'));
    const payment = centsAt(bpr, 2) ?? 0;
    const paymentCents = element(bpr, 3) === 'D' ? -payment : payment;
    const paymentDate = x12Date(element(bpr, 16));
    const remitDate = this.productionDate ?? paymentDate;
    const paidTotal = this.paidTotal;
    let plbTotal = 0;
    for (const p of this.plbs) plbTotal += p.amountCents;
    const imbalanceCents = paymentCents - (paidTotal - plbTotal);
    const balanced = imbalanceCents === 0;
    const paymentKey = paymentKeyOf(this.header, { payerKey: this.tracePayer ?? this.payer.id, traceNumber: this.trace, paymentDate, paymentCents });

    const details: Remit835Report = {
      paymentKey,
      paymentCents,
      traceNumber: this.trace,
      balanced,
      imbalanceCents,
      handlingCode: element(bpr, 1),
      paymentMethod: element(bpr, 4) || null,
      paymentDate: paymentDate ?? null,
      remitDate: remitDate ?? null,
      payer: this.payer,
      payee: this.payee,
      claims: [],
      providerAdjustments: this.plbs,
    };
    const refusal: Refusal | undefined = balanced
      ? undefined
      : {
          reason: `does not balance: BPR02 is ${paymentCents} cents but the claim payments less provider adjustments come to ${paidTotal - plbTotal} (imbalance ${imbalanceCents})`,
          errors: [errorAt(bpr, 'BPR02 does not equal the sum of CLP04 less the sum of PLB amounts')],
        };
    const pending = this.pending;
    const ctx = this.ctx;
    const occurredAt = noon(remitDate);
    const source = ctx.source ?? 'x12';
    const entries = (): Reader<ListEntry<RemitClaimReport>> => {
      let position = 0;
      const units = pending.drain();
      const next = (): ListEntry<RemitClaimReport> | undefined => {
        const c = units.next();
        if (c === undefined) return undefined;
        position++;
        const reversal = c.statusCode === '22';
        const byGroup: Record<CasGroup, number> = { CO: 0, PR: 0, OA: 0, PI: 0, CR: 0 };
        addByGroup(byGroup, c.cas);
        for (const l of c.lines) addByGroup(byGroup, l.cas);
        const payerClaimNumber = c.payerClaimNumber || null;
        // The claim's figures as the report lists them, then its event type and the event's id or why it was refused.
        const figuresOf = (eventType: ClaimEventType | null) => ({
          patientControlNumber: c.patientControlNumber,
          statusCode: c.statusCode,
          chargeCents: c.chargeCents,
          paidCents: c.paidCents,
          patientResponsibilityCents: c.patientResponsibilityCents,
          payerClaimNumber,
          adjustmentCentsByGroup: byGroup,
          reversal,
          eventType,
        });
        if (!balanced) return { entry: { ...figuresOf(null), refused: notBalanced } };
        const type: ClaimEventType = reversal ? 'claim.reversed' : 'claim.adjudicated';
        const claimRarcs = unique(c.rarcs);
        // The contract's key order (zod's output order): the event sent is the object the contract would return.
        const payload = reversal
          ? { claimId: c.patientControlNumber, remitDate, payerClaimNumber }
          : {
              claimId: c.patientControlNumber,
              remitDate,
              claimStatusCode: c.statusCode,
              payerClaimNumber,
              billedCents: c.chargeCents,
              paidCents: c.paidCents,
              patientResponsibilityCents: c.patientResponsibilityCents,
              adjustments: adjustmentsOf(c.cas, claimRarcs),
              remarkCodes: claimRarcs,
              lines: c.lines.map(lineOf),
            };
        const candidate = { eventId: remitEventIdOf(paymentKey, position), tenantId: ctx.tenantId, occurredAt, source, schemaVersion: 1 as const, type, payload };
        let eventId: string | undefined;
        let refused: string | undefined;
        let event: ClaimEvent | undefined;
        if (reversal ? passesReversed(candidate) : passesAdjudicated(candidate)) {
          event = candidate as ClaimEvent;
          eventId = candidate.eventId;
        } else {
          const validated = validateEvent(candidate);
          if (validated.ok) {
            event = validated.event;
            eventId = validated.event.eventId;
          } else refused = validated.reason;
        }
        const entry: RemitClaimReport = eventId !== undefined ? { ...figuresOf(type), eventId } : { ...figuresOf(type), refused };
        return { entry, event };
      };
      return { next };
    };
    return { details, listKey: 'claims', ...(refusal ? { refusal } : {}), entries };
  }

  discard(): void {
    this.pending.discard();
  }
}

/** Maps an 835 as its segments come. */
export const remit835Mapper = (header: TransactionHeader, ctx: MapContext): SegmentMapper<Remit835Report, RemitClaimReport> => new Remit835Mapper(header, ctx);

/** A whole 835 transaction. */
export const map835 = (t: Transaction, ctx: MapContext): MappedPart<Remit835Report> => mapWhole(remit835Mapper(t, ctx), t.segments);

/**
 * PLB03 (and 05, 07...): reason code, then the reference. Reason codes are two characters; a composite sent without
 * its separator ("WO12345") is split after them.
 */
const plbReason = (parts: readonly string[], separator: string): { reasonCode: string; reference: string | null } => {
  const [first = '', ...rest] = parts;
  if (rest.length === 0 && first.length > 2) return { reasonCode: first.slice(0, 2), reference: first.slice(2) };
  return { reasonCode: first, reference: rest.join(separator) || null };
};
