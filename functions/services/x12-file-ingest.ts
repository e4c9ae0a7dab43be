// The unit of work of the ingest-x12-file consumer: an S3 notification names files dropped at inbox/<tenant>/<name>;
// each is read as it streams (never whole in memory), mapped to its report and claim events, the events sent to the
// ingest queue ten per request, and the report (S3 and the table) and the 835 remittances recorded. Beyond the
// events: the claims of each 837 set are kept for its 999, whose rejections send claim.rejected; 835 lines for claims
// the tenant does not hold open unmatched-remittance work items; 277CA batch-level and 999 rejections alert the
// managers. The same file dropped again changes nothing: its report, keyed by the SHA-256 of its bytes, is found.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CalendarDate } from '../domain/calendar.js';
import { claimId as claimIdSchema, type ClaimEvent } from '../domain/claim-events.js';
import { isClaim } from '../domain/claim.js';
import { rejectedCategories } from '../domain/codes.js';
import { unmatchedRemittancePlan, type UnmatchedRemittanceLine } from '../domain/unmatched-remittance.js';
import { tenantIdSchema } from '../shared/config-schema.js';
import { PermanentError, TransientError } from '../shared/errors.js';
import type { NotificationMessage } from '../shared/messages.js';
import { sendMessages } from '../shared/queue-sender.js';
import { reportObjectKey, x12Bucket } from '../shared/resources.js';
import { ClaimStore } from '../store/claim-store.js';
import { unattributedTenant } from '../store/keys.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { samePlan, type WorkItemStore } from '../store/work-item-store.js';
import type { BatchClaims, FileReportSummary, Remittance, X12Bucket, X12FileStore } from '../store/x12-file-store.js';
import { FileReportBuilder, type FileReport, type FileResult } from '../x12/file-report.js';
import type { AcknowledgmentReport } from '../x12/map-999.js';
import { envelopeOf, validateEvent, type MapContext } from '../x12/map-835.js';
import type { Report277, Report835, Report837, Report999, TransactionReport } from '../x12/map-transaction.js';
import { readX12 } from '../x12/reader.js';
import type { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { answerStatusInquiries } from './status-inquiries.js';

// ---- The S3 notification ----

const s3Record = z.object({
  eventName: z.string(),
  eventTime: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string(), size: z.number().optional(), versionId: z.string().optional() }),
  }),
});
export type S3NotificationRecord = z.infer<typeof s3Record>;
const s3Notification = z.object({ Records: z.array(s3Record) });
/** What S3 sends once when a notification is configured: nothing to read. */
const s3TestEvent = z.object({ Event: z.literal('s3:TestEvent') });

/** S3 event keys are URL-encoded with spaces as '+'. */
export const decodeEventKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));
export const encodeEventKey = (key: string): string =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');

/**
 * The message S3 sends to the x12 queue when an object is created (the fields this consumer reads, in S3's shape).
 * The local runtime sends it itself after putting a file in the emulated bucket, which sends no notifications.
 */
export const s3NotificationOf = (bucket: string, key: string, object: { size?: number; versionId?: string; eventTime?: string } = {}): string =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventTime: object.eventTime ?? new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeEventKey(key), ...(object.size !== undefined ? { size: object.size } : {}), ...(object.versionId ? { versionId: object.versionId } : {}) },
        },
      },
    ],
  });

// ---- Reading a file ----

export interface ReadOptions {
  /** Hears how many bytes were read so far (a progress bar). */
  readonly onBytes?: (bytes: number) => void;
  /**
   * Takes the events of each transaction as soon as it is mapped, so they are not held until the end (a large file's
   * events would be); without it they are all in the result.
   */
  readonly onEvents?: (events: ClaimEvent[]) => Promise<void>;
}

/**
 * Reads an X12 file from its byte chunks as they come: its report (sha256 and size of the raw bytes, known at the
 * end) and the events of its accepted transactions, in file order.
 */
export const readX12File = async (
  file: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ctx: MapContext,
  options: ReadOptions = {},
): Promise<FileResult & { readonly eventCount: number }> => {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      options.onBytes?.(bytes);
      yield chunk;
    }
  }
  const builder = new FileReportBuilder({ file, sha256: '', bytes: 0 }, ctx);
  let eventCount = 0;
  for await (const item of readX12(counted())) {
    builder.add(item);
    if (!options.onEvents) continue;
    const events = builder.takeEvents();
    eventCount += events.length;
    if (events.length > 0) await options.onEvents(events);
  }
  const result = builder.result({ file, sha256: hash.digest('hex'), bytes });
  return { ...result, eventCount: eventCount + result.events.length };
};

