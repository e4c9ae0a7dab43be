// Work items: one per claim, in the claim's partition, indexed by queue and by assignee while open. The nightly run
// opens, updates and closes them with conditional writes; the fields billers own (lease, pend) are never touched.
// Every write that changes an open item's queue, dollars, dates or lease also moves its queue's totals, in the same
// transaction, so the totals GET /queues reads stay exact whatever crashes or retries.
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CalendarDate } from '../domain/calendar.js';
import { contribution, prunableCounters, sumQueueTotals, totalsDelta, type QueueFigures, type TotalsDelta, type TotalsView } from '../domain/queue-totals.js';
import { overdueSince } from '../domain/overdue.js';
import { shardOf } from '../domain/shards.js';
import { followUpQueues, type FollowUpQueue } from '../domain/tenant-settings.js';
import type { Reason, WorkItemMarks, WorkItemPlan, WriteOffRequest } from '../domain/work-item.js';
import { TransientError } from '../shared/errors.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, forEachItem, isConditionFailure } from './dynamo-helpers.js';
import { assigneeIndexKey, queueIndexKey, queueTotalsKey, workItemKey } from './keys.js';

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
  /** A manager accepted the pend past a deadline. */
  readonly followUpPastDeadline?: boolean;
  /** A write-off request waiting for a manager. */
  readonly writeOffRequest?: WriteOffRequest;
  /** Asked by 276 on this date (written by the status inquiries, read as a mark by the plan). */
  readonly statusAskedOn?: CalendarDate;
  /** The last day a biller or manager recorded an action on the claim (overdue counts from it). */
  readonly lastActionOn?: CalendarDate;
  readonly leasedBy?: string;
  readonly leaseExpiresAt?: string;
}

/** What a listing keeps of a queue or assignee index: every condition given must hold. */
export interface WorkItemFilter {
  readonly queue?: FollowUpQueue;
  readonly payerId?: string;
  readonly claimStatus?: string;
  /** Service dates within [serviceOnOrAfter, serviceOnOrBefore]. */
  readonly serviceOnOrAfter?: CalendarDate;
  readonly serviceOnOrBefore?: CalendarDate;
  readonly minCents?: number;
  readonly maxCents?: number;
}

