// X12 files in the table and the bucket: each file's report (once per tenant and SHA-256), the tenant's files in the
// order received, and every 835 remittance (header, claims, by payment date, and a link in each claim's partition).
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Readable } from 'node:stream';
import { tableDesign } from '../shared/resources.js';
import { conditionally, forEachItem } from './dynamo-helpers.js';
import {
  claimRemittanceKey,
  claimRemittancePrefix,
  claimPartition,
  remittanceByDateKey,
  remittanceClaimPrefix,
  remittanceKey,
  x12BatchKey,
  x12BatchSetPrefix,
  x12FileKey,
  x12FileListKey,
} from './keys.js';

const { partitionKey, sortKey } = tableDesign;

/** A report's figures, kept on the report item and on the tenant's file list entry. */
export interface FileReportSummary {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly status: 'accepted' | 'partial' | 'refused';
  readonly errorCount: number;
  readonly transactionCount: number;
  readonly refusedTransactionCount: number;
  /** Transaction types in the file (835, 277CA…), each once. */
  readonly types: readonly string[];
  readonly eventCount: number;
  readonly remittanceCount: number;
  /** 835 transactions in the file, accepted or refused (the digest's remittances received). */
  readonly remittanceTransactionCount?: number;
  /** The payments (BPR02) of the accepted 835s. */
  readonly remittanceCents?: number;
  readonly refusedRemittanceCount?: number;
  /** Claim lines of accepted 835s whose claim the tenant did not hold when the file was read. */
  readonly unmatchedClaimCount?: number;
}

export interface StoredFileReport extends FileReportSummary {
  readonly tenantId: string;
  /** When the file arrived (the S3 event's time): orders the tenant's file list. */
  readonly receivedAt: string;
  /** The object the file was read from. */
  readonly source: { readonly bucket: string; readonly key: string; readonly versionId?: string };
  /** Where the full report is, in the bucket. */
  readonly reportObjectKey: string;
  /** The report as JSON, when it fits an item (about 300 KB); a larger one is in the bucket only. */
  readonly report?: string;
}

export interface ProviderAdjustment {
  readonly reasonCode: string;
  readonly reference: string | null;
  readonly amountCents: number;
}

/** One 835 transaction as received: who paid, how much, when, and whether it was applied. */
export interface RemittanceHeader {
  readonly tenantId: string;
  readonly remitId: string;
  /** The date it is listed under: the payment date (BPR16), else the remit date, else the day the file came. */
  readonly listedOn: string;
  readonly paymentDate: string | null;
  readonly remitDate: string | null;
  readonly payer: { readonly name: string | null; readonly id: string | null };
  readonly payee: { readonly name: string | null; readonly id: string | null };
  readonly traceNumber: string | null;
  readonly paymentCents: number;
  readonly paymentMethod: string | null;
  readonly handlingCode: string;
  readonly balanced: boolean;
  readonly imbalanceCents: number;
  /** accepted: its claims' events were sent; refused: none was (the reason says why). */
  readonly status: 'accepted' | 'refused';
  readonly reason: string | null;
  readonly claimCount: number;
  readonly paidCents: number;
  readonly providerAdjustments: readonly ProviderAdjustment[];
  readonly interchangeControlNumber: string;
  readonly groupControlNumber: string;
  readonly controlNumber: string;
  /** The file it came in (its SHA-256) and when that arrived. */
  readonly fileSha256: string;
  readonly receivedAt: string;
}

/** One claim of a remittance and what became of it: its event (id, type) or the contract's refusal. */
export interface RemittanceClaim {
  readonly position: number;
  readonly patientControlNumber: string;
  readonly statusCode: string;
  readonly chargeCents: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  readonly payerClaimNumber: string | null;
  readonly adjustmentCentsByGroup: Readonly<Record<string, number>>;
  readonly reversal: boolean;
  readonly eventType: string | null;
  readonly eventId?: string;
  readonly refused?: string;
}

export interface Remittance {
  readonly header: RemittanceHeader;
  readonly claims: readonly RemittanceClaim[];
}

/** A remittance being recorded slice by slice (X12FileStore.remittanceWriter). */
export interface RemittanceWriter {
  claims(claims: readonly RemittanceClaim[]): Promise<void>;
  /** The date entry, then the header if absent: false when another writer's header got there first. */
  finish(header: RemittanceHeader): Promise<boolean>;
}

