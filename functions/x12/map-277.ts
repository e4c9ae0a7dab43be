// Maps one 277 claim status response (005010X212) or 277CA claim acknowledgment (005010X214) to claim events and
// its part of the file report: claim-level statuses become events, line- and batch-level ones are reported only.
import { acceptedCategories, rejectedCategories } from '../domain/codes.js';
import statusCategoryList from '../domain/code-lists/claim-status-category.json' with { type: 'json' };
import type { ClaimEvent, ClaimEventType } from '../domain/claim-events.js';
import {
  element,
  envelopeOf,
  eventIdOf,
  mapWhole,
  outcomeOf,
  pendingOf,
  x12Date,
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

export type StatusLevel = 'claim' | 'line' | 'batch';

export interface StatusCode {
  readonly category: string;
  readonly status: string | null;
  readonly entity: string | null;
}

export interface StatusReport extends StatusCode, EventOutcome {
  readonly level: StatusLevel;
  /** TRN02 of the loop the status belongs to. */
  readonly traceNumber: string | null;
  readonly patientControlNumber: string | null;
  readonly payerClaimNumber: string | null;
  /** STC10 and STC11: further statuses of the same STC. */
  readonly additionalStatuses: StatusCode[];
}

export interface Status277Report {
  readonly statuses: StatusReport[];
}

/** HL03 codes under which an STC is about one claim: subscriber and dependent (X212), patient (X214). */
const claimLevels = new Set(['22', '23', 'PT']);

const statusCategories = statusCategoryList as Record<string, { readonly description: string }>;

/** One STC as kept until SE (plain data, pending.ts): its codes, level, STC02 date and STC12 free text. */
interface Stc {
  readonly codes: StatusCode[];
  readonly level: StatusLevel;
  readonly date: string;
  readonly said: string;
}

interface StatusLoop {
  readonly level: 'claim' | 'batch';
  trace: string | null;
  patientControlNumber: string | null;
  payerClaimNumber: string | null;
  inLine: boolean;
  readonly stcs: Stc[];
}

const accepted: ReadonlySet<string> = new Set(acceptedCategories);
const rejected: ReadonlySet<string> = new Set(rejectedCategories);

/**
 * 277 and 277CA. A claim-level loop (a TRN under an HL of level 22, 23 or PT) gives one event: for a 277CA,
 * claim.rejected when any of its categories (STC01, STC10, STC11, every STC of the claim) is a rejection (A3, A4,
 * A6-A8), else claim.acknowledged from its first acceptance (A0-A2, A5), else none; for a 277, claim.status from its
 * first claim-level STC. The claim is the patient control number: TRN02 in a 277CA, REF*EJ (else TRN02) in a 277.
 * Each loop is kept (pending) from when the next one begins until SE.
 */
class Status277Mapper implements SegmentMapper<Status277Report, StatusReport> {
  private readonly pending: PendingUnits<StatusLoop>;
  private created: string | undefined;
  private hlLevel = '';
  private loop: StatusLoop | undefined;

  constructor(
    private readonly header: TransactionHeader,
    private readonly ctx: MapContext,
    private readonly kind: '277' | '277CA',
  ) {
    this.pending = pendingOf<StatusLoop>(ctx);
  }

  /** A loop is complete once an HL or another loop begins: nothing changes it any more. */
  private close(): void {
    if (this.loop !== undefined) this.pending.add(this.loop);
    this.loop = undefined;
  }

  private startLoop(level: 'claim' | 'batch'): StatusLoop {
    this.close();
    this.loop = { level, trace: null, patientControlNumber: null, payerClaimNumber: null, inLine: false, stcs: [] };
    return this.loop;
  }

  private codeOf(composite: string): StatusCode | undefined {
    const [category = '', status = '', entity = ''] = components(composite, this.header.delimiters);
    return category ? { category, status: status || null, entity: entity || null } : undefined;
  }

  segment(s: Segment): void {
    switch (s.id) {
      case 'BHT':
        this.created = x12Date(element(s, 4));
        break;
      case 'HL':
        this.hlLevel = element(s, 3);
        this.close();
        break;
      case 'TRN':
        this.startLoop(claimLevels.has(this.hlLevel) ? 'claim' : 'batch').trace = element(s, 2) || null;
        break;
      case 'STC': {
        const here = this.loop ?? this.startLoop(claimLevels.has(this.hlLevel) ? 'claim' : 'batch');
        const codes: StatusCode[] = [];
        for (const i of [1, 10, 11]) {
          const code = this.codeOf(element(s, i));
          if (code !== undefined) codes.push(code);
        }
        here.stcs.push({ codes, level: here.level === 'batch' ? 'batch' : here.inLine ? 'line' : 'claim', date: element(s, 2), said: element(s, 12) });
        break;
      }
      case 'REF':
        if (this.loop && !this.loop.inLine) {
          const qualifier = element(s, 1);
          if (qualifier === '1K') this.loop.payerClaimNumber = element(s, 2) || null;
          if (qualifier === 'EJ') this.loop.patientControlNumber = element(s, 2) || null;
        }
        break;
      case 'SVC':
        if (this.loop) this.loop.inLine = true;
        break;
      default:
        break;
    }
  }

  finish(): Finished<Status277Report, StatusReport> {
    this.close();
    const { pending, ctx, kind, header, created } = this;
    const entries = (): Reader<ListEntry<StatusReport>> => {
      const loops = pending.drain();
      let index = 0;
      /** The statuses of the loop being read, and the loop's event for the first of them. */
      let statuses: StatusReport[] = [];
      let at = 0;
      let event: ClaimEvent | undefined;
      const next = (): ListEntry<StatusReport> | undefined => {
        while (at >= statuses.length) {
          const l = loops.next();
          if (l === undefined) return undefined;
          index++;
          const loop = statusesOf(kind, l, index);
          statuses = loop.statuses;
          event = loop.event;
          at = 0;
        }
        const entry = statuses[at++]!;
        // The loop's event goes with its first status (a loop with an event has a claim-level one first).
        const listed = event ? { entry, event } : { entry };
        event = undefined;
        return listed;
      };
      return { next };
    };
    /** One loop's statuses and its event. */
    const statusesOf = (kind: '277' | '277CA', l: StatusLoop, index: number): { statuses: StatusReport[]; event?: ClaimEvent } => {
      const patientControlNumber = kind === '277CA' ? l.trace : (l.patientControlNumber ?? l.trace);
      const claimStcs = l.stcs.filter((stc) => stc.level === 'claim');
      let outcome: EventOutcome = { eventType: null };
      let event: ClaimEvent | undefined;
      if (l.level === 'claim' && claimStcs.length > 0) {
        const mapped = claimEvent(kind, claimStcs, {
          claimId: patientControlNumber ?? '',
          payerClaimNumber: l.payerClaimNumber,
          fallbackDate: created,
          base: (type, date) => envelopeOf(ctx, eventIdOf(kind, header, index), type, date),
        });
        if (mapped) {
          outcome = mapped.outcome;
          event = mapped.event;
        }
      }
      const statuses = l.stcs.map((stc): StatusReport => {
        const [first, ...more] = stc.codes;
        return {
          level: stc.level,
          traceNumber: l.trace,
          patientControlNumber: l.level === 'batch' ? null : patientControlNumber,
          payerClaimNumber: l.level === 'batch' ? null : l.payerClaimNumber,
          category: first?.category ?? '',
          status: first?.status ?? null,
          entity: first?.entity ?? null,
          additionalStatuses: more,
          ...(stc.level === 'claim' ? outcome : { eventType: null }),
        };
      });
      return event ? { statuses, event } : { statuses };
    };
    return { details: { statuses: [] }, listKey: 'statuses', entries };
  }

  discard(): void {
    this.pending.discard();
  }
}

/** Maps a 277 or 277CA as its segments come. */
export const status277Mapper = (header: TransactionHeader, ctx: MapContext, kind: '277' | '277CA'): SegmentMapper<Status277Report, StatusReport> => new Status277Mapper(header, ctx, kind);

/** A whole 277 or 277CA transaction. */
export const map277 = (t: Transaction, ctx: MapContext, kind: '277' | '277CA'): MappedPart<Status277Report> => mapWhole(status277Mapper(t, ctx, kind), t.segments);

interface ClaimFacts {
  readonly claimId: string;
  readonly payerClaimNumber: string | null;
  readonly fallbackDate: string | undefined;
  readonly base: (type: ClaimEventType, date: string | undefined) => Record<string, unknown>;
}

const codeText = (c: StatusCode): string => [c.category, c.status, c.entity].filter(Boolean).join(':');

/** The one event of a claim-level loop, validated; undefined when its statuses call for none. */
const claimEvent = (kind: '277' | '277CA', stcs: readonly Stc[], facts: ClaimFacts): ReturnType<typeof outcomeOf> | undefined => {
  const dateOf = (stc: Stc): string | undefined => x12Date(stc.date) ?? facts.fallbackDate;
  const payerClaimNumber = facts.payerClaimNumber ? { payerClaimNumber: facts.payerClaimNumber } : {};
  if (kind === '277') {
    const stc = stcs[0]!;
    const code = stc.codes[0];
    if (!code) return undefined;
    const payload = { claimId: facts.claimId, categoryCode: code.category, statusCode: code.status ?? '', ...payerClaimNumber, statusOn: dateOf(stc) };
    return outcomeOf('claim.status', { ...facts.base('claim.status', dateOf(stc)), payload });
  }
  const all = stcs.flatMap((stc) => stc.codes.map((code) => ({ stc, code })));
  const rejections = all.filter(({ code }) => rejected.has(code.category));
  if (rejections.length > 0) {
    const { stc, code } = rejections[0]!;
    // What the clearinghouse said (STC12) when it said it, and every rejection code: stored with the claim, never logged.
    const said = stcs.map((s) => s.said).find(Boolean);
    const codes = rejections.map(({ code: c }) => codeText(c)).join(', ');
    const described = statusCategories[code.category]?.description;
    const reason = (said ? `${said} (${codes})` : `rejected ${codes}${described ? `: ${described}` : ''}`).slice(0, 500);
    const payload = { claimId: facts.claimId, categoryCode: code.category, statusCode: code.status ?? '', reason, rejectedOn: dateOf(stc) };
    return outcomeOf('claim.rejected', { ...facts.base('claim.rejected', dateOf(stc)), payload });
  }
  const acceptance = all.find(({ code }) => accepted.has(code.category));
  if (!acceptance) return undefined;
  const { stc, code } = acceptance;
  const payload = { claimId: facts.claimId, categoryCode: code.category, statusCode: code.status ?? '', ...payerClaimNumber, acknowledgedOn: dateOf(stc) };
  return outcomeOf('claim.acknowledged', { ...facts.base('claim.acknowledged', dateOf(stc)), payload });
};
