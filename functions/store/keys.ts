// Every key of the table, built in one place. Each begins with the tenant, so no key can reach another tenant's data.
import { shardLabel } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';

const tenantPrefix = (tenantId: string): string => `T#${tenantId}`;

/** A claim's partition: the claim item and its history entries. */
export const claimPartition = (tenantId: string, claimId: string): string => `${tenantPrefix(tenantId)}#CLAIM#${claimId}`;

export const claimKey = (tenantId: string, claimId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: 'CLAIM',
});

/** The marker of an event id in a claim: written only if absent (dedupe), with a digest of the event's content. */
export const claimEventKey = (tenantId: string, claimId: string, eventId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: `EVENT#${eventId}`,
});

/** Sort-key prefix of a claim's history entries (one per event, in the order they happened). */
export const claimHistoryPrefix = 'HISTORY#';

/** A claim's history entry of one event: sorted by when it happened (UTC), so history pages in time order. */
export const claimHistoryKey = (tenantId: string, claimId: string, occurredAtUtc: string, eventId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: `${claimHistoryPrefix}${occurredAtUtc}#${eventId}`,
});

/** Attributes that put an open claim into its shard of the open-claims index (remove them to take it out). */
export const openClaimIndexKey = (tenantId: string, shard: number, claimId: string) => ({
  [tableDesign.indexes.openClaimsByShard.partitionKey]: `${tenantPrefix(tenantId)}#OPEN#${shardLabel(shard)}`,
  [tableDesign.indexes.openClaimsByShard.sortKey]: claimId,
});

/** A claim's work item lives in the claim's partition. */
export const workItemKey = (tenantId: string, claimId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: 'WORK',
});

/** Attributes that put an open work item in its queue's index, in rank order. */
export const queueIndexKey = (tenantId: string, queue: string, rank: string) => ({
  [tableDesign.indexes.workQueue.partitionKey]: `${tenantPrefix(tenantId)}#QUEUE#${queue}`,
  [tableDesign.indexes.workQueue.sortKey]: rank,
});

/** Attributes that put an open work item in its assignee's index (a biller, a team, or the pool). */
export const assigneeIndexKey = (tenantId: string, assignee: string, rank: string) => ({
  [tableDesign.indexes.assigneeQueue.partitionKey]: `${tenantPrefix(tenantId)}#ASSIGNEE#${assignee}`,
  [tableDesign.indexes.assigneeQueue.sortKey]: rank,
});

/** A tenant's follow-up settings (rules, rates, assignment). */
export const tenantSettingsKey = (tenantId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#SETTINGS`,
  [tableDesign.sortKey]: 'SETTINGS',
});

/** Sort-key prefix of a claim's actions (in the order they were recorded). */
export const claimActionPrefix = 'ACTION#';

/** A biller's action on a claim: history in the claim's partition. */
export const claimActionKey = (tenantId: string, claimId: string, at: string, actionId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: `${claimActionPrefix}${at}#${actionId}`,
});

/** Who read or changed which claim, when: one partition per tenant and day (HIPAA audit controls). */
export const auditKey = (tenantId: string, on: string, at: string, requestId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#AUDIT#${on}`,
  [tableDesign.sortKey]: `${at}#${requestId}`,
});

/**
 * A POST's Idempotency-Key, scoped by the tenant the request is about, the user and the route (operation id), so a
 * key can never answer for another tenant or route. `tenantId` is `_scope` for a request over all the caller's tenants.
 */
export const idempotencyKey = (tenantId: string, userId: string, route: string, key: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#IDEMPOTENCY#${userId}`,
  [tableDesign.sortKey]: `${route}#${key}`,
});

export const runKey = (tenantId: string, runDate: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#RUN#${runDate}`,
  [tableDesign.sortKey]: 'RUN',
});

/** The tenant's latest completed night (an older night is refused). */
export const latestRunKey = (tenantId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#RUNS`,
  [tableDesign.sortKey]: 'LATEST',
});

export const rejectedEventKey = (tenantId: string, receivedOn: string, receivedAt: string, messageId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#REJECTED#${receivedOn}`,
  [tableDesign.sortKey]: `${receivedAt}#${messageId}`,
});

/** One email sent (or being sent) for an occasion: a run date, or an alert's change ("alert:<kind>:<n>"). */
export const sentEmailKey = (tenantId: string, occasion: string, kind: string, recipient: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#SENT#${occasion}`,
  [tableDesign.sortKey]: `${kind}#${recipient}`,
});

