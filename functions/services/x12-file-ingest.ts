// The unit of work of the ingest-x12-file consumer: an S3 notification names files dropped at inbox/<tenant>/<name>;
// each is read as it streams (never whole in memory: see readX12File), mapped to its report and claim events, the
// events sent to the ingest queue ten per request, the 835 remittances recorded as they are read, and the report
// (written to a temp file as it is mapped) stored in S3 and the table. Beyond the
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
import {
  maxReportInItem,
  type BatchClaims,
  type FileReportSummary,
  type RemittanceClaim,
  type RemittanceHeader,
  type X12Bucket,
  type X12FileStore,
} from '../store/x12-file-store.js';
import type { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { collectLine, FileMapper, type FileError, type FileFacts, type FileReport } from '../x12/file-report.js';
import type { StatusReport } from '../x12/map-277.js';
import type { SubmittedClaimReport } from '../x12/map-837.js';
import type { AcknowledgmentReport } from '../x12/map-999.js';
import { envelopeOf, validateEvent, type ListEntry, type MapContext, type Reader, type RemitClaimReport } from '../x12/map-835.js';
import type { MappedLine, Report277, Report835, Report837, Report999, TransactionReport } from '../x12/map-transaction.js';
import { lineJson, reportHead } from '../x12/report-json.js';
import { answerStatusInquiries } from './status-inquiries.js';
import { reportChunks, ReportSpool, reportText, spilling, type SpillOptions } from './x12-spill.js';

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

/** What else hears of one transaction line as it is written out: its entries (claims, statuses) one by one, then its end. */
export interface LineObserver {
  entry?(entry: unknown, event: ClaimEvent | undefined): void | Promise<void>;
  end?(): void | Promise<void>;
}

export interface ReadOptions {
  /** Hears how many bytes were read so far (a progress bar). */
  readonly onBytes?: (bytes: number) => void;
  /** Takes the events of the accepted transactions as they are mapped, `eventBatch` at a time; without it they are counted and dropped. */
  readonly onEvents?: (events: ClaimEvent[]) => Promise<void>;
  /** Events gathered before `onEvents` is called (default 400). */
  readonly eventBatch?: number;
  /** Per transaction line, before its entries: whatever else needs the line (remittances, batches), or undefined. */
  readonly observe?: (line: TransactionReport) => LineObserver | undefined | Promise<LineObserver | undefined>;
  /** Lines whose text is final only after the read (a 999's): kept whole, and given to `writeReport`. */
  readonly defer?: (line: TransactionReport) => boolean;
  /** Where a large transaction's pending units and the report are written, and from how many units on. */
  readonly spill?: SpillOptions;
}

/** The report written out (temp files until `remove`): its size, its bytes as a stream, or its text when small. */
export interface ReportFile {
  readonly bytes: number;
  chunks(): AsyncGenerator<Buffer>;
  text(): string;
}

/** A file read and mapped: its facts, status, errors and figures; its report written out by `writeReport`. */
export interface ReadFile {
  readonly facts: FileFacts;
  readonly status: FileReport['status'];
  readonly errors: readonly FileError[];
  readonly eventCount: number;
  readonly transactionCount: number;
  readonly refusedTransactionCount: number;
  /** Transaction types in the file, each once, in order of appearance. */
  readonly types: readonly string[];
  /** The lines `defer` kept, whole, in file order. */
  readonly deferred: readonly TransactionReport[];
  /** The report file, with the deferred lines as given (default: as read). */
  writeReport(deferred?: readonly TransactionReport[]): ReportFile;
  /** The report as an object (small files, tests; a large report is better streamed from its file). */
  report(deferred?: readonly TransactionReport[]): FileReport;
  /** Removes the temp files. */
  remove(): void;
}

/**
 * Reads an X12 file from its byte chunks as they come: each transaction mapped as its segments arrive (a large one's
 * pending units spilled to a temp file), each line written to the report file as it is finished (a line's claims one
 * by one), events handed on a few hundred at a time. Held in memory: the open envelopes, one chunk, the current
 * transaction's header facts and up to `spill.afterUnits` of its units, the events not yet handed on, the file's
 * errors and the deferred lines. The report's sha256 and size are those of the raw bytes.
 */
export const readX12File = async (file: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, ctx: MapContext, options: ReadOptions = {}): Promise<ReadFile> => {
  const hash = createHash('sha256');
  let bytes = 0;
  const mapper = new FileMapper({ ...ctx, pending: spilling(options.spill) });
  const spool = new ReportSpool(options.spill?.dir);
  const eventBatch = options.eventBatch ?? sendAtOnce;
  let events: ClaimEvent[] = [];
  let eventCount = 0;
  let transactionCount = 0;
  let refusedTransactionCount = 0;
  const types = new Set<string>();
  const deferred: TransactionReport[] = [];
  /** Hands the gathered events on; a promise only when there is something to wait for. */
  const handOn = (): Promise<void> | undefined => {
    if (events.length === 0) return undefined;
    const batch = events;
    events = [];
    return options.onEvents?.(batch);
  };
  /**
   * Writes a line's entries until they are all written, or until something must be waited for (events being sent, a
   * remittance slice being recorded), which it returns: call again once it is done. Synchronous between waits: a line
   * of 200,000 claims costs no await per claim.
   */
  const pump = (entries: Reader<ListEntry<unknown>>, observer: LineObserver | undefined): Promise<unknown> | undefined => {
    for (let next = entries.next(); next !== undefined; next = entries.next()) {
      const { entry, event } = next;
      spool.entry(JSON.stringify(entry));
      let waiting: Promise<unknown> | undefined;
      if (event) {
        events.push(event);
        eventCount++;
        if (events.length >= eventBatch) waiting = handOn();
      }
      const observed = observer?.entry?.(entry, event);
      if (observed) waiting = waiting ? Promise.all([waiting, observed]) : observed;
      if (waiting) return waiting;
    }
    return undefined;
  };
  const write = async (line: MappedLine): Promise<void> => {
    const report = line.report;
    transactionCount++;
    if (report.status === 'refused') refusedTransactionCount++;
    types.add(report.type);
    if (options.defer?.(report)) {
      deferred.push(collectLine(line).report);
      spool.defer();
      return;
    }
    // Awaited only when it is a promise (a remittance to look up first): most lines need no turn of the event loop.
    const observing = options.observe?.(report);
    const observer = observing instanceof Promise ? await observing : observing;
    const { before, after } = lineJson(report, line.listKey);
    spool.beginLine(before);
    try {
      const entries = line.entries();
      for (let waiting = pump(entries, observer); waiting !== undefined; waiting = pump(entries, observer)) await waiting;
    } finally {
      line.discard();
    }
    spool.endLine(after);
    if (observer?.end) await observer.end();
  };
  const drain = async (): Promise<void> => {
    for (const item of mapper.take()) if (item.kind === 'line') await write(item.line);
  };
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      options.onBytes?.(bytes);
      mapper.push(chunk);
      await drain();
    }
    mapper.end();
    await drain();
    await handOn();
  } catch (error) {
    mapper.discard();
    spool.remove();
    throw error;
  }
  const facts: FileFacts = { file, sha256: hash.digest('hex'), bytes };
  const { status, errors } = mapper.tally;
  let written: ReportFile | undefined;
  const writeReport = (lines: readonly TransactionReport[] = deferred): ReportFile => {
    if (written) return written;
    const parts = spool.finish(reportHead(facts, status, errors), lines.map((l) => JSON.stringify(l)));
    written = { bytes: parts.bytes, chunks: () => reportChunks(parts), text: () => reportText(parts) };
    return written;
  };
  return {
    facts,
    status,
    errors,
    eventCount,
    transactionCount,
    refusedTransactionCount,
    types: [...types],
    deferred,
    writeReport,
    report: (lines) => JSON.parse(writeReport(lines).text()) as FileReport,
    remove: () => spool.remove(),
  };
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