/** A claim's remittance link: which remittance named it, and how it was applied there. */
export interface ClaimRemittance {
  readonly remitId: string;
  readonly listedOn: string;
  readonly paymentDate: string | null;
  readonly payer: RemittanceHeader['payer'];
  readonly traceNumber: string | null;
  readonly claim: RemittanceClaim;
}

/** The claims one 837 transaction set carried (from the practice's copy), for its 999 acknowledgment to find. */
export interface BatchClaims {
  readonly groupControlNumber: string;
  readonly setControlNumber: string;
  readonly interchangeControlNumber: string;
  /** The claims whose claim.submitted event the set gave (CLM01), in file order. */
  readonly claimIds: readonly string[];
  /** BHT04 of the set: the day the batch was sent. */
  readonly submittedOn: string | null;
  readonly fileSha256: string;
  readonly receivedAt: string;
}

/** Claim ids per batch item: a thousand 64-character ids stay far below DynamoDB's 400 KB. */
const batchPartSize = 1_000;

/**
 * Reports larger than this (bytes of JSON) stay out of the item, which then holds the summary only: with the summary,
 * the source key (at most 1 KB) and the keys, an item stays well below DynamoDB's 400 KB.
 */
export const maxReportInItem = 300_000;
/** Parallel BatchWriteItem requests while recording a large remittance. */
const writeConcurrency = 4;

const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { [partitionKey]: _pk, [sortKey]: _sk, kind: _kind, ...rest } = item;
  return rest as T;
};