const digestOf = async (chunks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; bytes: number }> => {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
};

/** The report of a file refused before it was read (its tenant is not served): no transaction, one file error. */
export const refusedFileReport = (file: string, sha256: string, bytes: number, reason: string): FileReport => ({
  file,
  sha256,
  bytes,
  status: 'refused',
  errors: [{ segment: '', segmentNumber: 0, offset: 0, reason, severity: 'error' }],
  transactions: [],
});

// ---- What is recorded ----

const is835WithPayment = (t: TransactionReport): t is Report835 => t.type === '835' && typeof (t as Partial<Report835>).paymentCents === 'number';

/** Opaque, stable id of a remittance: from its envelope's control numbers, as its claims' event ids are. */
/** A remittance is its payment (payer, trace, date, amount: `paymentKey`), whichever envelope or file brought it. */
export const remittanceIdOf = (t: Pick<Report835, 'paymentKey'>): string => `remit-${createHash('sha256').update(`x12:835:${t.paymentKey}`).digest('hex').slice(0, 32)}`;

/** Every 835 of the report whose payment could be read (accepted, or refused as unbalanced), as remittance records. */
export const remittancesOf = (tenantId: string, report: FileReport, receivedAt: string): Remittance[] =>
  report.transactions.filter(is835WithPayment).map((t) => ({
    header: {
      tenantId,
      remitId: remittanceIdOf(t),
      listedOn: t.paymentDate ?? t.remitDate ?? receivedAt.slice(0, 10),
      paymentDate: t.paymentDate,
      remitDate: t.remitDate,
      payer: t.payer,
      payee: t.payee,
      traceNumber: t.traceNumber,
      paymentCents: t.paymentCents,
      paymentMethod: t.paymentMethod,
      handlingCode: t.handlingCode,
      balanced: t.balanced,
      imbalanceCents: t.imbalanceCents,
      status: t.status,
      reason: t.reason,
      claimCount: t.claims.length,
      paidCents: t.claims.reduce((sum, c) => sum + c.paidCents, 0),
      providerAdjustments: t.providerAdjustments,
      interchangeControlNumber: t.interchangeControlNumber,
      groupControlNumber: t.groupControlNumber,
      controlNumber: t.controlNumber,
      fileSha256: report.sha256,
      receivedAt,
    },
    claims: t.claims.map((c, i) => ({
      position: i + 1,
      patientControlNumber: c.patientControlNumber,
      statusCode: c.statusCode,
      chargeCents: c.chargeCents,
      paidCents: c.paidCents,
      patientResponsibilityCents: c.patientResponsibilityCents,
      payerClaimNumber: c.payerClaimNumber,
      adjustmentCentsByGroup: c.adjustmentCentsByGroup,
      reversal: c.reversal,
      eventType: c.eventType,
      ...(c.eventId !== undefined ? { eventId: c.eventId } : {}),
      ...(c.refused !== undefined ? { refused: c.refused } : {}),
    })),
  }));

/**
 * The report's summary. Its remittance figures (the digest's remittances received) leave out the 835s recorded before
 * by another file (`recordedBefore`: the same remittance sent again), so each remittance counts once.
 */
export const summaryOf = (report: FileReport, eventCount: number, remittanceCount: number, unmatchedClaimCount = 0, recordedBefore: ReadonlySet<string> = new Set()): FileReportSummary => {
  const remits = report.transactions.filter((t) => t.type === '835' && !(is835WithPayment(t) && recordedBefore.has(remittanceIdOf(t))));
  return {
    file: report.file,
    sha256: report.sha256,
    bytes: report.bytes,
    status: report.status,
    errorCount: report.errors.length,
    transactionCount: report.transactions.length,
    refusedTransactionCount: report.transactions.filter((t) => t.status === 'refused').length,
    types: [...new Set(report.transactions.map((t) => t.type))],
    eventCount,
    remittanceCount,
    remittanceTransactionCount: remits.length,
    remittanceCents: remits.filter((t): t is Report835 => t.status === 'accepted' && is835WithPayment(t)).reduce((sum, t) => sum + t.paymentCents, 0),
    refusedRemittanceCount: remits.filter((t) => t.status === 'refused').length,
    unmatchedClaimCount,
  };
};