/** A remittance is its payment (payer, trace, date, amount: `paymentKey`), whichever envelope or file brought it. */
export const remittanceIdOf = (t: Pick<Report835, 'paymentKey'>): string => `remit-${createHash('sha256').update(`x12:835:${t.paymentKey}`).digest('hex').slice(0, 32)}`;

/** The date a remittance is listed under: its payment date (BPR16), else its remit date, else the day the file came. */
const listedOnOf = (t: Report835, receivedAt: string): string => t.paymentDate ?? t.remitDate ?? receivedAt.slice(0, 10);

/** An 835 line whose payment could be read (accepted, or refused as unbalanced) as a remittance header. */
export const remittanceHeaderOf = (
  tenantId: string,
  t: Report835,
  figures: { readonly claimCount: number; readonly paidCents: number; readonly fileSha256: string; readonly receivedAt: string },
): RemittanceHeader => ({
  tenantId,
  remitId: remittanceIdOf(t),
  listedOn: listedOnOf(t, figures.receivedAt),
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
  claimCount: figures.claimCount,
  paidCents: figures.paidCents,
  providerAdjustments: t.providerAdjustments,
  interchangeControlNumber: t.interchangeControlNumber,
  groupControlNumber: t.groupControlNumber,
  controlNumber: t.controlNumber,
  fileSha256: figures.fileSha256,
  receivedAt: figures.receivedAt,
});

