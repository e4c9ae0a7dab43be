// Nightly run records: one per tenant and date, counting finished shards (the last to finish completes it), and
// beside it one result item per segment of a shard (a page of claims), written once. A finishing shard adds the sum
// of its segments to the run record, once, in the same write that counts it finished.
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StatusInquiryFigures } from '../domain/digest.js';
import { addTally, type Tally } from '../domain/night-summary.js';
import { shardLabel } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';
import { conditionally, forEachItem, isConditionFailure } from './dynamo-helpers.js';
import { latestRunKey, runKey, runSegmentKey } from './keys.js';

export interface NightlyRunRecord {
  readonly tenantId: string;
  readonly runDate: string;
  readonly status: 'running' | 'complete';
  readonly attempt: number;
  readonly shardCount: number;
  readonly finishedShards: readonly string[];
  /**
   * The attempt's figures over its finished shards, each the sum of its segments: "claimsAged", "bucketChanged",
   * "opened:<queue>", "updated:<queue>", "closed:<queue>", "writes", "retired", the digest's tallies, "shardRetries".
   */
  readonly counts: Readonly<Record<string, number>>;
  readonly startedAt: string;
  readonly completedAt?: string;
  /** The digest's status-check figures (276 sent, 277 answers, claims moved since the previous digest), once it is built. */
  readonly statusInquiries?: StatusInquiryFigures;
}

/** Where a run stands, without its counts: what finishing a shard needs to know. */
export type RunProgress = Pick<NightlyRunRecord, 'status' | 'attempt' | 'shardCount' | 'finishedShards'>;

/** One segment of a shard: the page of claims after `start`, as the first try that read it recorded it. */
export interface RunSegment {
  /** Cursor the segment starts after; undefined for the shard's first. */
  readonly start?: string;
  /** Cursor of the next segment; undefined for the shard's last. */
  readonly end?: string;
  /** The page's last claim: a try that redoes the segment stops there, whatever the index holds now. */
  readonly lastClaimId?: string;
  readonly counts: Readonly<Tally>;
  /** Every claim of the page has been written. */
  readonly done: boolean;
  /** Tries that took the segment up again before it was done (a crash, a timeout, a failure, a duplicate). */
  readonly resumed: number;
}

const countPrefix = 'count:';
const { partitionKey, sortKey } = tableDesign;

const toProgress = (item: Record<string, unknown>): RunProgress => ({
  status: item.status as NightlyRunRecord['status'],
  attempt: (item.attempt as number | undefined) ?? 1,
  shardCount: item.shardCount as number,
  finishedShards: (item.finishedShards as string[] | undefined) ?? [],
});

const toRecord = (item: Record<string, unknown>): NightlyRunRecord => {
  const counts: Tally = {};
  for (const [name, value] of Object.entries(item)) if (name.startsWith(countPrefix)) counts[name.slice(countPrefix.length)] = value as number;
  return {
    tenantId: item.tenantId as string,
    runDate: item.runDate as string,
    ...toProgress(item),
    counts,
    startedAt: item.startedAt as string,
    ...(item.completedAt ? { completedAt: item.completedAt as string } : {}),
    ...(item.statusInquiries ? { statusInquiries: item.statusInquiries as StatusInquiryFigures } : {}),
  };
};

const toSegment = (item: Record<string, unknown>): RunSegment => ({
  ...(item.start ? { start: item.start as string } : {}),
  ...(item.end ? { end: item.end as string } : {}),
  ...(item.lastClaimId ? { lastClaimId: item.lastClaimId as string } : {}),
  counts: (item.counts as Tally | undefined) ?? {},
  done: item.done === true,
  resumed: (item.resumed as number | undefined) ?? 0,
});

/** A cursor names the segment it starts; hashed, since a cursor is long and carries the index's key. */
const segmentId = (start: string | undefined): string => (start ? createHash('sha256').update(start).digest('hex').slice(0, 32) : 'first');