const filterExpression = (filter: WorkItemFilter): { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined => {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const add = (attribute: string, operator: string, value: unknown): void => {
    if (value === undefined) return;
    const i = parts.length;
    names[`#f${i}`] = attribute;
    values[`:f${i}`] = value;
    parts.push(`#f${i} ${operator} :f${i}`);
  };
  add('queue', '=', filter.queue);
  add('payerId', '=', filter.payerId);
  add('claimStatus', '=', filter.claimStatus);
  add('serviceFrom', '>=', filter.serviceOnOrAfter);
  add('serviceThrough', '<=', filter.serviceOnOrBefore);
  add('dollarsCents', '>=', filter.minCents);
  add('dollarsCents', '<=', filter.maxCents);
  return parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
};

/** Changes to what billers and managers set on an item: a value sets it, null removes it. */
export interface MarkChanges {
  readonly followUpOn?: CalendarDate | null;
  readonly followUpPastDeadline?: true | null;
  readonly writeOffRequest?: WriteOffRequest | null;
  readonly lastActionOn?: CalendarDate;
}

/** What billers and managers set on the item, as the plan takes it. */
export const marksOf = (item: WorkItem | undefined): WorkItemMarks =>
  item
    ? { ...(item.followUpOn ? { followUpOn: item.followUpOn } : {}), ...(item.followUpPastDeadline ? { followUpPastDeadline: true } : {}), ...(item.status === 'open' && item.writeOffRequest ? { writeOffRequest: item.writeOffRequest } : {}), ...(item.statusAskedOn ? { statusAskedOn: item.statusAskedOn } : {}) }
    : {};

/** Sort key in the queue and assignee indexes: highest priority first, then the nearest deadline, then claim. */
export const rankKey = (plan: Pick<WorkItemPlan, 'priority' | 'dueOn'>, claimId: string): string =>
  `${String(9999 - plan.priority).padStart(4, '0')}#${plan.dueOn ?? '9999-12-31'}#${claimId}`;

const planFields = ['queue', 'category', 'dollarsCents', 'dueOn', 'priority', 'reasons', 'assignee', 'payerId', 'payerName', 'serviceFrom', 'serviceThrough', 'claimStatus', 'balanceCents'] as const;

/** JSON with object keys sorted: DynamoDB does not keep the order of a map's keys. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

/** Whether the stored item already says what the plan says (so nothing needs writing). */
export const samePlan = (item: WorkItem, plan: WorkItemPlan): boolean =>
  item.status === 'open' && planFields.every((field) => (field === 'assignee' && item.assignedManually) || canonical(item[field]) === canonical(plan[field]));

/** Slices of a queue's totals: a claim always adds to the same one, and a busy queue's writes spread over 16 items. */
export const queueTotalSlices = 16;

/** Tries of a write whose transaction met another on a busy totals slice, before it counts as a lost race. */
const conflictTries = 8;
/** Tries of a write whose condition failed on what the caller read, re-read each time it may still apply. */
const staleTries = 4;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** The work item's own write: a conditional put or update, on its own or as the first item of a transaction. */
type WorkWrite = { readonly Put: NonNullable<TransactItem['Put']> } | { readonly Update: NonNullable<TransactItem['Update']> };

/** What an item counts for in its queue's totals; undefined when it is not open (closed or absent). */
export const totalsView = (item: WorkItem | undefined): TotalsView | undefined =>
  item?.status === 'open'
    ? {
        queue: item.queue,
        dollarsCents: item.dollarsCents,
        openedOn: item.openedOn,
        ...(item.dueOn ? { dueOn: item.dueOn } : {}),
        ...(item.leasedBy && item.leaseExpiresAt ? { leaseExpiresAt: item.leaseExpiresAt } : {}),
        ...overdueOf(item),
      }
    : undefined;

/** The item's overdue date for the totals (overdue.ts decides it from its dates and its last action). */
const overdueOf = (item: Pick<WorkItem, 'queue' | 'openedOn' | 'followUpOn' | 'dueOn' | 'lastActionOn'>): { overdueSince?: CalendarDate } => {
  const since = overdueSince(item);
  return since ? { overdueSince: since } : {};
};

/**
 * The condition that the lease is still as read: the totals delta counts the lease as it was read, and a lease
 * changes without a new version.
 */
const leaseAsRead = (item: WorkItem | undefined): { expression: string; values: Record<string, unknown> } =>
  item?.leaseExpiresAt ? { expression: 'leaseExpiresAt = :seenLease', values: { ':seenLease': item.leaseExpiresAt } } : { expression: 'attribute_not_exists(leaseExpiresAt)', values: {} };

const isTransactionConflict = (error: unknown): boolean =>
  (error as Error).name === 'TransactionConflictException' ||
  (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict'));

/**
 * When the work item's condition failed (as a single write, or as the first item of the transaction): the item as it
 * stands, which the write asked DynamoDB to return (`null` when there is none). Undefined for any other error.
 */
const failedOn = (error: unknown): WorkItem | null | undefined => {
  let found: Record<string, AttributeValue> | undefined;
  if (isConditionFailure(error)) found = (error as { Item?: Record<string, AttributeValue> }).Item;
  else if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') found = error.CancellationReasons[0].Item;
  else return undefined;
  return found ? fromItem(unmarshall(found)) : null;
};

/** Plain values of a returned item (DynamoDB JSON: strings, numbers, booleans, lists, maps). */
const unmarshall = (item: Record<string, AttributeValue>): Record<string, unknown> => Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)]));
const plain = (value: AttributeValue): unknown => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return unmarshall(value.M);
  return undefined;
};

/** Reasons are stored as one JSON string: read whole, never queried, cheap to write. */
const fromItem = (item: Record<string, unknown>): WorkItem =>
  ({ ...item, reasons: typeof item.reasons === 'string' ? (JSON.parse(item.reasons) as Reason[]) : [] }) as unknown as WorkItem;

