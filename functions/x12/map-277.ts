// Maps one 277 claim status response (005010X212) or 277CA claim acknowledgment (005010X214) to claim events and
// its part of the file report: claim-level statuses become events, line- and batch-level ones are reported only.
import { acceptedCategories, rejectedCategories } from '../domain/codes.js';
import statusCategoryList from '../domain/code-lists/claim-status-category.json' with { type: 'json' };
import type { ClaimEvent, ClaimEventType } from '../domain/claim-events.js';
import { element, envelopeOf, eventIdOf, outcomeOf, x12Date, type EventOutcome, type MapContext, type MappedPart } from './map-835.js';
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

interface Stc {
  readonly segment: Segment;
  readonly codes: StatusCode[];
  readonly level: StatusLevel;
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
 */
export const map277 = (t: Transaction, ctx: MapContext, kind: '277' | '277CA'): MappedPart<Status277Report> => {
  const d = t.delimiters;
  let created: string | undefined;
  let hlLevel = '';
  let loop: StatusLoop | undefined;
  const loops: StatusLoop[] = [];
  const startLoop = (level: 'claim' | 'batch'): StatusLoop => {
    loop = { level, trace: null, patientControlNumber: null, payerClaimNumber: null, inLine: false, stcs: [] };
    loops.push(loop);
    return loop;
  };
  const codeOf = (composite: string): StatusCode | undefined => {
    const [category = '', status = '', entity = ''] = components(composite, d);
    return category ? { category, status: status || null, entity: entity || null } : undefined;
  };

  for (const s of t.segments) {
    switch (s.id) {
      case 'BHT':
        created = x12Date(element(s, 4));
        break;
      case 'HL':
        hlLevel = element(s, 3);
        loop = undefined;
        break;
      case 'TRN':
        startLoop(claimLevels.has(hlLevel) ? 'claim' : 'batch').trace = element(s, 2) || null;
        break;
      case 'STC': {
        const here = loop ?? startLoop(claimLevels.has(hlLevel) ? 'claim' : 'batch');
        const codes = [1, 10, 11].map((i) => codeOf(element(s, i))).filter((c): c is StatusCode => c !== undefined);
        here.stcs.push({ segment: s, codes, level: here.level === 'batch' ? 'batch' : here.inLine ? 'line' : 'claim' });
        break;
      }
      case 'REF':
        if (loop && !loop.inLine) {
          const qualifier = element(s, 1);
          if (qualifier === '1K') loop.payerClaimNumber = element(s, 2) || null;
          if (qualifier === 'EJ') loop.patientControlNumber = element(s, 2) || null;
        }
        break;
      case 'SVC':
        if (loop) loop.inLine = true;
        break;
      default:
        break;
    }
  }

  const events: ClaimEvent[] = [];
  const statuses: StatusReport[] = [];
  loops.forEach((l, index) => {
    const patientControlNumber = kind === '277CA' ? l.trace : (l.patientControlNumber ?? l.trace);
    const claimStcs = l.stcs.filter((stc) => stc.level === 'claim');
    let outcome: EventOutcome = { eventType: null };
    if (l.level === 'claim' && claimStcs.length > 0) {
      const mapped = claimEvent(kind, claimStcs, {
        claimId: patientControlNumber ?? '',
        payerClaimNumber: l.payerClaimNumber,
        fallbackDate: created,
        base: (type, date) => envelopeOf(ctx, eventIdOf(kind, t, index + 1), type, date),
      });
      if (mapped) {
        outcome = mapped.outcome;
        if (mapped.event) events.push(mapped.event);
      }
    }
    for (const stc of l.stcs) {
      const [first, ...more] = stc.codes;
      statuses.push({
        level: stc.level,
        traceNumber: l.trace,
        patientControlNumber: l.level === 'batch' ? null : patientControlNumber,
        payerClaimNumber: l.level === 'batch' ? null : l.payerClaimNumber,
        category: first?.category ?? '',
        status: first?.status ?? null,
        entity: first?.entity ?? null,
        additionalStatuses: more,
        ...(stc.level === 'claim' ? outcome : { eventType: null }),
      });
    }
  });
  return { details: { statuses }, events };
};

interface ClaimFacts {
  readonly claimId: string;
  readonly payerClaimNumber: string | null;
  readonly fallbackDate: string | undefined;
  readonly base: (type: ClaimEventType, date: string | undefined) => Record<string, unknown>;
}

const codeText = (c: StatusCode): string => [c.category, c.status, c.entity].filter(Boolean).join(':');

/** The one event of a claim-level loop, validated; undefined when its statuses call for none. */
const claimEvent = (kind: '277' | '277CA', stcs: readonly Stc[], facts: ClaimFacts): ReturnType<typeof outcomeOf> | undefined => {
  const dateOf = (stc: Stc): string | undefined => x12Date(element(stc.segment, 2)) ?? facts.fallbackDate;
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
    const said = stcs.map((s) => element(s.segment, 12)).find(Boolean);
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
