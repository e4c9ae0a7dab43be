// Work items: one per claim, in the claim's partition, indexed by queue and by assignee while open. The nightly run
// opens, updates and closes them with conditional writes; the fields billers own (lease, pend) are never touched.
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarDate } from '../domain/calendar.js';
import type { FollowUpQueue } from '../domain/tenant-settings.js';
import type { Reason, WorkItemPlan } from '../domain/work-item.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, conditionally } from './dynamo-helpers.js';
import { assigneeIndexKey, queueIndexKey, workItemKey } from './keys.js';

/** A claim's work item: the nightly run's plan for it, and what billers and managers set on it. */
export interface WorkItem extends WorkItemPlan {
  readonly tenantId: string;
  readonly claimId: string;
  readonly status: 'open' | 'closed';
  readonly openedOn: CalendarDate;
  readonly updatedOn: CalendarDate;
  readonly closedOn?: CalendarDate;
  readonly version: number;
  /** Set by a manager's reassignment: the nightly run then keeps the assignee. */
  readonly assignedManually?: boolean;
  /** The biller's next follow-up date (pend). */
  readonly followUpOn?: CalendarDate;
  readonly leasedBy?: string;
  readonly leaseExpiresAt?: string;
}

/** Sort key in the queue and assignee indexes: highest priority first, then the nearest deadline, then claim. */
export const rankKey = (plan: Pick<WorkItemPlan, 'priority' | 'dueOn'>, claimId: string): string =>
  `${String(9999 - plan.priority).padStart(4, '0')}#${plan.dueOn ?? '9999-12-31'}#${claimId}`;

const planFields = ['queue', 'category', 'dollarsCents', 'dueOn', 'priority', 'reasons', 'assignee', 'payerId'] as const;

/** JSON with object keys sorted: DynamoDB does not keep the order of a map's keys. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/** Whether the stored item already says what the plan says (so nothing needs writing). */
export const samePlan = (item: WorkItem, plan: WorkItemPlan): boolean =>
  item.status === 'open' && planFields.every((field) => (field === 'assignee' && item.assignedManually) || canonical(item[field]) === canonical(plan[field]));

/** Reasons are stored as one JSON string: read whole, never queried, cheap to write. */
const fromItem = (item: Record<string, unknown>): WorkItem =>
  ({ ...item, reasons: typeof item.reasons === 'string' ? (JSON.parse(item.reasons) as Reason[]) : [] }) as unknown as WorkItem;

