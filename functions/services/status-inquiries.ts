// Automatic status checks: after each completed night, the open claims a fresh status would change are asked of their
// payers in one 276 interchange per receiver (clearinghouse), payers sharing a receiver in the same file
// (outbox/<tenant>/276/<date>-<control>.x12 in the X12 bucket, for the clearinghouse connector to collect); a 277
// echoing a trace marks its inquiry answered. Once per night and receiver, whatever redeliveries: the night's plan
// (control number and claims) is fixed in the table before the file is written.
import type { CalendarDate } from '../domain/calendar.js';
import { claimEvent, type ClaimEvent } from '../domain/claim-events.js';
import type { Claim } from '../domain/claim.js';
import {
  inquiryBatchIdOf,
  inquirySettingFor,
  maxClaimsPerInquiry,
  notFoundCategories,
  notFoundReason,
  outboxPrefix,
  receiversOf,
  selectForInquiry,
  traceOf,
  type InquiryCandidate,
} from '../domain/status-inquiry.js';
import type { FollowUpQueue, StatusInquirySetting } from '../domain/tenant-settings.js';
import type { TenantConfig } from '../shared/config-schema.js';
import type { ClaimStore } from '../store/claim-store.js';
import type { RunStore } from '../store/run-store.js';
import type { InquiryBatch, InquiryClaimRef, StatusInquiryStore } from '../store/status-inquiry-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import type { WorkItemStore } from '../store/work-item-store.js';
import type { X12Bucket } from '../store/x12-file-store.js';
import type { FileReport } from '../x12/file-report.js';
import type { Report277 } from '../x12/map-transaction.js';
import { write276, type InquiryClaim, type InquiryPayer } from '../x12/write-276.js';

export { outboxPrefix };
/**
 * Where a tenant's 276 file of a night waits for the clearinghouse connector. The control number is the tenant's
 * (one sequence for all receivers), so two receivers' files of one night never share a key.
 */
export const outboxKeyOf = (tenantId: string, date: CalendarDate, controlNumber: number): string =>
  `${outboxPrefix}${tenantId}/276/${date}-${String(controlNumber).padStart(9, '0')}.x12`;

/** Batch records stay small: at most this many claims per payer and night (the rest are asked the next night); a receiver's file holds its payers' claims. */
export const claimsPerBatch = Math.min(1_000, maxClaimsPerInquiry);

export interface StatusInquiryDeps {
  readonly runs: Pick<RunStore, 'get'>;
  readonly claims: Pick<ClaimStore, 'pageOpenClaims' | 'getMany'>;
  readonly workItems: Pick<WorkItemStore, 'getMany'>;
  readonly settings: Pick<TenantSettingsStore, 'get'>;
  readonly inquiries: StatusInquiryStore;
  readonly bucket: Pick<X12Bucket, 'put'>;
  readonly tenants: ReadonlyMap<string, TenantConfig>;
  /** ISA15: P in production, T on test systems. */
  readonly usage: 'P' | 'T';
  readonly now: () => string;
}

export interface InquiryOutcome {
  readonly batches: number;
  readonly claims: number;
}

const pageSize = 200;

/** A claim chosen tonight, and the queue of its open work item (the digest's "moved" compares with it). */
interface Chosen {
  readonly claim: Claim;
  readonly queue?: FollowUpQueue;
}

/** The candidates of the payers still to ask tonight, shard by shard, page by page: only the selected are kept. */
const selectTonight = async (deps: StatusInquiryDeps, tenantId: string, runDate: CalendarDate, shardCount: number, payers: readonly StatusInquirySetting[]): Promise<Map<string, Chosen[]>> => {
  const settings = { statusInquiries: payers.map((p) => ({ ...p, enabled: true })) };
  const chosen = new Map<string, Chosen[]>();
  for (let shard = 0; shard < shardCount; shard++) {
    let cursor: string | undefined;
    do {
      const page = await deps.claims.pageOpenClaims(tenantId, shard, pageSize, cursor);
      cursor = page.cursor;
      const claims = page.claims.map((s) => s.claim).filter((c) => inquirySettingFor(settings, c.payer.id));
      if (claims.length === 0) continue;
      const ids = claims.map((c) => c.claimId);
      const [items, asked] = await Promise.all([deps.workItems.getMany(tenantId, ids), deps.inquiries.lastAsked(tenantId, ids)]);
      const candidates: InquiryCandidate[] = claims.map((claim) => {
        const item = items.get(claim.claimId);
        const lastAskedOn = asked.get(claim.claimId);
        return { claim, ...(item?.status === 'open' ? { queue: item.queue } : {}), ...(lastAskedOn ? { lastAskedOn } : {}) };
      });
      for (const [payerId, selected] of selectForInquiry(candidates, settings, runDate)) {
        const list = chosen.get(payerId) ?? [];
        for (const c of selected) if (list.length < claimsPerBatch) list.push({ claim: c.claim, ...(c.queue ? { queue: c.queue } : {}) });
        chosen.set(payerId, list);
      }
    } while (cursor);
  }
  return chosen;
};