/** A claim of a remittance line of the report, at its position (1-based), as recorded. */
export const remittanceClaimOf = (c: RemitClaimReport, position: number): RemittanceClaim => ({
  position,
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
});

/**
 * The digest's remittance figures of a file, line by line: each 835 counts, except one recorded before by another file
 * (the same remittance sent again), so each remittance counts once.
 */
export class RemittanceFigures {
  remittanceCount = 0;
  remittanceTransactionCount = 0;
  remittanceCents = 0;
  refusedRemittanceCount = 0;

  /** An 835 line; `recordedBefore` when its remittance was recorded by another file first. */
  add(t: TransactionReport, recordedBefore: boolean): void {
    if (t.type !== '835') return;
    const withPayment = is835WithPayment(t);
    if (withPayment) this.remittanceCount++;
    if (withPayment && recordedBefore) return;
    this.remittanceTransactionCount++;
    if (t.status === 'accepted' && withPayment) this.remittanceCents += t.paymentCents;
    if (t.status === 'refused') this.refusedRemittanceCount++;
  }
}

/** The report's summary, from the read file's figures. */
export const summaryOf = (read: Pick<ReadFile, 'facts' | 'status' | 'errors' | 'transactionCount' | 'refusedTransactionCount' | 'types'>, eventCount: number, remittances: RemittanceFigures, unmatchedClaimCount = 0): FileReportSummary => ({
  file: read.facts.file,
  sha256: read.facts.sha256,
  bytes: read.facts.bytes,
  status: read.status,
  errorCount: read.errors.length,
  transactionCount: read.transactionCount,
  refusedTransactionCount: read.refusedTransactionCount,
  types: [...read.types],
  eventCount,
  remittanceCount: remittances.remittanceCount,
  remittanceTransactionCount: remittances.remittanceTransactionCount,
  remittanceCents: remittances.remittanceCents,
  refusedRemittanceCount: remittances.refusedRemittanceCount,
  unmatchedClaimCount,
});

/** Claims per slice written while a remittance is recorded. */
const remittanceSlice = 250;

/**
 * Records one 835 line's remittance as its claims are written out (X12FileStore.remittanceWriter): claims in slices,
 * then the header. Its accepted claims go on to the unmatched-remittance check. Then the figures hear of the line.
 */