// ---- 837 batches and their 999 acknowledgments ----

/** The claims each accepted 837 transaction set carried (those whose claim.submitted was sent), for its 999. */
export const batchesOf = (report: FileReport, receivedAt: string, submittedOnOf: (eventId: string) => string | undefined): BatchClaims[] =>
  report.transactions
    .filter((t): t is Report837 => (t.type === '837P' || t.type === '837I') && t.status === 'accepted' && Array.isArray((t as Partial<Report837>).claims))
    .map((t) => {
      const sent = t.claims.filter((c) => c.eventId !== undefined);
      const first = sent.find((c) => submittedOnOf(c.eventId!) !== undefined);
      return {
        groupControlNumber: t.groupControlNumber,
        setControlNumber: t.controlNumber,
        interchangeControlNumber: t.interchangeControlNumber,
        claimIds: sent.map((c) => c.patientControlNumber),
        submittedOn: first ? submittedOnOf(first.eventId!)! : null,
        fileSha256: report.sha256,
        receivedAt,
      };
    });

/** A 999 acknowledgment, and what it did to the claims of the 837 set (or group) it speaks of. */
export interface AcknowledgmentOutcome extends AcknowledgmentReport {
  /** Claims of the acknowledged set (a group entry: of all its sets) received in 837 copies; null when none was. */
  readonly claims: number | null;
  /** claim.rejected events sent for it (a claim of a rejected set and of its rejected group counts on the set). */
  readonly claimsRejected: number;
}

/** A 999's line of the file report, with what its acknowledgments found. */
export type Report999Outcome = Omit<Report999, 'acknowledgments'> & {
  readonly acknowledgments: AcknowledgmentOutcome[];
  /** The sets and groups it acknowledges of which no 837 copy was received: their claims are not known here. */
  readonly unknownSets: Array<{ readonly groupControlNumber: string | null; readonly setControlNumber: string | null }>;
};

/** IK5 A/E accept a set; AK9 A/E accept a group, P accepts part of it (its IK5s say which). Anything else rejects. */
export const rejects = (ack: AcknowledgmentReport): boolean => !ack.accepted && !(ack.level === 'group' && ack.code === 'P');

/**
 * 999 rejections put each known claim of the batch in the rejections queue: a claim.rejected from the 999 (277CA
 * category A3, "returned as unprocessable": the claim never reached adjudication; status 21, missing or invalid
 * information), dated the day its 837 batch was sent (BHT04: the 999 answers that batch, and the set itself carries no
 * date), else the day the 999 arrived. Event ids derive from the 999's control numbers and the claim.
 */
export const rejectionEvent = (tenantId: string, t: Report999, claimId: string, rejectedOn: CalendarDate, ack: AcknowledgmentReport) => {
  const eventId = `x12-${createHash('sha256').update(`x12:999:${t.interchangeControlNumber}:${t.groupControlNumber}:${t.controlNumber}:${claimId}`).digest('hex').slice(0, 40)}`;
  const what = ack.level === 'set' ? `transaction set ${ack.setControlNumber} of group ${ack.groupControlNumber}, IK5 ${ack.code}` : `group ${ack.groupControlNumber}, AK9 ${ack.code}`;
  const errors = ack.errorCodes.length ? ` (syntax error codes ${ack.errorCodes.join(', ')})` : '';
  const reason = `the clearinghouse rejected the 837 batch (999): ${what}${errors}; fix the batch and send the claim again`.slice(0, 500);
  return validateEvent({ ...envelopeOf({ tenantId }, eventId, 'claim.rejected', rejectedOn), payload: { claimId, categoryCode: 'A3', statusCode: '21', reason, rejectedOn } });
};

/**
 * Every accepted 999 of the report: each acknowledgment looked up against the 837 sets received (a group's every set
 * for a group entry), claim.rejected sent for the claims of each rejected one, and the 999's report line completed
 * with what was found (claims known per acknowledgment, and the sets of which no 837 copy was received).
 */
