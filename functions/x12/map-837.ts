// Maps one 837 claim (professional 005010X222*, institutional 005010X223*) to a claim.submitted event per CLM and
// its part of the file report. The event carries the patient (PHI, stored with the claim); the report never does.
import { payerTypes } from '../domain/claim-events.js';
import {
  centsAt,
  element,
  envelopeOf,
  eventIdOf,
  mapWhole,
  outcomeOf,
  pendingOf,
  quantity,
  x12Date,
  x12Period,
  type EventOutcome,
  type Finished,
  type ListEntry,
  type MapContext,
  type MappedPart,
  type PendingUnits,
  type Reader,
  type SegmentMapper,
  type TransactionHeader,
} from './map-835.js';
import { components, type Segment, type Transaction } from './segments.js';

export interface SubmittedClaimReport extends EventOutcome {
  readonly patientControlNumber: string;
  readonly chargeCents: number;
  /** Diagnoses beyond the contract's twelve, left out of the event (principal first, then in claim order). */
  readonly diagnosisCodesOmitted?: number;
}

export interface Claim837Report {
  readonly claims: SubmittedClaimReport[];
}

type PayerType = (typeof payerTypes)[number];

/** SBR09 claim filing indicator → the contract's payer type. */
export const payerTypeOf = (filingIndicator: string): PayerType => {
  if (filingIndicator === 'MA' || filingIndicator === 'MB') return 'medicare';
  if (filingIndicator === 'MC') return 'medicaid';
  // Commercial, Blue Cross/Blue Shield, HMO, PPO, POS, EPO, indemnity, HMO Medicare risk, dental.
  if (['CI', 'BL', 'HM', '12', '13', '14', '15', '16', '17'].includes(filingIndicator)) return 'commercial';
  return 'other';
};

/** SBR01: where a payer stands in the coordination of benefits (P, S, T, then A-H for payers 4-11). */
const payerOrder = (code: string): number => {
  const order = 'PSTABCDEFGH'.indexOf(code);
  return order < 0 ? 99 : order + 1;
};

/** ICD-10-CM codes travel without their dot in X12 (E119): the contract writes them E11.9. */
const diagnosisCode = (code: string): string => {
  const upper = code.toUpperCase();
  return upper.length > 3 && !upper.includes('.') ? `${upper.slice(0, 3)}.${upper.slice(3)}` : upper;
};

const principalQualifiers = new Set(['ABK', 'BK']);
const otherQualifiers = new Set(['ABF', 'BF']);
const maxDiagnoses = 12;

// The loops a claim takes its billing provider (2000A), subscriber (2000B) and patient (2000C) from are shared by the
// claims under them, and a segment after a claim may still change one (the mapper reads them as they stand at SE).
// Each has an id; once a claim under it is kept (pending, perhaps spilled as a copy), a later change marks it
// `changed`, and the claims are finished with its final state (the live object) instead of their copy.
interface Context {
  readonly id: number;
  /** A claim under it was kept. */
  kept?: boolean;
}

interface Billing extends Context {
  npi?: string;
  state?: string;
}

interface Person extends Context {
  lastName?: string;
  firstName?: string;
  dateOfBirth?: string;
}

interface Subscriber extends Person {
  order: number;
  filingIndicator: string;
  memberId?: string;
  payer: { id?: string; name?: string; state?: string };
}

interface Line {
  procedureCode: string;
  modifiers: string[];
  chargeCents: number;
  /** SV1/SV2 units (a number; the text when it is not finite, so JSON keeps it). */
  units?: number | string;
  from?: string;
  through?: string;
}

/** A claim as kept until SE: plain data (pending.ts), CLM01, CLM02 and CLM05-3 read, its loops' state beside it. */
interface Claim {
  readonly claimId: string;
  readonly totalChargeCents: number;
  readonly frequency: string;
  readonly principal: string[];
  readonly other: string[];
  statement?: { from?: string; through?: string };
  claimDates?: { from?: string; through?: string };
  renderingNpi?: string;
  attendingNpi?: string;
  originalClaimNumber?: string;
  readonly otherPayers: Array<{ order: number; id?: string; name?: string }>;
  inOtherSubscriber: boolean;
  readonly lines: Line[];
  line?: Line;
}