const remittanceRecorder = async (
  deps: Pick<X12FileIngestDeps, 'files'>,
  tenantId: string,
  t: Report835,
  file: { readonly sha256: string; readonly receivedAt: string },
  unmatched: UnmatchedLines | undefined,
  figures: RemittanceFigures,
): Promise<LineObserver> => {
  const remitId = remittanceIdOf(t);
  const listedOn = listedOnOf(t, file.receivedAt);
  const writer = await deps.files.remittanceWriter(tenantId, remitId, { listedOn, paymentDate: t.paymentDate, payer: t.payer, traceNumber: t.traceNumber, status: t.status });
  let slice: RemittanceClaim[] = [];
  let position = 0;
  let paidCents = 0;
  const lines = unmatched?.remittance(t, remitId);
  return {
    entry: (entry) => {
      const c = entry as RemitClaimReport;
      position++;
      paidCents += c.paidCents;
      const checking = lines?.add(c, position);
      if (!writer) return checking;
      slice.push(remittanceClaimOf(c, position));
      if (slice.length < remittanceSlice) return checking;
      const claims = slice;
      slice = [];
      return checking ? checking.then(() => writer.claims(claims)) : writer.claims(claims);
    },
    end: async () => {
      if (writer) {
        if (slice.length > 0) await writer.claims(slice);
        await writer.finish(remittanceHeaderOf(tenantId, t, { claimCount: position, paidCents, fileSha256: file.sha256, receivedAt: file.receivedAt }));
      }
      // A remittance another file recorded first (sent again in other bytes) counts in that file's figures, not here.
      const recordedBefore = (await deps.files.remittanceFile(tenantId, remitId)) !== file.sha256;
      await lines?.end(recordedBefore);
      figures.add(t, recordedBefore);
    },
  };
};

// ---- 837 batches and their 999 acknowledgments ----

/** The claims an accepted 837 transaction set carried (those whose claim.submitted was sent), for its 999, gathered as its line is written. */
const batchCollector = (t: Report837, file: { readonly sha256: string; readonly receivedAt: string }, batches: BatchClaims[]): LineObserver => {
  const claimIds: string[] = [];
  let submittedOn: string | null = null;
  return {
    entry: (entry, event) => {
      const c = entry as SubmittedClaimReport;
      if (c.eventId === undefined) return;
      claimIds.push(c.patientControlNumber);
      // BHT04 of the set, from its first claim's event: a 999 answering the set dates its rejections by it.
      if (claimIds.length === 1 && event?.type === 'claim.submitted') submittedOn = event.payload.submittedOn;
    },
    end: () => {
      batches.push({
        groupControlNumber: t.groupControlNumber,
        setControlNumber: t.controlNumber,
        interchangeControlNumber: t.interchangeControlNumber,
        claimIds,
        submittedOn,
        fileSha256: file.sha256,
        receivedAt: file.receivedAt,
      });
    },
  };
};

/** An accepted 999 with its acknowledgments: completed after the read (applyAcknowledgments), so its line is deferred. */
const isAcknowledging999 = (t: TransactionReport): boolean => t.type === '999' && t.status === 'accepted' && Array.isArray((t as Partial<Report999>).acknowledgments);

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


// ---- 277CA batch-level rejections, 277 answers ----

const rejectedCategory: ReadonlySet<string> = new Set(rejectedCategories);

/** A 277CA status at batch level (receiver or provider HL) that rejects: no claim event can carry it. */
export const isBatchRejection = (s: StatusReport): boolean => s.level === 'batch' && [s.category, ...s.additionalStatuses.map((a) => a.category)].some((c) => rejectedCategory.has(c));

/**
 * The claim-level statuses of a file's accepted 277s that may answer our 276 inquiries, kept as their lines are written:
 * the first status of each trace (status-inquiries.ts answers each trace once), in file order.
 */
class InquiryAnswers {
  private readonly byTrace = new Map<string, StatusReport>();

  observe(): LineObserver {
    return {
      entry: (entry) => {
        const s = entry as StatusReport;
        if (s.level === 'claim' && s.traceNumber && !this.byTrace.has(s.traceNumber)) this.byTrace.set(s.traceNumber, s);
      },
    };
  }

  /** A report holding just those statuses, for answerStatusInquiries. */
  reportOf(facts: FileFacts, status: FileReport['status']): FileReport {
    const statuses = [...this.byTrace.values()];
    const line = { type: '277', interchangeControlNumber: '', groupControlNumber: '', controlNumber: '', implementation: '005010X212', status: 'accepted', reason: null, errors: [], statuses } as Report277;
    return { ...facts, status, errors: [], transactions: statuses.length > 0 ? [line] : [] };
  }
}