export const applyAcknowledgments = async (
  deps: Pick<X12FileIngestDeps, 'files' | 'sendEvents'>,
  tenantId: string,
  report: FileReport,
  receivedOn: CalendarDate,
): Promise<{ readonly report: FileReport; readonly events: number; readonly rejectedSets: number }> => {
  let events = 0;
  let rejectedSets = 0;
  const transactions: TransactionReport[] = [];
  for (const t of report.transactions) {
    if (t.type !== '999' || t.status !== 'accepted' || !Array.isArray((t as Partial<Report999>).acknowledgments)) {
      transactions.push(t);
      continue;
    }
    const ack999 = t as Report999;
    const groups = new Map<string, BatchClaims[]>();
    for (const gs06 of new Set(ack999.acknowledgments.map((a) => a.groupControlNumber).filter((g): g is string => g !== null))) {
      groups.set(gs06, await deps.files.batches(tenantId, gs06));
    }
    const rejected = new Map<string, ClaimEvent>();
    const acknowledgments = ack999.acknowledgments.map((ack): AcknowledgmentOutcome => {
      const sets = (ack.groupControlNumber === null ? [] : (groups.get(ack.groupControlNumber) ?? [])).filter((b) => ack.level === 'group' || b.setControlNumber === ack.setControlNumber);
      const known = ack.groupControlNumber !== null && sets.length > 0;
      let claimsRejected = 0;
      if (rejects(ack)) {
        rejectedSets++;
        for (const set of sets) {
          for (const claimId of set.claimIds) {
            if (rejected.has(claimId)) continue;
            const validated = rejectionEvent(tenantId, ack999, claimId, set.submittedOn ?? receivedOn, ack);
            if (!validated.ok) continue;
            rejected.set(claimId, validated.event);
            claimsRejected++;
          }
        }
      }
      return { ...ack, claims: known ? sets.reduce((n, b) => n + b.claimIds.length, 0) : null, claimsRejected };
    });
    const unknownSets = acknowledgments.filter((a) => a.claims === null).map((a) => ({ groupControlNumber: a.groupControlNumber, setControlNumber: a.setControlNumber }));
    if (rejected.size > 0) await deps.sendEvents([...rejected.values()]);
    events += rejected.size;
    const line: Report999Outcome = { ...ack999, acknowledgments, unknownSets };
    transactions.push(line as TransactionReport);
  }
  return { report: { ...report, transactions }, events, rejectedSets };
};

// ---- 277CA batch-level rejections ----

const rejectedCategory: ReadonlySet<string> = new Set(rejectedCategories);

/** 277CA statuses at batch level (receiver or provider HL) that reject: no claim event can carry them. */
export const batchRejectionsOf = (report: FileReport): number =>
  report.transactions
    .filter((t): t is Report277 => t.type === '277CA' && t.status === 'accepted' && Array.isArray((t as Partial<Report277>).statuses))
    .flatMap((t) => t.statuses)
    .filter((s) => s.level === 'batch' && [s.category, ...s.additionalStatuses.map((a) => a.category)].some((c) => rejectedCategory.has(c))).length;

// ---- Unmatched remittances ----

/** Claim ids are read in slices, so a remittance of many thousand claims never holds them all at once. */
const claimReadSlice = 1_000;
/** Items opened or updated at once. */
const itemConcurrency = 8;
/** Lost races on one item before the file is retried (by the queue) as a whole. */
const itemTries = 3;

/**
 * The lines of the accepted 835s whose claim the tenant does not hold, by claim id (ids no claim can have under ''),
 * and how many there are (those of remittances another file recorded before left out).
 */
export const unmatchedLinesOf = async (
  claims: Pick<ClaimStore, 'currents'>,
  tenantId: string,
  report: FileReport,
  remitDateFallback: CalendarDate,
  recordedBefore: ReadonlySet<string> = new Set(),
): Promise<{ readonly byClaim: Map<string, UnmatchedRemittanceLine[]>; readonly count: number }> => {
  const lines: Array<{ claimId: string; line: UnmatchedRemittanceLine }> = [];
  for (const t of report.transactions) {
    if (t.type !== '835' || t.status !== 'accepted' || !is835WithPayment(t)) continue;
    const remitId = remittanceIdOf(t);
    t.claims.forEach((c, i) => {
      lines.push({
        claimId: c.patientControlNumber,
        line: {
          remitId,
          position: i + 1,
          payerId: t.payer.id,
          payerName: t.payer.name,
          traceNumber: t.traceNumber,
          paidCents: c.paidCents,
          remitDate: t.remitDate ?? t.paymentDate ?? remitDateFallback,
          statusCode: c.statusCode,
        },
      });
    });
  }
  const ids = [...new Set(lines.map((l) => l.claimId))].filter((id) => claimIdSchema.safeParse(id).success);
  const held = new Set<string>();
  for (let start = 0; start < ids.length; start += claimReadSlice) {
    const slice = ids.slice(start, start + claimReadSlice);
    const records = await claims.currents(slice.map((claimId) => ({ tenantId, claimId })));
    for (const id of slice) if (isClaim(records.get(ClaimStore.recordKey(tenantId, id))?.state)) held.add(id);
  }
  const byClaim = new Map<string, UnmatchedRemittanceLine[]>();
  let count = 0;
  for (const { claimId, line } of lines) {
    if (held.has(claimId)) continue;
    if (!recordedBefore.has(line.remitId)) count++;
    const key = claimIdSchema.safeParse(claimId).success ? claimId : '';
    byClaim.set(key, [...(byClaim.get(key) ?? []), line]);
  }
  return { byClaim, count };
};