const inquiryClaimOf = (claim: Claim, trace: string): InquiryClaim => ({
  claimId: claim.claimId,
  trace,
  billingNpi: claim.billingNpi,
  patient: { lastName: claim.patient.lastName, firstName: claim.patient.firstName, memberId: claim.patient.memberId, dateOfBirth: claim.patient.dateOfBirth },
  ...(claim.subscriber ? { subscriber: { ...claim.subscriber, memberId: claim.patient.memberId } } : {}),
  serviceFrom: claim.serviceFrom,
  serviceThrough: claim.serviceThrough,
  chargeCents: claim.money.billedCents,
  ...(claim.payerClaimNumber ? { payerClaimNumber: claim.payerClaimNumber } : {}),
});

/** The practice's id at the clearinghouse: the setting's, else the tenant id's letters and digits. */
const submitterIdOf = (tenantId: string, setting: StatusInquirySetting): string =>
  setting.submitterId ?? (tenantId.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 15) || 'PRACTICE');

/**
 * After a completed night: one 276 per receiver with claims to ask (its payers' claims together), written to the
 * outbox and recorded. A night (and receiver) done before is not done again; one planned but interrupted is finished
 * with its own control number.
 */
export const sendStatusInquiries = async (deps: StatusInquiryDeps, tenantId: string, runDate: CalendarDate): Promise<InquiryOutcome> => {
  const tenant = deps.tenants.get(tenantId);
  if (!tenant) throw new Error('the status-inquiry message names a tenant this deployment does not serve');
  const run = await deps.runs.get(tenantId, runDate);
  if (run?.status !== 'complete') return { batches: 0, claims: 0 };
  const settings = await deps.settings.get(tenantId);
  const receivers = receiversOf(settings.statusInquiries);
  if (receivers.size === 0) return { batches: 0, claims: 0 };

  const nights = new Map(await Promise.all([...receivers.keys()].map(async (r) => [r, await deps.inquiries.night(tenantId, runDate, r)] as const)));
  const toSelect = [...receivers].filter(([r]) => nights.get(r) === undefined).flatMap(([, payers]) => payers);
  const chosen = toSelect.length > 0 ? await selectTonight(deps, tenantId, runDate, run.shardCount, toSelect) : new Map<string, Chosen[]>();

  let batches = 0;
  let claims = 0;
  for (const [receiverId, payers] of receivers) {
    let night = nights.get(receiverId);
    if (night?.status === 'done') continue;
    // The receiver's submitter id: the first of its payers to name one (one interchange has one sender).
    const submitter = payers.find((p) => p.submitterId) ?? payers[0]!;
    if (!night) {
      // One interchange holds at most maxClaimsPerInquiry claims: the rest of the receiver's are asked the next night.
      const selected = payers.flatMap((p) => (chosen.get(p.payerId) ?? []).map((c) => ({ ...c, payerId: p.payerId }))).slice(0, maxClaimsPerInquiry);
      if (selected.length === 0) {
        await deps.inquiries.planNight(tenantId, runDate, receiverId, { status: 'done', batchId: null, claims: [] });
        continue;
      }
      const controlNumber = await deps.inquiries.nextControlNumber(tenantId);
      const refs: InquiryClaimRef[] = selected.map((c, i) => ({ claimId: c.claim.claimId, trace: traceOf(receiverId, controlNumber, i + 1), payerId: c.payerId, ...(c.queue ? { queue: c.queue } : {}) }));
      const planned = { status: 'planned' as const, batchId: inquiryBatchIdOf(runDate, receiverId, controlNumber), controlNumber, createdAt: deps.now(), claims: refs };
      // Another delivery may have planned it first: then its plan stands (this control number is simply never used).
      night = (await deps.inquiries.planNight(tenantId, runDate, receiverId, planned)) ? planned : await deps.inquiries.night(tenantId, runDate, receiverId);
      if (!night || night.status === 'done') continue;
    }
    const { batchId, controlNumber, createdAt } = night;
    if (!batchId || controlNumber === undefined || !createdAt) continue;
    // The claims as they are now (a retry writes the same file: same claims, numbers and time).
    const stored = new Map((await deps.claims.getMany(tenantId, night.claims.map((c) => c.claimId))).map((s) => [s.claim.claimId, s.claim]));
    const asked = night.claims.filter((ref) => stored.has(ref.claimId));
    const fileKey = outboxKeyOf(tenantId, runDate, controlNumber);
    // Each payer in the order of the settings, with its claims in the order of the plan.
    const filePayers: InquiryPayer[] = payers
      .map((setting) => {
        const refs = asked.filter((ref) => ref.payerId === setting.payerId);
        const name = stored.get(refs[0]?.claimId ?? '')?.payer.name ?? setting.payerId;
        return { id: setting.payerId, name, claims: refs.map((ref) => inquiryClaimOf(stored.get(ref.claimId)!, ref.trace)) };
      })
      .filter((p) => p.claims.length > 0);
    if (filePayers.length > 0) {
      const text = write276({
        interchangeControlNumber: controlNumber,
        groupControlNumber: controlNumber,
        senderId: submitterIdOf(tenantId, submitter),
        receiverId,
        payers: filePayers,
        providerName: tenant.name,
        reference: batchId,
        createdAt,
        usage: deps.usage,
      });
      await deps.bucket.put(fileKey, text, 'application/edi-x12');
      const batch: InquiryBatch = {
        tenantId,
        batchId,
        date: runDate,
        payers: filePayers.map((p) => ({ payerId: p.id, payerName: p.name, claimCount: p.claims.length })),
        receiverId,
        controlNumber,
        fileKey,
        createdAt,
        claims: asked,
        claimCount: asked.length,
        answeredCount: 0,
      };
      await deps.inquiries.saveBatch(batch);
      batches += 1;
      claims += asked.length;
    }
    await deps.inquiries.finishNight(tenantId, runDate, receiverId);
  }
  return { batches, claims };
};