export class WorkItemStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The wall clock leases are judged by (whether one has expired); tests pass their own. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The work items of many claims, in batched consistent reads; claims without one are absent from the map. */
  async getMany(tenantId: string, claimIds: readonly string[]): Promise<Map<string, WorkItem>> {
    const items = await batchGet(this.client, this.tableName, claimIds.map((id) => workItemKey(tenantId, id)));
    return new Map(items.map((item) => [item.claimId as string, fromItem(item)]));
  }

  /** One page of a queue's open work items, highest priority first. */
  pageQueue(tenantId: string, queue: FollowUpQueue, limit: number, cursor?: Record<string, unknown>, filter?: WorkItemFilter): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const { workQueue } = tableDesign.indexes;
    return this.pageIndex(workQueue, queueIndexKey(tenantId, queue, '')[workQueue.partitionKey]!, limit, cursor, filter);
  }

  /** One page of the open work items assigned to one assignee (`biller:<id>`, `team:<name>` or `pool`), best first. */
  pageAssignee(tenantId: string, assignee: string, limit: number, cursor?: Record<string, unknown>, filter?: WorkItemFilter): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const { assigneeQueue } = tableDesign.indexes;
    return this.pageIndex(assigneeQueue, assigneeIndexKey(tenantId, assignee, '')[assigneeQueue.partitionKey]!, limit, cursor, filter);
  }

  async get(tenantId: string, claimId: string): Promise<WorkItem | undefined> {
    const [item] = await batchGet(this.client, this.tableName, [workItemKey(tenantId, claimId)]);
    return item ? fromItem(item) : undefined;
  }

  /**
   * Leases an open item to a user until `until`, if nobody holds an unexpired lease on it: the one write that decides
   * which biller gets it. False when someone else got there first. The item is the one the caller read: the write
   * also moves the queue's lease counters (an expired lease on it no longer counts; a renewal moves the holder's),
   * and when the item changed since (another lease, a re-plan) it is read again and leased if still free.
   */
  lease(item: WorkItem, userId: string, nowIso: string, until: string): Promise<boolean> {
    return this.change(item.tenantId, item.claimId, item, nowIso, (current) => {
      const view = totalsView(current);
      if (!current || !view || (current.leasedBy && current.leasedBy !== userId && (current.leaseExpiresAt ?? '') > nowIso)) return undefined;
      const seen = leaseAsRead(current);
      return {
        write: {
          Update: {
            TableName: this.tableName,
            Key: workItemKey(item.tenantId, item.claimId),
            // A lease is not a change to the work: it leaves the version alone, so the nightly run never races it.
            UpdateExpression: 'SET leasedBy = :me, leaseExpiresAt = :until',
            ConditionExpression: `#status = :open AND (attribute_not_exists(leasedBy) OR leaseExpiresAt <= :now OR leasedBy = :me) AND #queue = :queue AND ${seen.expression}`,
            ExpressionAttributeNames: { '#status': 'status', '#queue': 'queue' },
            ExpressionAttributeValues: { ':me': userId, ':until': until, ':now': nowIso, ':open': 'open', ':queue': current.queue, ...seen.values },
          },
        },
        after: { ...view, leaseExpiresAt: until },
      };
    });
  }

  /** A manager's reassignment: moves the item to another assignee's index and keeps it there across nights. */
  async assign(item: WorkItem, assignee: string): Promise<boolean> {
    const index = assigneeIndexKey(item.tenantId, assignee, rankKey(item, item.claimId));
    const { assigneeQueue } = tableDesign.indexes;
    // The assignee is no part of the totals: one write.
    const write: WorkWrite = {
      Update: {
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
      },
    };
    return (await this.commit(item.tenantId, item.claimId, write, new Map())) === 'done';
  }

  /**
   * Sets what a biller or manager decided on the item (a pend, a manager's consent to a pend past a deadline, a
   * write-off request, the day of the last action; null removes one), on the version the caller read: false when the
   * item changed since (read it again). The version moves, so a nightly write planned before it cannot undo it.
   */
  async setMarks(item: WorkItem, marks: MarkChanges): Promise<boolean> {
    const sets: string[] = ['version = :next'];
    const removes: string[] = [];
    const values: Record<string, unknown> = { ':next': item.version + 1, ':expected': item.version };
    const marked: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(marks)) {
      if (value === undefined) continue;
      marked[name] = value === null ? undefined : value;
      if (value === null) removes.push(name);
      else {
        sets.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
    }
    return this.change(item.tenantId, item.claimId, item, this.clock().toISOString(), (current) => {
      if (current?.version !== item.version) return undefined;
      const seen = leaseAsRead(current);
      return {
        write: {
          Update: {
            TableName: this.tableName,
            Key: workItemKey(item.tenantId, item.claimId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: `version = :expected AND ${seen.expression}`,
            ExpressionAttributeValues: { ...values, ...seen.values },
          },
        },
        // A pend or an action moves the item's overdue date in its queue's totals.
        after: totalsView({ ...current, ...marked } as WorkItem),
      };
    });
  }

  /**
   * Gives a lease back early; false unless the user holds it. Given only the claim, it reads the item first (the
   * totals need its queue and the lease's expiry).
   */
  async release(item: Pick<WorkItem, 'tenantId' | 'claimId'> | WorkItem, userId: string, nowIso: string): Promise<boolean> {
    const seen = 'version' in item ? item : await this.get(item.tenantId, item.claimId);
    return this.change(item.tenantId, item.claimId, seen, nowIso, (current) => {
      const view = totalsView(current);
      if (!current || !view || current.leasedBy !== userId || !(current.leaseExpiresAt && current.leaseExpiresAt > nowIso)) return undefined;
      const { leaseExpiresAt: _released, ...after } = view;
      return {
        write: {
          Update: {
            TableName: this.tableName,
            Key: workItemKey(item.tenantId, item.claimId),
            UpdateExpression: 'REMOVE leasedBy, leaseExpiresAt',
            ConditionExpression: 'leasedBy = :me AND leaseExpiresAt > :now AND leaseExpiresAt = :seenLease AND #queue = :queue',
            ExpressionAttributeNames: { '#queue': 'queue' },
            ExpressionAttributeValues: { ':me': userId, ':now': nowIso, ':seenLease': current.leaseExpiresAt, ':queue': current.queue },
          },
        },
        after,
      };
    });
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
    const keptPend = previous?.followUpOn && previous.followUpOn > on ? previous.followUpOn : undefined;
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
      // What billers set survives a close and reopen while it still means something: a pend still ahead (a passed one
      // was for the work that closed). A write-off request does not: the work it asked about closed.
      ...(keptPend ? { followUpOn: keptPend } : {}),
      ...(keptPend && previous?.followUpPastDeadline ? { followUpPastDeadline: true } : {}),
      ...(previous?.lastActionOn ? { lastActionOn: previous.lastActionOn } : {}),
      // The 276 mark survives too: the plan judges it against the claim (answered or stale: it holds nothing back).
      ...(previous?.statusAskedOn ? { statusAskedOn: previous.statusAskedOn } : {}),
    };
    const after: TotalsView = {
      queue: plan.queue,
      dollarsCents: plan.dollarsCents,
      openedOn: on,
      ...(plan.dueOn ? { dueOn: plan.dueOn } : {}),
      ...overdueOf({ queue: plan.queue, openedOn: on, ...(plan.dueOn ? { dueOn: plan.dueOn } : {}), ...(keptPend ? { followUpOn: keptPend } : {}), ...(previous?.lastActionOn ? { lastActionOn: previous.lastActionOn } : {}) }),
    };
    return this.change(tenantId, claimId, previous, this.clock().toISOString(), (current) => {
      if (current?.version !== previous?.version) return undefined;
      const seen = leaseAsRead(current);
      return {
        write: {
          Put: {
            TableName: this.tableName,
            Item: JSON.parse(JSON.stringify(item)) as Record<string, unknown>,
            ...(previous
              ? { ConditionExpression: `version = :expected AND ${seen.expression}`, ExpressionAttributeValues: { ':expected': previous.version, ...seen.values } }
              : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey } }),
          },
        },
        after,
      };
    });
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
      ':payerName': plan.payerName,
      ':serviceFrom': plan.serviceFrom,
      ':serviceThrough': plan.serviceThrough,
      ':claimStatus': plan.claimStatus,
      ':balance': plan.balanceCents,
      ':on': on,
      ':next': item.version + 1,
      ':expected': item.version,
      ':open': 'open',
      ...Object.fromEntries(Object.entries(index).map(([name, value]) => [`:${name}`, value])),
    };
    const sets = ['queue = :queue', 'dollarsCents = :dollars', 'priority = :priority', 'reasons = :reasons', 'assignee = :assignee', 'payerId = :payer', 'payerName = :payerName', 'serviceFrom = :serviceFrom', 'serviceThrough = :serviceThrough', 'claimStatus = :claimStatus', 'balanceCents = :balance', 'updatedOn = :on', 'version = :next', '#status = :open', ...Object.keys(index).map((name) => `${name} = :${name}`)];
    const removes: string[] = ['closedOn'];
    if (plan.category) {
      sets.push('category = :category');
      values[':category'] = plan.category;
    } else removes.push('category');
    if (plan.dueOn) {
      sets.push('dueOn = :due');
      values[':due'] = plan.dueOn;
    } else removes.push('dueOn');
    return this.change(item.tenantId, item.claimId, item, this.clock().toISOString(), (current) => {
      if (current?.version !== item.version) return undefined;
      const seen = leaseAsRead(current);
      const lease = totalsView(current)?.leaseExpiresAt;
      return {
        write: {
          Update: {
            TableName: this.tableName,
            Key: workItemKey(item.tenantId, item.claimId),
            UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
            ConditionExpression: `version = :expected AND ${seen.expression}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ...values, ...seen.values },
          },
        },
        // The lease stays on the item, and with it in its new queue.
        after: { queue: plan.queue, dollarsCents: plan.dollarsCents, openedOn: current.openedOn, ...(plan.dueOn ? { dueOn: plan.dueOn } : {}), ...(lease ? { leaseExpiresAt: lease } : {}), ...overdueOf({ ...current, queue: plan.queue, dueOn: plan.dueOn }) },
      };
    });
  }

  /** Closes the work item: it leaves the queue and assignee indexes, and stays as a record of the work. */
  close(item: WorkItem, on: CalendarDate): Promise<boolean> {
    const { workQueue, assigneeQueue } = tableDesign.indexes;
    return this.change(item.tenantId, item.claimId, item, this.clock().toISOString(), (current) => {
      if (current?.version !== item.version) return undefined;
      const seen = leaseAsRead(current);
      return {
        write: {
          Update: {
            TableName: this.tableName,
            Key: workItemKey(item.tenantId, item.claimId),
            UpdateExpression: 'SET #status = :closed, closedOn = :on, updatedOn = :on, version = :next REMOVE #q, #qs, #a, #as, leasedBy, leaseExpiresAt',
            ConditionExpression: `version = :expected AND ${seen.expression}`,
            ExpressionAttributeNames: {
              '#status': 'status',
              '#q': workQueue.partitionKey,
              '#qs': workQueue.sortKey,
              '#a': assigneeQueue.partitionKey,
              '#as': assigneeQueue.sortKey,
            },
            ExpressionAttributeValues: { ':closed': 'closed', ':on': on, ':next': item.version + 1, ':expected': item.version, ...seen.values },
          },
        },
        after: undefined,
      };
    });
  }

  /** Each queue's figures for GET /queues, from the tenant's totals: one query, whatever the number of items. */
  async queueTotals(tenantId: string, today: CalendarDate, now: Date): Promise<Map<string, QueueFigures>> {
    return sumQueueTotals(await this.totalsSlices(tenantId), today, now);
  }

  /**
   * Removes counters the totals no longer need, so slice items stay small: opened and due counters at zero (only
   * while still zero: a write may have just added to one) and lease counters long past. Returns how many it removed.
   * The nightly run calls it once per tenant and night, off the write path.
   */
  async pruneQueueTotals(tenantId: string, now: Date): Promise<number> {
    let removed = 0;
    for (const slice of await this.totalsSlices(tenantId)) {
      let current: Record<string, unknown> | undefined = slice;
      for (let tries = 0; current && tries < staleTries; tries++) {
        const { zero, expired } = prunableCounters(current, now);
        const names = [...zero, ...expired];
        if (names.length === 0) break;
        const key = { [tableDesign.partitionKey]: current[tableDesign.partitionKey], [tableDesign.sortKey]: current[tableDesign.sortKey] };
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: `REMOVE ${names.map((_, i) => `#n${i}`).join(', ')}`,
              ...(zero.length ? { ConditionExpression: zero.map((_, i) => `#n${i} = :zero`).join(' AND '), ExpressionAttributeValues: { ':zero': 0 } } : {}),
              ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#n${i}`, name])),
            }),
          );
          removed += names.length;
          break;
        } catch (error) {
          if (!isConditionFailure(error) && !isTransactionConflict(error)) throw error;
          // A write changed the slice meanwhile: prune it as it is now.
          [current] = await batchGet(this.client, this.tableName, [key]);
        }
      }
    }
    return removed;
  }

  /**
   * Recounts the tenant's totals from its queue indexes, for data written before the totals existed (or to check
   * them): reads the slices, reads every open item, and writes each slice anew, conditional on nobody having added
   * to it since it was read; a slice that changed meanwhile is recounted again. Run it when the tenant is quiet (not
   * during its night): the queue index lags the table by a moment, so an item written just before may be missed.
   */
  async rebuildQueueTotals(tenantId: string, options: { now?: Date; settleMs?: number } = {}): Promise<{ slices: number; items: number }> {
    for (let tries = 1; ; tries++) {
      const before = new Map((await this.totalsSlices(tenantId)).map((slice) => [String(slice[tableDesign.sortKey]), slice]));
      await sleep(options.settleMs ?? 2_000);
      const nowIso = (options.now ?? this.clock()).toISOString();
      const counted = new Map<string, { queue: string; slice: number; counters: Record<string, number> }>();
      let items = 0;
      for (const queue of followUpQueues) {
        for (const item of await this.listQueue(tenantId, queue)) {
          const view = totalsView(item);
          if (!view) continue;
          items++;
          const slice = shardOf(item.claimId, queueTotalSlices);
          const sk = String(queueTotalsKey(tenantId, queue, slice)[tableDesign.sortKey]);
          const entry = counted.get(sk) ?? { queue, slice, counters: {} };
          for (const [name, amount] of Object.entries(contribution(view, nowIso))) entry.counters[name] = (entry.counters[name] ?? 0) + amount;
          counted.set(sk, entry);
        }
      }
      let stale = false;
      for (const sk of new Set([...before.keys(), ...counted.keys()])) {
        const seen = before.get(sk);
        const entry = counted.get(sk);
        const unchanged: { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } = seen
          ? { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': seen.rev } }
          : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey } };
        const key = { [tableDesign.partitionKey]: queueTotalsKey(tenantId)[tableDesign.partitionKey], [tableDesign.sortKey]: sk };
        try {
          if (entry) await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...key, kind: 'queue-totals', queue: entry.queue, rev: Number(seen?.rev ?? 0) + 1, ...entry.counters }, ...unchanged }));
          else await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key, ...unchanged }));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          stale = true;
        }
      }
      if (!stale) return { slices: counted.size, items };
      if (tries >= staleTries) throw new Error(`queue totals of ${tenantId} kept changing during the recount; run it when the tenant is quiet`);
    }
  }

  /** Every slice item of the tenant's totals (all queues), read consistently. */
  private async totalsSlices(tenantId: string): Promise<Record<string, unknown>[]> {
    const slices: Record<string, unknown>[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: { ':pk': queueTotalsKey(tenantId)[tableDesign.partitionKey] },
        ConsistentRead: true,
      },
      (item) => slices.push(item),
    );
    return slices;
  }

  /**
   * Runs a write built from the item as it stands (`seen` first): `build` answers undefined when the write no longer
   * applies (the caller lost the race), else the work item's write, conditional on what the totals delta was worked
   * out from, and what the item counts for after it. When that condition fails, the item is read again and the write
   * rebuilt, so a change the caller's condition allows (a lease taken, a lease expired) never drifts the totals.
   */
  private async change(
    tenantId: string,
    claimId: string,
    seen: WorkItem | undefined,
    nowIso: string,
    build: (current: WorkItem | undefined) => { readonly write: WorkWrite; readonly after: TotalsView | undefined } | undefined,
  ): Promise<boolean> {
    let current = seen;
    for (let tries = 0; tries < staleTries; tries++) {
      const step = build(current);
      if (!step) return false;
      const outcome = await this.commit(tenantId, claimId, step.write, totalsDelta(totalsView(current), step.after, nowIso));
      if (outcome === 'done') return true;
      current = outcome.current;
    }
    return false;
  }

  /**
   * Writes the work item and, in the same transaction, adds the delta to its slice of each queue it touches (one
   * write when the totals do not move). A transaction that meets another on a busy slice is tried again after a short
   * random pause; after `conflictTries` it is a lost race.
   */
  private async commit(tenantId: string, claimId: string, write: WorkWrite, delta: TotalsDelta): Promise<'done' | { readonly current: WorkItem | undefined }> {
    const slices = this.sliceUpdates(tenantId, claimId, delta);
    // On a failed condition DynamoDB returns the item as it stands: the write can be rebuilt without reading it again.
    const returning: WorkWrite = 'Put' in write ? { Put: { ...write.Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } } : { Update: { ...write.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
    for (let tries = 1; ; tries++) {
      try {
        if (slices.length > 0) await this.client.send(new TransactWriteCommand({ TransactItems: [returning, ...slices] }));
        else if ('Put' in returning) await this.client.send(new PutCommand(returning.Put as PutCommandInput));
        else await this.client.send(new UpdateCommand(returning.Update as UpdateCommandInput));
        return 'done';
      } catch (error) {
        const current = failedOn(error);
        if (current !== undefined) return { current: current ?? undefined };
        if (!isTransactionConflict(error)) throw error;
        // Not a lost race: the caller may well hold the lease. Transient: the request or message is retried.
        if (tries >= conflictTries) throw new TransientError('queue totals kept conflicting');
        await sleep(Math.floor(Math.random() * 10 * tries) + 2);
      }
    }
  }

  /** The totals updates of a delta: ADD on the claim's slice of each queue that moves (`rev` counts the writes). */
  private sliceUpdates(tenantId: string, claimId: string, delta: TotalsDelta): TransactItem[] {
    const slice = shardOf(claimId, queueTotalSlices);
    return [...delta].map(([queue, counters]) => {
      const names = Object.keys(counters);
      return {
        Update: {
          TableName: this.tableName,
          Key: queueTotalsKey(tenantId, queue, slice),
          UpdateExpression: `SET #kind = :kind, #queue = :queue ADD #rev :one, ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: { '#kind': 'kind', '#queue': 'queue', '#rev': 'rev', ...Object.fromEntries(names.map((name, i) => [`#c${i}`, name])) },
          ExpressionAttributeValues: { ':kind': 'queue-totals', ':queue': queue, ':one': 1, ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name]])) },
        },
      };
    });
  }

  private async pageIndex(
    index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
    partition: string,
    limit: number,
    cursor?: Record<string, unknown>,
    filter: WorkItemFilter = {},
  ): Promise<{ items: WorkItem[]; cursor?: Record<string, unknown> }> {
    const where = filterExpression(filter);
    const items: Record<string, unknown>[] = [];
    let start = cursor;
    // A filter drops items after DynamoDB counts them against the limit: read on until the page is full, a few reads at most.
    for (let reads = 0; reads < (where ? 8 : 1); reads++) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': index.partitionKey, ...where?.names },
          ExpressionAttributeValues: { ':p': partition, ...where?.values },
          ...(where ? { FilterExpression: where.expression } : {}),
          Limit: where ? Math.max(limit, 100) : limit,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
      if (!start || items.length >= limit) break;
    }
    if (items.length > limit) {
      // The page ends at its last item: the next starts right after it.
      items.length = limit;
      const last = items[limit - 1]!;
      start = Object.fromEntries([tableDesign.partitionKey, tableDesign.sortKey, index.partitionKey, index.sortKey].map((name) => [name, last[name]]));
    }
    return { items: items.map(fromItem), ...(start ? { cursor: start } : {}) };
  }

  private indexAttributes(tenantId: string, claimId: string, plan: Pick<WorkItemPlan, 'queue' | 'assignee' | 'priority' | 'dueOn'>): Record<string, string> {
    const rank = rankKey(plan, claimId);
    return { ...queueIndexKey(tenantId, plan.queue, rank), ...assigneeIndexKey(tenantId, plan.assignee, rank) };
  }
}


