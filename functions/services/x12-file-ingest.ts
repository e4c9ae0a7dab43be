// The unit of work of the ingest-x12-file consumer: an S3 notification names files dropped at inbox/<tenant>/<name>;
// each is read as it streams (never whole in memory), mapped to its report and claim events, the events sent to the
// ingest queue ten per request, and the report (S3 and the table) and the 835 remittances recorded. The same file
// dropped again changes nothing: its report, keyed by the SHA-256 of its bytes, is found and nothing is sent.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ClaimEvent } from '../domain/claim-events.js';
import { tenantIdSchema } from '../shared/config-schema.js';
import { PermanentError } from '../shared/errors.js';
import { sendMessages } from '../shared/queue-sender.js';
import { reportObjectKey, x12Bucket } from '../shared/resources.js';
import { unattributedTenant } from '../store/keys.js';
import type { FileReportSummary, Remittance, X12Bucket, X12FileStore } from '../store/x12-file-store.js';
import { FileReportBuilder, type FileReport, type FileResult } from '../x12/file-report.js';
import type { MapContext } from '../x12/map-835.js';
import type { Report835, TransactionReport } from '../x12/map-transaction.js';
import { readX12 } from '../x12/reader.js';

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
export const remittanceIdOf = (t: Pick<TransactionReport, 'interchangeControlNumber' | 'groupControlNumber' | 'controlNumber'>): string =>
  `remit-${createHash('sha256').update(`x12:835:${t.interchangeControlNumber}:${t.groupControlNumber}:${t.controlNumber}`).digest('hex').slice(0, 32)}`;

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

export const summaryOf = (report: FileReport, eventCount: number, remittanceCount: number): FileReportSummary => ({
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
});

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
  /** When a notification does not say when the file arrived. */
  readonly now: () => string;
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
  // is safe to repeat (event ids are deterministic, remittances are written once, the S3 report is overwritten).
  // Events go out as the file is read, a few thousand at a time, so a large file's events are never all held.
  const pending: ClaimEvent[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length > 0) await deps.sendEvents(pending.splice(0, pending.length));
  };
  const { report, eventCount } = await readX12File(place.name, again, { tenantId }, {
    onEvents: async (events) => {
      for (const event of events) pending.push(event);
      if (pending.length >= sendAtOnce) await flush();
    },
  });
  await flush();
  const outcome = {
    tenantId,
    sha256: report.sha256,
    bytes: report.bytes,
    status: report.status,
    transactions: report.transactions.length,
    refusedTransactions: report.transactions.filter((t) => t.status === 'refused').length,
    events: eventCount,
  };
  const receivedAt = receivedAtOf(record, deps.now);
  const remittances = remittancesOf(tenantId, report, receivedAt);
  for (const remittance of remittances) await deps.files.saveRemittance(remittance);
  const objectKey = reportObjectKey(tenantId, report.sha256);
  const json = JSON.stringify(report);
  await deps.bucket.put(objectKey, json, 'application/json');
  await deps.files.saveReport({
    ...summaryOf(report, eventCount, remittances.length),
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