// ---- 277 answers ----

export interface InquiryAnswers {
  /** Claim-level statuses whose trace matched an inquiry (each trace counts once per file). */
  readonly statusInquiriesAnswered: number;
  /** Claim-level 277 statuses whose trace matched no inquiry (applied by claim id, as any 277). */
  readonly unmatchedTraceCount: number;
  /** Events beyond the 277's own: "not found" answers as rejections, and statuses for claims named only by our trace. */
  readonly events: number;
}

/** Events take effect at noon of their date; these follow the 277's own status of the same day. */
const justAfterNoon = (date: CalendarDate): string => `${date}T12:00:01Z`;

/**
 * The 277 transactions of a file, after its events were sent: each claim-level status whose trace (TRN02) is one of
 * our 276 traces marks that inquiry answered. A "not found" answer (A3, A4, A6-A8: the payer has no such claim, or
 * returned it) sends a claim.rejected, so the claim goes to the rejections queue with the advice to resubmit. A 277
 * that gives only our trace (no REF*EJ) has its status sent again for the claim the trace names.
 */
export const answerStatusInquiries = async (
  deps: { readonly inquiries: Pick<StatusInquiryStore, 'trace' | 'markAnswered'>; readonly sendEvents: (events: readonly ClaimEvent[]) => Promise<void> },
  tenantId: string,
  report: FileReport,
  receivedAt: string,
  receivedOn: CalendarDate,
): Promise<InquiryAnswers> => {
  let answered = 0;
  let unmatched = 0;
  const events: ClaimEvent[] = [];
  const seen = new Set<string>();
  const statuses = report.transactions
    .filter((t): t is Report277 => t.type === '277' && t.status === 'accepted' && Array.isArray((t as Partial<Report277>).statuses))
    .flatMap((t) => t.statuses.filter((s) => s.level === 'claim' && s.traceNumber).map((s) => ({ s, t })));
  for (const { s } of statuses) {
    const traceNumber = s.traceNumber!;
    if (seen.has(traceNumber)) continue;
    seen.add(traceNumber);
    const trace = await deps.inquiries.trace(tenantId, traceNumber);
    if (!trace) {
      unmatched += 1;
      continue;
    }
    if (await deps.inquiries.markAnswered(tenantId, trace, receivedAt)) answered += 1;
    const idOf = (what: string): string => `276-${what}-${traceNumber}`.slice(0, 128);
    const base = { tenantId, source: 'x12', schemaVersion: 1 as const, occurredAt: justAfterNoon(receivedOn) };
    if (s.patientControlNumber !== trace.claimId && s.eventType === 'claim.status') {
      // The 277 named the claim by our trace alone: the status belongs to the claim the trace was sent for.
      const parsed = claimEvent.safeParse({
        ...base,
        eventId: idOf('status'),
        type: 'claim.status',
        occurredAt: `${receivedOn}T12:00:00Z`,
        payload: { claimId: trace.claimId, categoryCode: s.category, statusCode: s.status ?? '', ...(s.payerClaimNumber ? { payerClaimNumber: s.payerClaimNumber } : {}), statusOn: receivedOn },
      });
      if (parsed.success) events.push(parsed.data);
    }
    if (notFoundCategories.has(s.category)) {
      const parsed = claimEvent.safeParse({
        ...base,
        eventId: idOf('notfound'),
        type: 'claim.rejected',
        payload: { claimId: trace.claimId, categoryCode: s.category, statusCode: s.status ?? '0', reason: notFoundReason(s.category, s.status), rejectedOn: receivedOn },
      });
      if (parsed.success) events.push(parsed.data);
    }
  }
  if (events.length > 0) await deps.sendEvents(events);
  return { statusInquiriesAnswered: answered, unmatchedTraceCount: unmatched, events: events.length };
};