/**
 * Opens (or adds the new lines to) each unknown claim id's unmatched-remittance item, through the work-item store, so
 * the queue's totals move in the same transaction. An id whose item is the claim's own work (another queue) is left
 * alone. When the claim arrives, its remittance (waiting in its history) applies, and the night that visits it
 * replaces the item with the claim's own plan, or closes it; a claim settled at once is never visited, so the
 * notifications after the next night close its item (services/notifications.ts).
 */
export const openUnmatchedItems = async (
  deps: Pick<X12FileIngestDeps, 'workItems' | 'settings'>,
  tenantId: string,
  byClaim: ReadonlyMap<string, readonly UnmatchedRemittanceLine[]>,
  on: CalendarDate,
): Promise<void> => {
  const claimIds = [...byClaim.keys()].filter((id) => id !== '');
  if (claimIds.length === 0) return;
  const settings = await deps.settings.get(tenantId);
  /** True once the item says what the lines say (or is the claim's own work, left alone); false after lost races. */
  const settle = async (claimId: string, lines: readonly UnmatchedRemittanceLine[]): Promise<boolean> => {
    for (let attempt = 0; attempt < itemTries; attempt++) {
      const item = (await deps.workItems.getMany(tenantId, [claimId])).get(claimId);
      if (item?.status === 'open' && item.queue !== 'unmatched-remittance') return true;
      const plan = unmatchedRemittancePlan(lines, item?.status === 'open' ? item.reasons : [], settings);
      if (item?.status === 'open' ? samePlan(item, plan) || (await deps.workItems.update(item, plan, on)) : await deps.workItems.open(tenantId, claimId, plan, on, item)) return true;
    }
    return false;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < claimIds.length) {
      const claimId = claimIds[next++]!;
      if (!(await settle(claimId, byClaim.get(claimId)!))) throw new TransientError('an unmatched-remittance item kept losing its write; the file will be read again');
    }
  };
  await Promise.all(Array.from({ length: Math.min(itemConcurrency, claimIds.length) }, worker));
};

// ---- Sending ----

/** Events gathered while a file is read before they are sent. */
const sendAtOnce = 2_000;
/** Events per sendMessages call, and how many such calls run at once (each sends ten per request). */
const sendSlice = 100;
const sendConcurrency = 4;

/** Sends claim events to the ingest queue, ten per SendMessageBatch, a few requests at once. */
export const sendClaimEvents = async (client: SQSClient, queueUrl: string, events: readonly ClaimEvent[]): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      const start = next;
      next += sendSlice;
      await sendMessages(client, queueUrl, events.slice(start, start + sendSlice));
    }
  };
  await Promise.all(Array.from({ length: Math.min(sendConcurrency, Math.ceil(events.length / sendSlice)) }, worker));
};

// ---- The unit of work ----

export interface X12FileIngestDeps {
  readonly bucket: X12Bucket;
  readonly files: X12FileStore;
  /** Sends the claim events of a file to the ingest queue. */
  readonly sendEvents: (events: readonly ClaimEvent[]) => Promise<void>;
  /** Whether the tenant is one this deployment serves. */
  readonly isKnownTenant: (tenantId: string) => boolean;
  /** The tenant's local date at an instant (work items and fallback dates are the tenant's days). */
  readonly localDate: (tenantId: string, at: string) => CalendarDate;
  /** The claims the tenant holds: a remittance line for any other goes to the unmatched-remittance queue. */
  readonly claims: Pick<ClaimStore, 'currents'>;
  readonly workItems: Pick<WorkItemStore, 'getMany' | 'open' | 'update'>;
  readonly settings: Pick<TenantSettingsStore, 'get'>;
  /** Puts a message on the notification queue (the managers' batch-rejected alert). */
  readonly notify: (message: NotificationMessage) => Promise<void>;
  /** When a notification does not say when the file arrived. */
  readonly now: () => string;
  /** Our 276 status inquiries: a 277 echoing one of their traces answers it. */
  readonly inquiries?: Pick<StatusInquiryStore, 'trace' | 'markAnswered'>;
}