export class WorkItemStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The work items of many claims, in batched consistent reads; claims without one are absent from the map. */
  async getMany(tenantId: string, claimIds: readonly string[]): Promise<Map<string, WorkItem>> {
    const items = await batchGet(this.client, this.tableName, claimIds.map((id) => workItemKey(tenantId, id)));
    return new Map(items.map((item) => [item.claimId as string, fromItem(item)]));
  }

  /** One page of a queue's open work items, highest priority first. */
  pageQueue(tenantId: string, queue: FollowUpQueue, limit: number, cursor?: Record<string, unknown>): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const { workQueue } = tableDesign.indexes;
    return this.pageIndex(workQueue, queueIndexKey(tenantId, queue, '')[workQueue.partitionKey]!, limit, cursor);
  }

  /** One page of the open work items assigned to one assignee (`biller:<id>`, `team:<name>` or `pool`), best first. */
  pageAssignee(tenantId: string, assignee: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const { assigneeQueue } = tableDesign.indexes;
    return this.pageIndex(assigneeQueue, assigneeIndexKey(tenantId, assignee, '')[assigneeQueue.partitionKey]!, limit, cursor);
  }

  async get(tenantId: string, claimId: string): Promise<WorkItem | undefined> {
    const [item] = await batchGet(this.client, this.tableName, [workItemKey(tenantId, claimId)]);
    return item ? fromItem(item) : undefined;
  }

  /**
   * Leases an open item to a user until `until`, if nobody holds an unexpired lease on it: the one write that decides
   * which biller gets it. False when someone else got there first.
   */
  lease(item: Pick<WorkItem, 'tenantId' | 'claimId'>, userId: string, nowIso: string, until: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          // A lease is not a change to the work: it leaves the version alone, so the nightly run never races it.
          UpdateExpression: 'SET leasedBy = :me, leaseExpiresAt = :until',
          ConditionExpression: '#status = :open AND (attribute_not_exists(leasedBy) OR leaseExpiresAt <= :now OR leasedBy = :me)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':me': userId, ':until': until, ':now': nowIso, ':open': 'open' },
        }),
      ),
    );
  }

  /** A manager's reassignment: moves the item to another assignee's index and keeps it there across nights. */
  assign(item: WorkItem, assignee: string): Promise<boolean> {
    const index = assigneeIndexKey(item.tenantId, assignee, rankKey(item, item.claimId));
    const { assigneeQueue } = tableDesign.indexes;
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          UpdateExpression: 'SET assignee = :assignee, assignedManually = :yes, #a = :a, #as = :as, version = :next',
          ConditionExpression: 'version = :expected AND #status = :open',
          ExpressionAttributeNames: { '#a': assigneeQueue.partitionKey, '#as': assigneeQueue.sortKey, '#status': 'status' },
          ExpressionAttributeValues: {
            ':assignee': assignee,
            ':yes': true,
            ':a': index[assigneeQueue.partitionKey],
            ':as': index[assigneeQueue.sortKey],
            ':next': item.version + 1,
            ':expected': item.version,
            ':open': 'open',
          },
        }),
      ),
    );
  }

  /** Sets the biller's next follow-up date (pend); the item's plan is redone right after. */
  setFollowUp(item: Pick<WorkItem, 'tenantId' | 'claimId'>, followUpOn: CalendarDate): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          UpdateExpression: 'SET followUpOn = :on',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
          ExpressionAttributeValues: { ':on': followUpOn },
        }),
      ),
    );
  }

  /** Gives a lease back early; false unless the user holds it. */
  release(item: Pick<WorkItem, 'tenantId' | 'claimId'>, userId: string, nowIso: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          UpdateExpression: 'REMOVE leasedBy, leaseExpiresAt',
          ConditionExpression: 'leasedBy = :me AND leaseExpiresAt > :now',
          ExpressionAttributeValues: { ':me': userId, ':now': nowIso },
        }),
      ),
    );
  }

  /** Every open work item of a queue (tests and small tenants; the API pages). */
  async listQueue(tenantId: string, queue: FollowUpQueue): Promise<WorkItem[]> {
    const all: WorkItem[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.pageQueue(tenantId, queue, 500, cursor);
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  /**
   * Opens the claim's work item, or reopens a closed one. False when someone else wrote it first (the next run
   * sees their version).
   */
  open(tenantId: string, claimId: string, plan: WorkItemPlan, on: CalendarDate, previous?: WorkItem): Promise<boolean> {
    const item = {
      ...workItemKey(tenantId, claimId),
      ...this.indexAttributes(tenantId, claimId, plan),
      kind: 'work-item',
      tenantId,
      claimId,
      status: 'open',
      ...plan,
      reasons: JSON.stringify(plan.reasons),
      openedOn: on,
      updatedOn: on,
      version: (previous?.version ?? 0) + 1,
      // What billers set survives a close and reopen.
      ...(previous?.followUpOn ? { followUpOn: previous.followUpOn } : {}),
    };
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: JSON.parse(JSON.stringify(item)) as Record<string, unknown>,
          ConditionExpression: previous ? 'version = :expected' : 'attribute_not_exists(#pk)',
          ...(previous ? { ExpressionAttributeValues: { ':expected': previous.version } } : { ExpressionAttributeNames: { '#pk': tableDesign.partitionKey } }),
        }),
      ),
    );
  }

  /** Rewrites what the plan decides (queue, reasons, priority, assignee unless set by hand), keeping lease and pend. */
  update(item: WorkItem, plan: WorkItemPlan, on: CalendarDate): Promise<boolean> {
    const assignee = item.assignedManually ? item.assignee : plan.assignee;
    const index = this.indexAttributes(item.tenantId, item.claimId, { ...plan, assignee });
    const values: Record<string, unknown> = {
      ':queue': plan.queue,
      ':dollars': plan.dollarsCents,
      ':priority': plan.priority,
      ':reasons': JSON.stringify(plan.reasons),
      ':assignee': assignee,
      ':payer': plan.payerId,
      ':on': on,
      ':next': item.version + 1,
      ':expected': item.version,
      ':open': 'open',
      ...Object.fromEntries(Object.entries(index).map(([name, value]) => [`:${name}`, value])),
    };
    const sets = ['queue = :queue', 'dollarsCents = :dollars', 'priority = :priority', 'reasons = :reasons', 'assignee = :assignee', 'payerId = :payer', 'updatedOn = :on', 'version = :next', '#status = :open', ...Object.keys(index).map((name) => `${name} = :${name}`)];
    const removes: string[] = ['closedOn'];
    if (plan.category) {
      sets.push('category = :category');
      values[':category'] = plan.category;
    } else removes.push('category');
    if (plan.dueOn) {
      sets.push('dueOn = :due');
      values[':due'] = plan.dueOn;
    } else removes.push('dueOn');
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** Closes the work item: it leaves the queue and assignee indexes, and stays as a record of the work. */
  close(item: WorkItem, on: CalendarDate): Promise<boolean> {
    const { workQueue, assigneeQueue } = tableDesign.indexes;
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: workItemKey(item.tenantId, item.claimId),
          UpdateExpression: 'SET #status = :closed, closedOn = :on, updatedOn = :on, version = :next REMOVE #q, #qs, #a, #as, leasedBy, leaseExpiresAt',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#q': workQueue.partitionKey,
            '#qs': workQueue.sortKey,
            '#a': assigneeQueue.partitionKey,
            '#as': assigneeQueue.sortKey,
          },
          ExpressionAttributeValues: { ':closed': 'closed', ':on': on, ':next': item.version + 1, ':expected': item.version },
        }),
      ),
    );
  }

  private async pageIndex(
    index: { readonly name: string; readonly partitionKey: string },
    partition: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': index.partitionKey },
        ExpressionAttributeValues: { ':p': partition },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return { items: (result.Items ?? []).map(fromItem), ...(result.LastEvaluatedKey ? { cursor: result.LastEvaluatedKey } : {}) };
  }

  private indexAttributes(tenantId: string, claimId: string, plan: Pick<WorkItemPlan, 'queue' | 'assignee' | 'priority' | 'dueOn'>): Record<string, string> {
    const rank = rankKey(plan, claimId);
    return { ...queueIndexKey(tenantId, plan.queue, rank), ...assigneeIndexKey(tenantId, plan.assignee, rank) };
  }
}