/** Actions billers recorded on one tenant-local day, counted per user (the digest's "work done"). */
export const activityKey = (tenantId: string, on: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#ACTIVITY#${on}`,
  [tableDesign.sortKey]: 'ACTIVITY',
});

/** Where a tenant's alert stands (crossed or clear), one item per kind of alert. */
export const alertStateKey = (tenantId: string, alert: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#ALERT`,
  [tableDesign.sortKey]: alert,
});

/** Tenant marker written by the local seed, so a second start knows the demo data is there. */
export const seedMarkerKey = (tenantId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#SEED`,
  [tableDesign.sortKey]: 'SEED',
});

/** Tenant id for events that could not be attributed to any tenant (their envelope did not parse). */
export const unattributedTenant = '_unattributed';

/**
 * One segment of a night's shard (a page and its result, written once), beside the run record in its partition.
 * Without `shard` and `segment`: the sort-key prefix every segment of that attempt shares, to read them all.
 */
export const runSegmentKey = (tenantId: string, runDate: string, attempt: number, shard?: number, segment?: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#RUN#${runDate}`,
  [tableDesign.sortKey]: `SEGMENT#${attempt}#${shard === undefined ? '' : `${shardLabel(shard)}#${segment ?? ''}`}`,
});

/** One day's KPI tally (charges, first adjudications, payments, reductions) of a slice of a tenant's claims. */
export const kpiDayKey = (tenantId: string, date: string, slice: number) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#KPI#${date.slice(0, 7)}`,
  [tableDesign.sortKey]: `${date}#${slice}`,
});

/**
 * One item of a slice of a tenant's totals of a follow-up queue: the near item GET /queues reads, or the far item
 * it reads only when the near one does not suffice. Every queue and slice in one partition, near items first, so
 * GET /queues reads them in one query. Without `queue`: the partition and the part's prefix.
 */
export const queueTotalsKey = (tenantId: string, queue = '', slice?: number, part: 'near' | 'far' = 'near') => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#QUEUETOTALS`,
  [tableDesign.sortKey]: `${part === 'near' ? 'NEAR' : 'FAR'}#${slice === undefined ? queue : `${queue}#${String(slice).padStart(2, '0')}`}`,
});

/** The queue a totals item counts, from its sort key (`NEAR#<queue>#<slice>` or `FAR#…`): the item does not repeat it. */
export const queueOfTotalsKey = (sortKey: string): string => sortKey.slice(sortKey.indexOf('#') + 1, sortKey.lastIndexOf('#'));

/**
 * Where a claim is found by one of its values (a payer claim number, a patient account number, a last name with a
 * date of birth): one partition per value, kept as a digest of the normalized value so the value itself is in no
 * key, and one item per claim, newest date of service first. Without `claimId`: the partition alone.
 */
export const claimLookupKey = (tenantId: string, kind: string, digest: string, serviceFrom = '', claimId = '') => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#LOOKUP#${kind}#${digest}`,
  [tableDesign.sortKey]: claimId ? `${serviceFrom}#${claimId}` : '',
});

/** A user's use of a rate-limited request (e.g. claim search) in a tenant: one small counter item per user and limit. */
export const rateLimitKey = (tenantId: string, userId: string, limit: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#RATE#${userId}`,
  [tableDesign.sortKey]: limit,
});

/** Sort keys of positions (claims in a remittance) sort in number order. */
const position = (n: number): string => String(n).padStart(6, '0');

/**
 * The report of one X12 file, by the SHA-256 of its bytes: written once (the same file dropped again finds it and
 * changes nothing). Holds the report's summary, and the report itself when it fits an item (else it is in S3 only).
 */
export const x12FileKey = (tenantId: string, sha256: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#X12FILE#${sha256}`,
  [tableDesign.sortKey]: 'REPORT',
});

/** A tenant's files in the order received (`GET /files`: newest first, read backwards). Without `receivedAt`: the partition. */
export const x12FileListKey = (tenantId: string, receivedAt = '', sha256 = '') => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#X12FILES`,
  [tableDesign.sortKey]: receivedAt ? `${receivedAt}#${sha256}` : '',
});

/** Sort key of a remittance's header item, in the remittance's own partition. */
export const remittanceHeaderSortKey = 'REMIT';
/** Sort-key prefix of a remittance's claim items. */
export const remittanceClaimPrefix = 'CLAIM#';