interface KeptClaim {
  readonly claim: Claim;
  readonly billing: Billing;
  readonly subscriber: Subscriber;
  readonly patient: Person | undefined;
}

const periodOf = (p: { from?: string; through?: string }): { from?: string; through?: string } => ({ from: p.from, through: p.through });

class Claim837Mapper implements SegmentMapper<Claim837Report, SubmittedClaimReport> {
  private readonly pending: PendingUnits<KeptClaim>;
  private submittedOn: string | undefined;
  private ids = 0;
  private billing: Billing = { id: ++this.ids };
  private subscriber: Subscriber = { id: ++this.ids, order: 1, filingIndicator: '', payer: {} };
  private patient: Person | undefined;
  private entity = '';
  private claim: KeptClaim | undefined;
  /** Loops changed after a claim under them was kept: by id, their final state. */
  private readonly changed = new Map<number, Context>();

  constructor(
    private readonly header: TransactionHeader,
    private readonly ctx: MapContext,
    private readonly kind: '837P' | '837I',
  ) {
    this.pending = pendingOf<KeptClaim>(ctx);
  }

  /** A claim is complete at the next HL or CLM: nothing changes it any more (its loops may still change). */
  private close(): void {
    const kept = this.claim;
    if (kept === undefined) return;
    this.claim = undefined;
    delete kept.claim.line;
    kept.billing.kept = true;
    kept.subscriber.kept = true;
    if (kept.patient) kept.patient.kept = true;
    this.pending.add(kept);
  }

  /** Before a loop is changed: if a kept claim is under it, its final state will be needed. */
  private changing<T extends Context>(loop: T): T {
    if (loop.kept) this.changed.set(loop.id, loop);
    return loop;
  }