// ---- Unmatched remittances ----

/** Claim ids are read in slices, so a remittance of many thousand claims never holds them all at once. */
const claimReadSlice = 1_000;
/** Items opened or updated at once. */
const itemConcurrency = 8;
/** Lost races on one item before the file is retried (by the queue) as a whole. */
const itemTries = 3;

/**
 * The lines of a file's accepted 835s whose claim the tenant does not hold, by claim id (ids no claim can have under
 * ''), gathered as the lines are written: each remittance's claims are looked up a slice at a time, and the lines of
 * claims not held are kept (only those) until the remittance is recorded, when they are counted unless another file
 * recorded the remittance first.
 */
export class UnmatchedLines {
  readonly byClaim = new Map<string, UnmatchedRemittanceLine[]>();
  count = 0;

  constructor(
    private readonly claims: Pick<ClaimStore, 'currents'>,
    private readonly tenantId: string,
    private readonly remitDateFallback: CalendarDate,
  ) {}

  /** The accepted 835 line `t` (others have no unmatched lines): its claims, one by one, then its end. */
  remittance(t: Report835, remitId: string): { add(c: RemitClaimReport, position: number): Promise<void> | undefined; end(recordedBefore: boolean): Promise<void> } | undefined {
    if (t.status !== 'accepted') return undefined;
    let slice: Array<{ claimId: string; line: UnmatchedRemittanceLine }> = [];
    let sliceIds = new Set<string>();
    const notHeld: Array<{ claimId: string; line: UnmatchedRemittanceLine }> = [];
    const check = async (): Promise<void> => {
      const lines = slice;
      const ids = [...sliceIds];
      slice = [];
      sliceIds = new Set();
      const held = new Set<string>();
      if (ids.length > 0) {
        const records = await this.claims.currents(ids.map((claimId) => ({ tenantId: this.tenantId, claimId })));
        for (const id of ids) if (isClaim(records.get(ClaimStore.recordKey(this.tenantId, id))?.state)) held.add(id);
      }
      for (const l of lines) if (!held.has(l.claimId)) notHeld.push(l);
    };
    return {
      add: (c, position) => {
        const claimId = c.patientControlNumber;
        slice.push({
          claimId,
          line: {
            remitId,
            position,
            payerId: t.payer.id,
            payerName: t.payer.name,
            traceNumber: t.traceNumber,
            paidCents: c.paidCents,
            remitDate: t.remitDate ?? t.paymentDate ?? this.remitDateFallback,
            statusCode: c.statusCode,
          },
        });
        if (claimIdSchema.safeParse(claimId).success) sliceIds.add(claimId);
        return sliceIds.size >= claimReadSlice ? check() : undefined;
      },
      end: async (recordedBefore) => {
        await check();
        for (const { claimId, line } of notHeld) {
          if (!recordedBefore) this.count++;
          const key = claimIdSchema.safeParse(claimId).success ? claimId : '';
          const kept = this.byClaim.get(key);
          if (kept) kept.push(line);
          else this.byClaim.set(key, [line]);
        }
      },
    };
  }
}

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

/**
 * Events gathered while a file is read before they are sent: one round of the sender's concurrency (4 × 100). Kept
 * small on purpose: events held longer than a young-generation collection are copied to the old generation, and with
 * 2,000 at a time every event of a large file was (bench:x12: 265 MB promoted for a 50 MB file, 15 MB at 400).
 */