export class X12FileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The report of a file already received (by content), or undefined. */
  async report(tenantId: string, sha256: string): Promise<StoredFileReport | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: x12FileKey(tenantId, sha256), ConsistentRead: true }));
    return Item ? stripKeys<StoredFileReport>(Item) : undefined;
  }

  /**
   * Records a file's report and its list entry, once: false when the file was recorded before (by an earlier drop of
   * the same bytes, or a concurrent delivery), in which case nothing is written.
   */
  async saveReport(record: StoredFileReport): Promise<boolean> {
    const report = record.report !== undefined && Buffer.byteLength(record.report) <= maxReportInItem ? record.report : undefined;
    const { report: _full, ...summary } = record;
    const item = { ...x12FileKey(record.tenantId, record.sha256), kind: 'x12-file', ...summary, ...(report !== undefined ? { report } : {}) };
    const listEntry = { ...x12FileListKey(record.tenantId, record.receivedAt, record.sha256), kind: 'x12-file-entry', ...summary };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': partitionKey } } },
            { Put: { TableName: this.tableName, Item: listEntry } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'TransactionCanceledException') {
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      }
      throw error;
    }
  }

  /** A tenant's files, newest first: `limit` entries after `before` (an entry's `receivedAt#sha256` cursor). */
  async files(tenantId: string, limit: number, before?: string): Promise<{ files: Array<FileReportSummary & { receivedAt: string }>; next?: string }> {
    const pk = x12FileListKey(tenantId)[partitionKey];
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: before ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, ...(before ? { '#sk': sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': pk, ...(before ? { ':before': before } : {}) },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return {
      files: Items.map((item) => stripKeys(item)),
      ...(LastEvaluatedKey ? { next: LastEvaluatedKey[sortKey] as string } : {}),
    };
  }

  /**
   * Records a remittance: its claims, its claim links (accepted remittances only: a refused one applied nothing), its
   * date entry, then its header, last and only if absent, so a header means the rest is there. A remittance recorded
   * before (the same transaction in an earlier file, or an earlier attempt that finished) is left as it is: false.
   */
  async saveRemittance({ header, claims }: Remittance): Promise<boolean> {
    const writer = await this.remittanceWriter(header.tenantId, header.remitId, header);
    if (!writer) return false;
    await writer.claims(claims);
    return writer.finish(header);
  }

  /**
   * Records a remittance as its claims come (a remittance of 200,000 claims is never held whole): `claims` for each
   * slice, then `finish` with the header (its claim count and paid total known at the end), which writes the date
   * entry and then the header, last and only if absent. Undefined when the remittance was recorded before.
   * `links` gives what each claim's link repeats of the header (known before its claims).
   */
  async remittanceWriter(tenantId: string, remitId: string, links: Pick<RemittanceHeader, 'listedOn' | 'paymentDate' | 'payer' | 'traceNumber' | 'status'>): Promise<RemittanceWriter | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: remittanceKey(tenantId, remitId), ConsistentRead: true }));
    if (Item) return undefined;
    return {
      claims: async (claims) => {
        const items: Record<string, unknown>[] = [];
        for (const claim of claims) {
          items.push({ ...remittanceKey(tenantId, remitId, claim.position), kind: 'remittance-claim', ...claim });
          if (links.status === 'accepted' && claim.patientControlNumber !== '') {
            const link: ClaimRemittance = { remitId, listedOn: links.listedOn, paymentDate: links.paymentDate, payer: links.payer, traceNumber: links.traceNumber, claim };
            items.push({ ...claimRemittanceKey(tenantId, claim.patientControlNumber, links.listedOn, remitId, claim.position), kind: 'claim-remittance', ...link });
          }
        }
        await this.batchPut(items);
      },
      finish: async (header) => {
        await this.batchPut([{ ...remittanceByDateKey(header.tenantId, header.listedOn, header.remitId), kind: 'remittance-entry', ...header }]);
        return conditionally(
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...remittanceKey(header.tenantId, header.remitId), kind: 'remittance', ...header },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': partitionKey },
            }),
          ),
        );
      },
    };
  }

  /** The file (its SHA-256) that recorded a remittance first, or undefined when it is not recorded. */
  async remittanceFile(tenantId: string, remitId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: remittanceKey(tenantId, remitId), ConsistentRead: true, ProjectionExpression: 'fileSha256' }),
    );
    return Item?.fileSha256 as string | undefined;
  }

  /** A tenant's remittances listed on `from`..`to` (inclusive dates), date-ordered: up to `limit` after `after`. */
  async remittances(tenantId: string, from: string, to: string, limit: number, after?: string): Promise<{ remittances: RemittanceHeader[]; next?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        // '#' sorts before every id character and '~' after them: the whole of each date is in the range.
        ExpressionAttributeValues: { ':pk': remittanceByDateKey(tenantId)[partitionKey], ':from': `${from}#`, ':to': `${to}#~` },
        ...(after ? { ExclusiveStartKey: { [partitionKey]: remittanceByDateKey(tenantId)[partitionKey], [sortKey]: after } } : {}),
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return { remittances: Items.map((item) => stripKeys(item)), ...(LastEvaluatedKey ? { next: LastEvaluatedKey[sortKey] as string } : {}) };
  }

  /** One remittance with all its claims (in file order), or undefined. */
  async remittance(tenantId: string, remitId: string): Promise<Remittance | undefined> {
    const pk = remittanceKey(tenantId, remitId)[partitionKey];
    let header: RemittanceHeader | undefined;
    const claims: RemittanceClaim[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      },
      (item) => {
        if (String(item[sortKey]).startsWith(remittanceClaimPrefix)) claims.push(stripKeys(item));
        else header = stripKeys(item);
      },
    );
    return header ? { header, claims } : undefined;
  }

  /** The remittances that named a claim, by payment date (oldest first). */
  async claimRemittances(tenantId: string, claimId: string): Promise<ClaimRemittance[]> {
    const links: ClaimRemittance[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': claimPartition(tenantId, claimId), ':prefix': claimRemittancePrefix },
        ConsistentRead: true,
      },
      (item) => {
        links.push(stripKeys(item));
      },
    );
    return links;
  }

  /**
   * Records the claims of an 837 transaction set, under its group and set control numbers and its interchange: the
   * same set read again writes the same items; another interchange reusing the numbers is kept beside it.
   */
  async saveBatch(tenantId: string, batch: BatchClaims): Promise<void> {
    const { claimIds, ...facts } = batch;
    const items: Record<string, unknown>[] = [];
    for (let part = 0; part * batchPartSize < Math.max(1, claimIds.length); part++) {
      items.push({
        ...x12BatchKey(tenantId, batch.groupControlNumber, batch.setControlNumber, batch.interchangeControlNumber, part),
        kind: 'x12-batch',
        ...facts,
        part,
        parts: Math.max(1, Math.ceil(claimIds.length / batchPartSize)),
        claimIds: claimIds.slice(part * batchPartSize, (part + 1) * batchPartSize),
      });
    }
    await this.batchPut(items);
  }

  /**
   * The 837 sets of a group (GS06) this tenant received, or one set of it (ST02), each as its latest interchange
   * received has it (control numbers are reused over the years; the newest copy is the one a 999 answers).
   */
  async batches(tenantId: string, groupControlNumber: string, setControlNumber?: string): Promise<BatchClaims[]> {
    const key = x12BatchKey(tenantId, groupControlNumber, setControlNumber ?? '', '');
    const parts: Array<BatchClaims & { part: number; parts: number }> = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': key[partitionKey], ':prefix': setControlNumber === undefined ? x12BatchSetPrefix : key[sortKey] },
        ConsistentRead: true,
      },
      (item) => {
        parts.push(stripKeys(item));
      },
    );
    // Parts by set and interchange; then, per set, the copy received last.
    const copies = new Map<string, Array<(typeof parts)[number]>>();
    for (const part of parts) {
      const copy = `${part.setControlNumber}\u0000${part.interchangeControlNumber}`;
      copies.set(copy, [...(copies.get(copy) ?? []), part]);
    }
    const newest = new Map<string, Array<(typeof parts)[number]>>();
    for (const copy of copies.values()) {
      const first = copy[0]!;
      const held = newest.get(first.setControlNumber)?.[0];
      if (!held || first.receivedAt > held.receivedAt || (first.receivedAt === held.receivedAt && first.interchangeControlNumber > held.interchangeControlNumber)) newest.set(first.setControlNumber, copy);
    }
    return [...newest.values()].map((copy) => {
      const sorted = [...copy].sort((a, b) => a.part - b.part);
      const { part: _part, parts: _parts, ...facts } = sorted[0]!;
      return { ...facts, claimIds: sorted.flatMap((p) => p.claimIds) };
    });
  }

  /** The file list entries received after `since` (exclusive) through `through` (inclusive), oldest first. */
  async filesReceived(tenantId: string, since: string, through: string): Promise<Array<FileReportSummary & { receivedAt: string }>> {
    const files: Array<FileReportSummary & { receivedAt: string }> = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :since AND :through',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        // An entry's sort key is `<receivedAt>#<sha256>`; '~' sorts after every hex digit.
        ExpressionAttributeValues: { ':pk': x12FileListKey(tenantId)[partitionKey], ':since': `${since}#~`, ':through': `${through}#~` },
        ConsistentRead: true,
      },
      (item) => {
        files.push(stripKeys(item));
      },
    );
    return files;
  }

  /** Puts items 25 per request (a few requests at once), retrying what DynamoDB leaves unprocessed. */
  private async batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < items.length; start += 25) chunks.push(items.slice(start, start + 25));
    await inParallel(chunks, writeConcurrency, async (chunk) => {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    });
  }
}