  segment(s: Segment): void {
    const d = this.header.delimiters;
    const claim = this.claim?.claim;
    switch (s.id) {
      case 'BHT':
        this.submittedOn = x12Date(element(s, 4));
        break;
      case 'HL': {
        this.close();
        const level = element(s, 3);
        if (level === '20') this.billing = { id: ++this.ids };
        if (level === '22') {
          this.subscriber = { id: ++this.ids, order: 1, filingIndicator: '', payer: {} };
          this.patient = undefined;
        }
        if (level === '23') this.patient = { id: ++this.ids };
        break;
      }
      case 'SBR':
        if (claim) {
          // Loop 2320: other subscriber information, then its payer (2330B).
          claim.otherPayers.push({ order: payerOrder(element(s, 1)) });
          claim.inOtherSubscriber = true;
          claim.line = undefined;
        } else {
          const subscriber = this.changing(this.subscriber);
          subscriber.order = payerOrder(element(s, 1));
          subscriber.filingIndicator = element(s, 9);
        }
        break;
      case 'NM1': {
        const entity = element(s, 1);
        this.entity = entity;
        const npi = element(s, 8) === 'XX' ? element(s, 9) : undefined;
        const inOther = claim?.inOtherSubscriber ?? false;
        if (entity === '85' && !claim) this.changing(this.billing).npi = npi;
        else if (entity === 'IL' && !inOther) {
          const subscriber = this.changing(this.subscriber);
          subscriber.memberId = element(s, 9) || undefined;
          subscriber.lastName = element(s, 3) || undefined;
          subscriber.firstName = element(s, 4) || undefined;
        } else if (entity === 'QC' && this.patient) {
          const patient = this.changing(this.patient);
          patient.lastName = element(s, 3) || undefined;
          patient.firstName = element(s, 4) || undefined;
        } else if (entity === 'PR') {
          const payer = { id: element(s, 9) || undefined, name: element(s, 3) || undefined };
          if (inOther) Object.assign(claim!.otherPayers.at(-1)!, payer);
          else if (!claim) this.changing(this.subscriber).payer = payer;
        } else if (claim && !inOther && !claim.line) {
          if (entity === '82') claim.renderingNpi = npi;
          if (entity === '71') claim.attendingNpi = npi;
        }
        if (inOther) this.entity = `other-${entity}`;
        break;
      }
      case 'N4': {
        const state = element(s, 2);
        if (!/^[A-Z]{2}$/.test(state)) break;
        if (this.entity === 'PR' && !claim) this.changing(this.subscriber).payer.state = state;
        if (this.entity === '85' && !claim) this.changing(this.billing).state = state;
        break;
      }
      case 'DMG': {
        const dateOfBirth = element(s, 1) === 'D8' ? x12Date(element(s, 2)) : undefined;
        if (this.entity === 'IL' && !claim) this.changing(this.subscriber).dateOfBirth = dateOfBirth;
        if (this.entity === 'QC' && this.patient) this.changing(this.patient).dateOfBirth = dateOfBirth;
        break;
      }
      case 'CLM': {
        const totalChargeCents = centsAt(s, 2) ?? 0;
        this.close();
        this.claim = {
          claim: {
            claimId: element(s, 1),
            totalChargeCents,
            frequency: components(element(s, 5), d)[2] ?? '',
            principal: [],
            other: [],
            otherPayers: [],
            inOtherSubscriber: false,
            lines: [],
          },
          billing: this.billing,
          subscriber: this.subscriber,
          patient: this.patient,
        };
        break;
      }
      case 'DTP':
        if (!claim) break;
        if (claim.line) {
          if (element(s, 1) === '472') Object.assign(claim.line, x12Period(element(s, 2), element(s, 3)));
        } else if (!claim.inOtherSubscriber) {
          if (element(s, 1) === '434') claim.statement = x12Period(element(s, 2), element(s, 3));
          if (element(s, 1) === '472') claim.claimDates = x12Period(element(s, 2), element(s, 3));
        }
        break;
      case 'REF':
        if (claim && !claim.line && !claim.inOtherSubscriber && element(s, 1) === 'F8') claim.originalClaimNumber = element(s, 2) || undefined;
        break;
      case 'HI':
        if (!claim) break;
        for (let i = 1; i < s.elements.length; i++) {
          const [qualifier = '', code = ''] = components(element(s, i), d);
          if (!code) continue;
          if (principalQualifiers.has(qualifier)) claim.principal.push(diagnosisCode(code));
          else if (otherQualifiers.has(qualifier)) claim.other.push(diagnosisCode(code));
        }
        break;
      case 'LX':
        if (!claim) break;
        claim.inOtherSubscriber = false;
        claim.line = undefined;
        break;
      case 'SV1':
      case 'SV2': {
        if (!claim) break;
        // SV1: procedure composite, charge, unit basis, units. SV2: revenue code first, then the same.
        const at = s.id === 'SV1' ? 1 : 2;
        const [, procedureCode = '', ...modifiers] = components(element(s, at), d);
        const line: Line = { procedureCode, modifiers: modifiers.slice(0, 4).filter(Boolean), chargeCents: centsAt(s, at + 1) ?? 0 };
        const units = quantity(element(s, at + 3));
        if (units !== undefined) line.units = Number.isFinite(units) ? units : element(s, at + 3);
        claim.lines.push(line);
        claim.line = line;
        claim.inOtherSubscriber = false;
        break;
      }
      default:
        break;
    }
  }