const sendAtOnce = 400;
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
  const receivedAt = receivedAtOf(record, deps.now);
  const receivedOn = deps.localDate(tenantId, receivedAt);

  // Order matters for retries: the table's report item is written last and marks the file done; everything before it
  // is safe to repeat (event ids are deterministic, remittances are written once, batches and unmatched lines are
  // written as the same items again, the alert is sent once per file and recipient, the S3 report is overwritten).
  // As the file is read: events go out a few hundred at a time, each 835's remittance is recorded as its claims are
  // written to the report (a temp file), and its claims the tenant does not hold are looked up a slice at a time.
  // Nothing of a large file (its claims, events or report) is held whole.
  const file = { sha256, receivedAt };
  const figures = new RemittanceFigures();
  const unmatched = new UnmatchedLines(deps.claims, tenantId, receivedOn);
  const batches: BatchClaims[] = [];
  const answers277 = new InquiryAnswers();
  let batchStatuses = 0;
  const observe = (t: TransactionReport): LineObserver | undefined | Promise<LineObserver> => {
    if (t.type === '835') {
      if (!is835WithPayment(t)) {
        figures.add(t, false);
        return undefined;
      }
      return remittanceRecorder(deps, tenantId, t, file, unmatched, figures);
    }
    if (t.status !== 'accepted') return undefined;
    if (t.type === '837P' || t.type === '837I') return batchCollector(t as Report837, file, batches);
    if (t.type === '277') return answers277.observe();
    if (t.type === '277CA') return { entry: (s) => void (isBatchRejection(s as StatusReport) && batchStatuses++) };
    return undefined;
  };
  const read = await readX12File(place.name, again, { tenantId }, { onEvents: (events) => deps.sendEvents(events), observe, defer: isAcknowledging999 });
  try {
    if (read.facts.sha256 !== sha256) throw new TransientError('the object changed while it was read; the file will be read again');

    // 837: which claims each set carried. Then 999: the known claims of each rejected set go to the rejections queue.
    for (const batch of batches) await deps.files.saveBatch(tenantId, batch);
    const acknowledged = await applyAcknowledgments(deps, tenantId, { ...read.facts, status: read.status, errors: [...read.errors], transactions: [...read.deferred] }, receivedOn);
    // 277: the statuses that answer our 276 inquiries (their own events went out above).
    const answers = deps.inquiries ? await answerStatusInquiries({ inquiries: deps.inquiries, sendEvents: deps.sendEvents }, tenantId, answers277.reportOf(read.facts, read.status), receivedAt, receivedOn) : undefined;
    const inquiryFigures = answers ? { statusInquiriesAnswered: answers.statusInquiriesAnswered, unmatchedTraceCount: answers.unmatchedTraceCount } : {};
    const eventCount = read.eventCount + acknowledged.events + (answers?.events ?? 0);

    // 835: the lines of claims the tenant does not hold (their remittances were recorded as the file was read).
    await openUnmatchedItems(deps, tenantId, unmatched.byClaim, receivedOn);

    // 277CA batch-level rejections and 999 rejections: the managers hear of them (once per file).
    if (batchStatuses > 0 || acknowledged.rejectedSets > 0) {
      await deps.notify({ kind: 'batch-rejected', tenantId, fileSha256: sha256, receivedAt, batchStatuses, rejectedSets: acknowledged.rejectedSets, claimsRejected: acknowledged.events });
    }

    const outcome = {
      tenantId,
      sha256,
      bytes: read.facts.bytes,
      status: read.status,
      transactions: read.transactionCount,
      refusedTransactions: read.refusedTransactionCount,
      events: eventCount,
    };
    // The report, streamed from its temp file to the bucket; in the table too when it fits an item.
    const report = read.writeReport(acknowledged.report.transactions);
    const objectKey = reportObjectKey(tenantId, sha256);
    await deps.bucket.putStream(objectKey, report.chunks(), report.bytes, 'application/json');
    await deps.files.saveReport({
      ...summaryOf(read, eventCount, figures, unmatched.count),
      ...inquiryFigures,
      tenantId,
      receivedAt,
      source: { bucket: deps.bucket.bucket, key, ...(versionId ? { versionId } : {}) },
      reportObjectKey: objectKey,
      ...(report.bytes <= maxReportInItem ? { report: report.text() } : {}),
    });
    return { outcome: 'ingested', ...outcome };
  } finally {
    read.remove();
  }
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