export class RunStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the run record; returns false when the tenant's night already has one (the run is idempotent per date). */
  create(tenantId: string, runDate: string, shardCount: number, startedAt: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...runKey(tenantId, runDate), kind: 'nightly-run', tenantId, runDate, status: 'running', attempt: 1, shardCount, finishedShards: [], startedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Starts the date over as a new attempt: finished shards and run-level counts are reset, and the new attempt's
   * segments are its own (the previous attempt's stay, under their attempt). Returns the new attempt.
   */
  async restart(tenantId: string, runDate: string, shardCount: number, startedAt: string, previousAttempt: number): Promise<number> {
    const attempt = previousAttempt + 1;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...runKey(tenantId, runDate), kind: 'nightly-run', tenantId, runDate, status: 'running', attempt, shardCount, finishedShards: [], startedAt },
        ConditionExpression: 'attempt = :previous',
        ExpressionAttributeValues: { ':previous': previousAttempt },
      }),
    );
    return attempt;
  }

  /** The run record, its counts summed over the shards finished so far (every shard once the run is complete). */
  async get(tenantId: string, runDate: string): Promise<NightlyRunRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runDate), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /** Where the run stands (one item read, no counts). */
  async progress(tenantId: string, runDate: string): Promise<RunProgress | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runDate), ConsistentRead: true }));
    return Item ? toProgress(Item) : undefined;
  }

  /** The segment of an attempt's shard that starts after `start`, if a try has recorded it. */
  async segment(tenantId: string, runDate: string, attempt: number, shard: number, start: string | undefined): Promise<RunSegment | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: runSegmentKey(tenantId, runDate, attempt, shard, segmentId(start)), ConsistentRead: true }),
    );
    return Item ? toSegment(Item) : undefined;
  }

  /**
   * Records a segment's result before any of its claims is written, once: false when another try recorded it first
   * (its record stands, so a retry never adds the same claims twice). `tryId` names the try that recorded it.
   */
  recordSegment(tenantId: string, runDate: string, attempt: number, shard: number, segment: Omit<RunSegment, 'done' | 'resumed'>, tryId: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...runSegmentKey(tenantId, runDate, attempt, shard, segmentId(segment.start)),
            kind: 'nightly-run-segment',
            shard: shardLabel(shard),
            ...(segment.start ? { start: segment.start } : {}),
            ...(segment.end ? { end: segment.end } : {}),
            ...(segment.lastClaimId ? { lastClaimId: segment.lastClaimId } : {}),
            counts: segment.counts,
            tryId,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      ),
    );
  }

  /**
   * Counts a try taking up a recorded segment that is not done (the run's health counts it as a retry). False when
   * the segment was done meanwhile: nothing is left to redo.
   */
  resumeSegment(tenantId: string, runDate: string, attempt: number, shard: number, start: string | undefined): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runSegmentKey(tenantId, runDate, attempt, shard, segmentId(start)),
          UpdateExpression: 'ADD resumed :one',
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(done)',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  /**
   * Marks a segment done. The try that recorded it, when no other try took it up meanwhile, replaces the counts it
   * planned with those of the writes that went through (a write can lose a race to a biller or an event); otherwise
   * the recorded counts stand, as no try can tell which writes another made.
   */
  async finishSegment(tenantId: string, runDate: string, attempt: number, shard: number, start: string | undefined, made?: { readonly tryId: string; readonly counts: Readonly<Tally> }): Promise<void> {
    const Key = runSegmentKey(tenantId, runDate, attempt, shard, segmentId(start));
    if (
      made &&
      (await conditionally(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET done = :true, #counts = :counts',
            ConditionExpression: 'tryId = :try AND attribute_not_exists(resumed) AND attribute_not_exists(done)',
            ExpressionAttributeNames: { '#counts': 'counts' },
            ExpressionAttributeValues: { ':true': true, ':counts': made.counts, ':try': made.tryId },
          }),
        ),
      ))
    ) {
      return;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET done = :true',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  /**
   * Records a shard of an attempt as finished and adds the sum of its segments to the run's counts, once, in one
   * conditional write: a redelivered shard message adds nothing, and a message of an older attempt adds nothing to a
   * re-run. Every segment of the shard is done by then, so the sum is final. Returns whether this call counted the
   * shard, and where the run stands after. `counts`, for a caller that tallies a shard whole rather than page by
   * page, is the shard's result as one segment, written once before the sum is taken.
   */
  async finishShard(tenantId: string, runDate: string, attempt: number, shard: number, counts?: Readonly<Tally>): Promise<{ readonly counted: boolean; readonly run?: RunProgress }> {
    if (counts && Object.keys(counts).length > 0) {
      await conditionally(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...runSegmentKey(tenantId, runDate, attempt, shard, 'whole'), kind: 'nightly-run-segment', shard: shardLabel(shard), counts, done: true },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': partitionKey },
          }),
        ),
      );
    }
    const total = await this.shardTotal(tenantId, runDate, attempt, shard);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':shard': [shardLabel(shard)], ':label': shardLabel(shard), ':attempt': attempt };
    const adds = Object.entries(total).map(([name, value], i) => {
      names[`#c${i}`] = `${countPrefix}${name}`;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: `SET finishedShards = list_append(finishedShards, :shard)${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND attempt = :attempt AND NOT contains(finishedShards, :label)',
          ...(adds.length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { counted: true, run: toProgress(Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const run = await this.progress(tenantId, runDate);
      return { counted: false, ...(run ? { run } : {}) };
    }
  }

  /** The sum of a shard's segments: their counts, and the tries that took one up again as shard retries. */
  private async shardTotal(tenantId: string, runDate: string, attempt: number, shard: number): Promise<Tally> {
    const prefix = runSegmentKey(tenantId, runDate, attempt, shard);
    const total: Tally = {};
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': prefix[partitionKey], ':prefix': prefix[sortKey] },
        ConsistentRead: true,
      },
      (item) => {
        const segment = toSegment(item);
        addTally(total, segment.resumed > 0 ? { ...segment.counts, shardRetries: segment.resumed } : segment.counts);
      },
    );
    return total;
  }

  /** Counts a failed try at a shard of the attempt outside any segment's claims (run health in the digest). */
  async countShardRetry(tenantId: string, runDate: string, attempt: number): Promise<void> {
    await conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'ADD #retries :one',
          ConditionExpression: 'attribute_exists(pk) AND attempt = :attempt',
          ExpressionAttributeNames: { '#retries': `${countPrefix}shardRetries` },
          ExpressionAttributeValues: { ':one': 1, ':attempt': attempt },
        }),
      ),
    );
  }

  /** Marks the run complete; returns false if it already was (only one caller goes on to send the digest). */
  complete(tenantId: string, runDate: string, attempt: number, completedAt: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'SET #status = :complete, completedAt = :at',
          ConditionExpression: '#status = :running AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':complete': 'complete', ':running': 'running', ':at': completedAt, ':attempt': attempt },
        }),
      ),
    );
  }

  /**
   * Keeps the digest's status-check figures on the run record (GET /runs/{date}): only on the completed attempt they
   * were built for (a re-run of the date builds its own). The same figures again change nothing.
   */
  saveStatusInquiryFigures(tenantId: string, runDate: string, attempt: number, figures: StatusInquiryFigures): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'SET statusInquiries = :figures',
          ConditionExpression: '#status = :complete AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':figures': figures, ':complete': 'complete', ':attempt': attempt },
        }),
      ),
    );
  }

  /** Records `runDate` as the tenant's latest completed night, unless a later one already is. */
  async markLatestCompleted(tenantId: string, runDate: string): Promise<void> {
    await conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: latestRunKey(tenantId),
          UpdateExpression: 'SET latestCompleted = :date, kind = :kind',
          ConditionExpression: 'attribute_not_exists(latestCompleted) OR latestCompleted <= :date',
          ExpressionAttributeValues: { ':date': runDate, ':kind': 'latest-run' },
        }),
      ),
    );
  }

  /** The tenant's latest completed night, if any. */
  async latestCompleted(tenantId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: latestRunKey(tenantId), ConsistentRead: true }));
    return Item?.latestCompleted as string | undefined;
  }
}