  finish(): Finished<Claim837Report, SubmittedClaimReport> {
    this.close();
    const { pending, ctx, kind, header, submittedOn, changed } = this;
    const final = <T extends Context>(loop: T): T => (changed.get(loop.id) as T | undefined) ?? loop;
    const entries = (): Reader<ListEntry<SubmittedClaimReport>> => {
      let index = 0;
      const units = pending.drain();
      const next = (): ListEntry<SubmittedClaimReport> | undefined => {
        const kept = units.next();
        if (kept === undefined) return undefined;
        index++;
        const c = kept.claim;
        const b = final(kept.billing);
        const sub = final(kept.subscriber);
        const pat = kept.patient && final(kept.patient);
        const claimId = c.claimId;
        const totalChargeCents = c.totalChargeCents;
        const frequency = c.frequency;
        const diagnoses = [...c.principal, ...c.other];
        const payerType = payerTypeOf(sub.filingIndicator);
        const payer = {
          id: sub.payer.id,
          name: sub.payer.name,
          type: payerType,
          // The payer's own state, else the billing provider's (Medicaid is the provider's state program).
          ...(sub.payer.state ?? b.state ? { state: sub.payer.state ?? b.state } : {}),
        };
        const next = c.otherPayers.filter((p) => p.order > sub.order).sort((x, y) => x.order - y.order)[0];
        const person = pat ?? sub;
        const lineDates = c.lines.flatMap((l) => [l.from, l.through]).filter((x): x is string => x !== undefined && x !== null).sort();
        const serviceDate =
          (kind === '837I' && c.statement?.from ? periodOf(c.statement) : undefined) ??
          (lineDates.length > 0 ? { from: lineDates[0], through: lineDates.at(-1) } : undefined) ??
          (c.statement && periodOf(c.statement)) ??
          (c.claimDates && periodOf(c.claimDates)) ??
          {};
        const payload = {
          claimId,
          payer,
          billingNpi: b.npi,
          // The billing provider renders unless another is named (2310B; the attending, 2310A, on an 837I).
          renderingNpi: c.renderingNpi ?? (kind === '837I' ? c.attendingNpi : undefined) ?? b.npi,
          patient: { accountNumber: claimId, memberId: sub.memberId, lastName: person.lastName, firstName: person.firstName, dateOfBirth: person.dateOfBirth },
          // A patient loop (2000C) means the patient is a dependent: the insured (2010BA) is named too, for the 276.
          ...(pat && sub.lastName && sub.firstName ? { subscriber: { lastName: sub.lastName, firstName: sub.firstName } } : {}),
          serviceDate,
          lines: c.lines.map((l) => ({
            procedureCode: l.procedureCode,
            modifiers: l.modifiers,
            units: typeof l.units === 'string' ? Number(l.units) : l.units,
            chargeCents: l.chargeCents,
            ...(l.from ? { serviceDate: l.from } : {}),
          })),
          diagnosisCodes: diagnoses.slice(0, maxDiagnoses),
          totalChargeCents,
          submittedOn,
          // CLM05-3: 7 replaces, 8 voids; every other code (1, and an 837I's interim 2-5, 0, 9) is a claim of its own.
          frequencyCode: frequency === '7' || frequency === '8' ? frequency : '1',
          ...(c.originalClaimNumber ? { originalClaimNumber: c.originalClaimNumber } : {}),
          // The 837 does not say whether the provider is in network; unless told, assume so (the shorter commercial limit).
          participating: ctx.isParticipating ? ctx.isParticipating({ id: payer.id ?? '', name: payer.name ?? '', type: payerType }) : true,
          submissionMethod: 'electronic',
          ...(next?.id && next.name ? { otherPayer: { id: next.id, name: next.name } } : {}),
        };
        const { outcome, event } = outcomeOf('claim.submitted', { ...envelopeOf(ctx, eventIdOf(kind, header, index), 'claim.submitted', submittedOn), payload });
        const entry: SubmittedClaimReport = {
          patientControlNumber: claimId,
          chargeCents: totalChargeCents,
          ...outcome,
          ...(diagnoses.length > maxDiagnoses ? { diagnosisCodesOmitted: diagnoses.length - maxDiagnoses } : {}),
        };
        return event ? { entry, event } : { entry };
      };
      return { next };
    };
    return { details: { claims: [] }, listKey: 'claims', entries };
  }

  discard(): void {
    this.pending.discard();
  }
}

/** Maps an 837P or 837I as its segments come. */
export const claim837Mapper = (header: TransactionHeader, ctx: MapContext, kind: '837P' | '837I'): SegmentMapper<Claim837Report, SubmittedClaimReport> => new Claim837Mapper(header, ctx, kind);

/** A whole 837 transaction. */
export const map837 = (t: Transaction, ctx: MapContext, kind: '837P' | '837I'): MappedPart<Claim837Report> => mapWhole(claim837Mapper(t, ctx, kind), t.segments);