/** One 835 remittance (`GET /remittances/{id}`): its header, and with `claimPosition` one of its claims (1-based). */
export const remittanceKey = (tenantId: string, remitId: string, claimPosition?: number) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#REMIT#${remitId}`,
  [tableDesign.sortKey]: claimPosition === undefined ? remittanceHeaderSortKey : `${remittanceClaimPrefix}${position(claimPosition)}`,
});

/**
 * A tenant's remittances by payment date (`GET /remittances?from=&to=`: one sort-key range, date-ordered); the
 * entry repeats the header. Without `paymentDate`: the partition.
 */
export const remittanceByDateKey = (tenantId: string, paymentDate = '', remitId = '') => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#REMITS`,
  [tableDesign.sortKey]: paymentDate ? `${paymentDate}#${remitId}` : '',
});

/** Sort-key prefix of a claim's remittance links. */
export const claimRemittancePrefix = 'REMIT#';

/** A remittance that names a claim, in the claim's partition by payment date: a claim's remittances are one query. */
export const claimRemittanceKey = (tenantId: string, claimId: string, paymentDate: string, remitId: string, claimPosition: number) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: `${claimRemittancePrefix}${paymentDate}#${remitId}#${position(claimPosition)}`,
});

/** Sort-key prefix of the claim lists of 837 transaction sets, in their group's partition. */
export const x12BatchSetPrefix = 'SET#';

/**
 * The claims an 837 transaction set carried, by the group (GS06) and set (ST02) control numbers a 999 acknowledges
 * them by; one item per interchange and part (a thousand claim ids each). Without `setControlNumber`: the group's
 * partition; without `interchangeControlNumber`: the set's prefix.
 */
export const x12BatchKey = (tenantId: string, groupControlNumber: string, setControlNumber = '', interchangeControlNumber = '', part?: number) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#X12BATCH#${groupControlNumber}`,
  [tableDesign.sortKey]: setControlNumber
    ? `${x12BatchSetPrefix}${setControlNumber}#${interchangeControlNumber}${interchangeControlNumber && part !== undefined ? `#${String(part).padStart(4, '0')}` : ''}`
    : '',
});

/** The last 276 control number the tenant used, for any receiver: a counter that only grows, so none repeats. */
export const inquiryControlKey = (tenantId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#X12CONTROL#276`,
  [tableDesign.sortKey]: 'SENDER',
});

/** Sort-key prefixes of a tenant's status inquiries: batches and their answers by night, and each night's receivers (done once). */
export const inquiryBatchPrefix = 'BATCH#';
export const inquiryAnswerPrefix = 'ANSWER#';
export const inquiryNightPrefix = 'NIGHT#';

/** A 276 batch by its night and id (`GET /status-inquiries?date=` is one prefix); without `date`: the partition. */
export const inquiryBatchKey = (tenantId: string, date = '', batchId = '') => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#STATUSINQ`,
  [tableDesign.sortKey]: date ? `${inquiryBatchPrefix}${date}#${batchId}` : '',
});

/** An answer (a 277 echoing one of the batch's traces), beside the batches: the digest reads a range of nights of them. */
export const inquiryAnswerKey = (tenantId: string, date: string, batchId: string, trace: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#STATUSINQ`,
  [tableDesign.sortKey]: `${inquiryAnswerPrefix}${date}#${batchId}#${trace}`,
});

/** A night's inquiry to one receiver (one interchange): written once, so a redelivered night asks nothing twice. */
export const inquiryNightKey = (tenantId: string, date: string, receiverId: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#STATUSINQ`,
  [tableDesign.sortKey]: `${inquiryNightPrefix}${date}#${receiverId}`,
});

/** One TRN02 trace of a 276: which claim and batch a 277 echoing it answers. */
export const inquiryTraceKey = (tenantId: string, trace: string) => ({
  [tableDesign.partitionKey]: `${tenantPrefix(tenantId)}#INQTRACE#${trace}`,
  [tableDesign.sortKey]: 'TRACE',
});

/** When a claim was last asked by 276, in the claim's partition. */
export const claimInquiryKey = (tenantId: string, claimId: string) => ({
  [tableDesign.partitionKey]: claimPartition(tenantId, claimId),
  [tableDesign.sortKey]: 'STATUS-INQUIRY',
});