/** The X12 bucket: inbox files read as a stream, reports written and read as JSON. */
export class X12Bucket {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** The object's bytes as they arrive, or undefined when it (or that version) is gone. */
  async open(key: string, versionId?: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return Body as AsyncIterable<Uint8Array> | undefined;
    } catch (error) {
      if (['NoSuchKey', 'NoSuchVersion', 'NotFound'].includes((error as Error).name)) return undefined;
      throw error;
    }
  }

  /** Writes an object (encrypted by the bucket's default key in AWS). */
  async put(key: string, body: Uint8Array | string, contentType: string): Promise<{ versionId?: string }> {
    const { VersionId } = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    return VersionId ? { versionId: VersionId } : {};
  }

  /** Writes an object of `bytes` bytes from a stream (a large report is never read into memory). */
  async putStream(key: string, chunks: AsyncIterable<Uint8Array>, bytes: number, contentType: string): Promise<{ versionId?: string }> {
    const { VersionId } = await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Readable.from(chunks), ContentLength: bytes, ContentType: contentType }));
    return VersionId ? { versionId: VersionId } : {};
  }

  /** A stored report's JSON text, or undefined when there is none (yet). */
  async getText(key: string): Promise<string | undefined> {
    const body = await this.open(key);
    if (!body) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
}