/** What became of one object; safe to log (no key, no file name, no content). */
export type FileOutcome =
  | { readonly outcome: 'ignored'; readonly reason: 'not-object-created' | 'other-bucket' | 'not-in-inbox' | 'object-gone' }
  | {
      /** ingested: read and recorded; duplicate: the same bytes were recorded before; refused-tenant: not read. */
      readonly outcome: 'ingested' | 'duplicate' | 'refused-tenant';
      readonly tenantId: string;
      readonly sha256: string;
      readonly bytes: number;
      readonly status: FileReport['status'];
      readonly transactions: number;
      readonly refusedTransactions: number;
      readonly events: number;
    };

/** `inbox/<tenant>/<name>` → its parts; undefined for any other key (reports, folder markers). */
export const inboxPlaceOf = (key: string): { tenant: string; name: string } | undefined => {
  if (!key.startsWith(x12Bucket.inboxPrefix) || key.endsWith('/')) return undefined;
  const rest = key.slice(x12Bucket.inboxPrefix.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { tenant: '', name: rest } : { tenant: rest.slice(0, slash), name: rest.slice(slash + 1) };
};

const receivedAtOf = (record: S3NotificationRecord, now: () => string): string => {
  const at = record.eventTime ? Date.parse(record.eventTime) : Number.NaN;
  return Number.isNaN(at) ? now() : new Date(at).toISOString();
};

/** Reads, maps and records one created object of the inbox. */
export const ingestX12Object = async (deps: X12FileIngestDeps, record: S3NotificationRecord): Promise<FileOutcome> => {
  if (!record.eventName.startsWith('ObjectCreated:')) return { outcome: 'ignored', reason: 'not-object-created' };
  if (record.s3.bucket.name !== deps.bucket.bucket) return { outcome: 'ignored', reason: 'other-bucket' };
  const key = decodeEventKey(record.s3.object.key);
  const place = inboxPlaceOf(key);
  if (!place) return { outcome: 'ignored', reason: 'not-in-inbox' };
  const versionId = record.s3.object.versionId;
  const body = await deps.bucket.open(key, versionId);
  if (!body) return { outcome: 'ignored', reason: 'object-gone' };

  const namesTenant = tenantIdSchema.safeParse(place.tenant).success;
  if (!namesTenant || !deps.isKnownTenant(place.tenant)) {
    // Not read, nothing sent; the report is stored for whoever dropped it, but not recorded in the table, so the same
    // file is read in full once the tenant is served.
    const { sha256, bytes } = await digestOf(body);
    const report = refusedFileReport(
      place.name,
      sha256,
      bytes,
      namesTenant ? `tenant ${place.tenant} is not one this deployment serves` : 'the key names no tenant: files go to inbox/<tenant>/<name>',
    );
    const tenantId = namesTenant ? place.tenant : unattributedTenant;
    await deps.bucket.put(reportObjectKey(tenantId, sha256), JSON.stringify(report), 'application/json');
    return { outcome: 'refused-tenant', tenantId, sha256, bytes, status: report.status, transactions: 0, refusedTransactions: 0, events: 0 };
  }

  const tenantId = place.tenant;
  // First the digest alone: a file recorded before is not read or sent again.
  const { sha256 } = await digestOf(body);
  const existing = await deps.files.report(tenantId, sha256);
  if (existing) {
    return { outcome: 'duplicate', tenantId, sha256, bytes: existing.bytes, status: existing.status, transactions: existing.transactionCount, refusedTransactions: existing.refusedTransactionCount, events: 0 };
  }
  const again = await deps.bucket.open(key, versionId);
  if (!again) return { outcome: 'ignored', reason: 'object-gone' };

  // Order matters for retries: the table's report item is written last and marks the file done; everything before it
  // is safe to repeat (event ids are deterministic, remittances are written once, batches and unmatched lines are
  // written as the same items again, the alert is sent once per file and recipient, the S3 report is overwritten).
  // Events go out as the file is read, a few thousand at a time, so a large file's events are never all held.
  const pending: ClaimEvent[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length > 0) await deps.sendEvents(pending.splice(0, pending.length));
  };
  // The date of each 837 set (BHT04), by its first claim's event: a 999 answering the set dates its rejections by it.
  const submittedOn = new Map<string, string>();
  const { report: read, eventCount: readEvents } = await readX12File(place.name, again, { tenantId }, {
    onEvents: async (events) => {
      const first = events[0];
      if (first?.type === 'claim.submitted') submittedOn.set(first.eventId, first.payload.submittedOn);
      for (const event of events) pending.push(event);
      if (pending.length >= sendAtOnce) await flush();
    },
  });
  await flush();
  const receivedAt = receivedAtOf(record, deps.now);
  const receivedOn = deps.localDate(tenantId, receivedAt);

  // 837: which claims each set carried. Then 999: the known claims of each rejected set go to the rejections queue.
  for (const batch of batchesOf(read, receivedAt, (eventId) => submittedOn.get(eventId))) await deps.files.saveBatch(tenantId, batch);
  const acknowledged = await applyAcknowledgments(deps, tenantId, read, receivedOn);
  const report = acknowledged.report;
  // 277: the statuses that answer our 276 inquiries (their own events went out above).
  const answers = deps.inquiries ? await answerStatusInquiries({ inquiries: deps.inquiries, sendEvents: deps.sendEvents }, tenantId, report, receivedAt, receivedOn) : undefined;
  const inquiryFigures = answers ? { statusInquiriesAnswered: answers.statusInquiriesAnswered, unmatchedTraceCount: answers.unmatchedTraceCount } : {};
  const eventCount = readEvents + acknowledged.events + (answers?.events ?? 0);

  // 835: the remittances, and the lines of claims the tenant does not hold.
  const remittances = remittancesOf(tenantId, report, receivedAt);
  for (const remittance of remittances) await deps.files.saveRemittance(remittance);
  // A remittance another file recorded first (sent again in other bytes) counts in that file's figures, not here.
  const recordedBefore = new Set<string>();
  for (const { header } of remittances) if ((await deps.files.remittanceFile(tenantId, header.remitId)) !== report.sha256) recordedBefore.add(header.remitId);
  const unmatched = await unmatchedLinesOf(deps.claims, tenantId, report, receivedOn, recordedBefore);
  await openUnmatchedItems(deps, tenantId, unmatched.byClaim, receivedOn);

  // 277CA batch-level rejections and 999 rejections: the managers hear of them (once per file).
  const batchStatuses = batchRejectionsOf(report);
  if (batchStatuses > 0 || acknowledged.rejectedSets > 0) {
    await deps.notify({ kind: 'batch-rejected', tenantId, fileSha256: report.sha256, receivedAt, batchStatuses, rejectedSets: acknowledged.rejectedSets, claimsRejected: acknowledged.events });
  }

  const outcome = {
    tenantId,
    sha256: report.sha256,
    bytes: report.bytes,
    status: report.status,
    transactions: report.transactions.length,
    refusedTransactions: report.transactions.filter((t) => t.status === 'refused').length,
    events: eventCount,
  };
  const objectKey = reportObjectKey(tenantId, report.sha256);
  const json = JSON.stringify(report);
  await deps.bucket.put(objectKey, json, 'application/json');
  await deps.files.saveReport({
    ...summaryOf(report, eventCount, remittances.length, unmatched.count, recordedBefore),
    ...inquiryFigures,
    tenantId,
    receivedAt,
    source: { bucket: deps.bucket.bucket, key, ...(versionId ? { versionId } : {}) },
    reportObjectKey: objectKey,
    report: json,
  });
  return { outcome: 'ingested', ...outcome };
};

/** One message of the x12 queue: an S3 notification (every created object in it), or S3's test event (ignored). */
export const ingestX12Notification = async (deps: X12FileIngestDeps, body: string): Promise<FileOutcome[]> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PermanentError('message body is not JSON', 'not-json');
  }
  if (s3TestEvent.safeParse(json).success) return [];
  const parsed = s3Notification.safeParse(json);
  if (!parsed.success) throw new PermanentError('message is not an S3 event notification', 'not-s3-notification');
  const outcomes: FileOutcome[] = [];
  for (const record of parsed.data.Records) outcomes.push(await ingestX12Object(deps, record));
  return outcomes;
};
