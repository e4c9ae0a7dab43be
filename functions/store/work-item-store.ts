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
import {
  boundedAdvance,
  contribution,
  dueFolded,
  isDated,
  maxStepCounters,
  needsFar,
  noWindow,
  overdueFolded,
  prunableCounters,
  recountedSlice,
  sameWindow,
  splitCounters,
  sumQueueTotals,
  totalsDelta,
  windowOf,
  type QueueFigures,
  type SliceAdvance,
  type SliceWindow,
  type TotalsDelta,
  type TotalsView,
} from '../domain/queue-totals.js';
import { overdueSince } from '../domain/overdue.js';
import { shardOf } from '../domain/shards.js';
import { followUpQueues, type FollowUpQueue } from '../domain/tenant-settings.js';
import type { Reason, WorkItemMarks, WorkItemPlan, WriteOffRequest } from '../domain/work-item.js';
import { TransientError } from '../shared/errors.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, forEachItem, isConditionFailure } from './dynamo-helpers.js';
import { assigneeIndexKey, queueIndexKey, queueOfTotalsKey, queueTotalsKey, workItemKey } from './keys.js';

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

/**
 * Slices of a queue's totals (a claim always adds to the same one): one. GET /queues reads every slice's near item,
 * and DynamoDB Local's cost follows the attributes read: measured on bench:api, 4 slices (28 near items, 363
 * attributes) gave a GET /queues p99 2.55× one GetItem's, 1 slice (7 items, 98 attributes) 1.68×. The contention
 * slices would spread is taken off by the group commit instead (see `commit`): the night's writers share one update
 * of a queue's totals item per group of up to 25 work items. Raise it only with the reads measured again.
 */
export const queueTotalSlices = 1;

/**
 * The slice whose near item holds a queue's lease counters (with more than one slice): leases are the API's writes
 * (a few billers at a time, not the night's writers), and one item of them per queue keeps GET /queues small (a
 * counter per minute of expiry per queue, not per slice).
 */
const leaseSlice = 0;
const isLeaseCounter = (name: string): boolean => name.startsWith('l_');

/** Tries of a write whose transaction met another on a busy totals slice, before it counts as a lost race. */
const conflictTries = 8;
/** Tries of a write whose condition failed on what the caller read, re-read each time it may still apply. */
const staleTries = 4;
/** Tries of a write that placed its counters by a slice window the night has moved since (each try learns the new one). */
const windowTries = 4;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A work item's write with its totals delta, waiting to go in the next group. */
interface PendingCommit {
  readonly tenantId: string;
  readonly claimId: string;
  readonly write: WorkWrite;
  readonly delta: TotalsDelta;
  conflicts: number;
  moved: number;
  readonly resolve: (outcome: 'done' | { readonly current: WorkItem | undefined }) => void;
  readonly reject: (error: unknown) => void;
}
/**
 * Work items a group commit writes at most, with their totals: 25 items, and one update per totals item they touch
 * (7 queues × near, far and the lease slice at most), within a transaction's 100 actions and each expression's 4 KB.
 */
const groupLimit = 25;
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

/** A totals item with the queue it counts (named by its sort key only, to keep the items GET /queues reads small). */
const withQueue = (item: Record<string, unknown>): Record<string, unknown> => ({ ...item, queue: queueOfTotalsKey(String(item[tableDesign.sortKey])) });

/** The condition that a slice item's window is `window` (absent when it has none). */
const windowCondition = (window: SliceWindow): { expression: string; names: Record<string, string>; values: Record<string, unknown> } => {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, value] of [['nearThrough', window.nearThrough], ['openedThrough', window.openedThrough]] as const) {
    if (value === null) parts.push(`attribute_not_exists(#w_${name})`);
    else {
      parts.push(`#w_${name} = :w_${name}`);
      values[`:w_${name}`] = value;
    }
  }
  return { expression: parts.join(' AND '), names: { '#w_nearThrough': 'nearThrough', '#w_openedThrough': 'openedThrough' }, values };
};

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

  /** The window of each totals slice as this store last saw it (`tenant#queue#slice`); a write learns a moved one. */
  private readonly windows = new Map<string, SliceWindow>();

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

  /**
   * Each queue's figures for GET /queues, from the tenant's totals: one query of the near items, whatever the number
   * of work items. A slice whose near item does not suffice for `today` (`needsFar`) adds its far item, read right
   * after; a window the night moved between the two reads is read again.
   */
  async queueTotals(tenantId: string, today: CalendarDate, now: Date): Promise<Map<string, QueueFigures>> {
    for (let tries = 1; ; tries++) {
      const near = await this.totalsSlices(tenantId, 'NEAR#');
      const short = near.filter((item) => needsFar(item, today));
      if (short.length === 0) return sumQueueTotals(near.map(withQueue), today, now);
      const farKey = (item: Record<string, unknown>) => ({ [tableDesign.partitionKey]: item[tableDesign.partitionKey], [tableDesign.sortKey]: String(item[tableDesign.sortKey]).replace(/^NEAR#/, 'FAR#') });
      const far = new Map((await batchGet(this.client, this.tableName, short.map(farKey))).map((item) => [String(item[tableDesign.sortKey]), item]));
      if (short.every((item) => sameWindow(windowOf(item), windowOf(far.get(String(farKey(item)[tableDesign.sortKey])))))) return sumQueueTotals([...near, ...far.values()].map(withQueue), today, now);
      if (tries >= staleTries) throw new TransientError('queue totals windows kept moving while read');
    }
  }

  /**
   * The night's step of the tenant's totals on `asOf` (the night's date, or the tenant's today if earlier: never
   * after a reader's today): each slice's window moves on, the far counters it now covers move near, and the passed
   * due and overdue counters fold into one each. Each slice in one transaction, on the condition that its far item
   * and the near counters it folds are as read (a racing write makes it read the slice again); a step of more than
   * `maxStepCounters` counters (nights missed for months) goes in pieces, each an earlier night's step. Returns the
   * slices moved.
   */
  async advanceQueueTotals(tenantId: string, asOf: CalendarDate, stepLimit = maxStepCounters): Promise<number> {
    const pairs = new Map<string, { near?: Record<string, unknown>; far?: Record<string, unknown> }>();
    for (const item of await this.totalsSlices(tenantId)) {
      const [part, ...rest] = String(item[tableDesign.sortKey]).split('#');
      if (part !== 'NEAR' && part !== 'FAR') continue;
      const pair = pairs.get(rest.join('#')) ?? {};
      pair[part === 'NEAR' ? 'near' : 'far'] = item;
      pairs.set(rest.join('#'), pair);
    }
    let advanced = 0;
    for (const [sliceId, seen] of pairs) {
      const [queue, slice] = [sliceId.slice(0, sliceId.lastIndexOf('#')), Number(sliceId.slice(sliceId.lastIndexOf('#') + 1))];
      const reread = async (): Promise<{ near?: Record<string, unknown>; far?: Record<string, unknown> }> => {
        const [near, far] = [queueTotalsKey(tenantId, queue, slice, 'near'), queueTotalsKey(tenantId, queue, slice, 'far')];
        const items = await batchGet(this.client, this.tableName, [near, far]);
        const find = (key: Record<string, unknown>) => items.find((item) => item[tableDesign.sortKey] === key[tableDesign.sortKey]);
        return { near: find(near), far: find(far) };
      };
      let pair = seen;
      let moved = false;
      for (let tries = 1; ; ) {
        // A big step goes in pieces (each an earlier night's step, within the expression limits), each written alone.
        const piece = boundedAdvance(pair.near, pair.far, asOf, stepLimit);
        if (!piece) break;
        try {
          await this.client.send(new TransactWriteCommand({ TransactItems: this.advanceWrites(tenantId, queue, slice, pair, piece.step) }));
          moved = true;
          if (piece.asOf === asOf) break;
          pair = await reread();
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || tries++ >= staleTries) throw error;
          // A write met the slice meanwhile: advance it as it is now.
          await sleep(Math.floor(Math.random() * 20 * tries));
          pair = await reread();
        }
      }
      if (moved) advanced++;
    }
    return advanced;
  }

  /** The two updates of a slice's night step: the near item gets the moved and folded counters, the far item loses them. */
  private advanceWrites(tenantId: string, queue: string, slice: number, seen: { near?: Record<string, unknown>; far?: Record<string, unknown> }, step: SliceAdvance): TransactItem[] {
    const before = windowOf(seen.near);
    const beforeWindow = windowCondition(before);
    const names: Record<string, string> = { '#rev': 'rev', '#nt': 'nearThrough' };
    const values: Record<string, unknown> = { ':one': 1, ':nt': step.window.nearThrough };
    const setWindow = ['#nt = :nt', ...(step.window.openedThrough === null ? [] : ['#ot = :ot'])];
    if (step.window.openedThrough !== null) {
      names['#ot'] = 'openedThrough';
      values[':ot'] = step.window.openedThrough;
    }
    // Near: moved counters that do not fold are added as they are; folded ones (near or moved) go into the two sums.
    const nearNames: Record<string, string> = { ...names, '#ft': 'foldedThrough', '#df': dueFolded, '#vf': overdueFolded, ...beforeWindow.names };
    const nearValues: Record<string, unknown> = { ...values, ':ft': step.foldedThrough, ':df': step.dueFoldedAdd, ':vf': step.overdueFoldedAdd, ...beforeWindow.values };
    const adds = ['#rev :one', '#df :df', '#vf :vf'];
    Object.entries(step.movedNear).forEach(([name, value], i) => {
      nearNames[`#m${i}`] = name;
      nearValues[`:m${i}`] = value;
      adds.push(`#m${i} :m${i}`);
    });
    const removes: string[] = [];
    const conditions = [beforeWindow.expression];
    const previousFold = typeof seen.near?.foldedThrough === 'string' ? seen.near.foldedThrough : null;
    if (previousFold === null) conditions.push('attribute_not_exists(#ft)');
    else {
      conditions.push('#ft = :seenFold');
      nearValues[':seenFold'] = previousFold;
    }
    Object.entries(step.folded).forEach(([name, value], i) => {
      nearNames[`#f${i}`] = name;
      nearValues[`:f${i}`] = value;
      removes.push(`#f${i}`);
      conditions.push(`#f${i} = :f${i}`);
    });
    const nearUpdate: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: queueTotalsKey(tenantId, queue, slice, 'near'),
        UpdateExpression: `SET ${[...setWindow, '#ft = :ft'].join(', ')} ADD ${adds.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: nearNames,
        ExpressionAttributeValues: nearValues,
      },
    };
    // Far: the moved counters leave, on the condition that no write came in since it was read.
    const farNames: Record<string, string> = { ...names };
    const farValues: Record<string, unknown> = { ...values };
    const farRemoves = Object.keys(step.moved).map((name, i) => {
      farNames[`#m${i}`] = name;
      return `#m${i}`;
    });
    if (seen.far?.rev !== undefined) farValues[':seenRev'] = seen.far.rev;
    const farUpdate: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: queueTotalsKey(tenantId, queue, slice, 'far'),
        UpdateExpression: `SET ${setWindow.join(', ')} ADD #rev :one${farRemoves.length ? ` REMOVE ${farRemoves.join(', ')}` : ''}`,
        ConditionExpression: seen.far?.rev === undefined ? 'attribute_not_exists(#rev)' : '#rev = :seenRev',
        ExpressionAttributeNames: farNames,
        ExpressionAttributeValues: farValues,
      },
    };
    return [nearUpdate, farUpdate];
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
   * Recounts the tenant's totals from its queue indexes, for data written before the totals existed, before the
   * near and far items (the upgrade: older slice items are replaced), or to check them: reads the slice items, reads
   * every open item, and writes each slice anew as a night on `today` leaves it (near and far in one transaction),
   * conditional on nobody having added to it since it was read, and deletes slice items no longer needed; a slice
   * that changed meanwhile is recounted again. Run it when the tenant is quiet (not during its night): the queue index
   * lags the table by a moment, so an item written just before may be missed.
   */
  async rebuildQueueTotals(tenantId: string, options: { now?: Date; today?: CalendarDate; settleMs?: number } = {}): Promise<{ slices: number; items: number }> {
    for (let tries = 1; ; tries++) {
      const before = new Map((await this.totalsSlices(tenantId)).map((slice) => [String(slice[tableDesign.sortKey]), slice]));
      await sleep(options.settleMs ?? 2_000);
      const now = options.now ?? this.clock();
      const nowIso = now.toISOString();
      const counted = new Map<string, { queue: string; slice: number; counters: Record<string, number> }>();
      let items = 0;
      for (const queue of followUpQueues) {
        for (const item of await this.listQueue(tenantId, queue)) {
          const view = totalsView(item);
          if (!view) continue;
          items++;
          for (const [name, amount] of Object.entries(contribution(view, nowIso))) {
            const slice = isLeaseCounter(name) ? leaseSlice : shardOf(item.claimId, queueTotalSlices);
            const entry = counted.get(`${queue}#${slice}`) ?? { queue, slice, counters: {} };
            entry.counters[name] = (entry.counters[name] ?? 0) + amount;
            counted.set(`${queue}#${slice}`, entry);
          }
        }
      }
      const unchanged = (sk: string): { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } => {
        const seen = before.get(sk);
        return seen
          ? { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': seen.rev } }
          : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey } };
      };
      const written = new Set<string>();
      let stale = false;
      const asOf = options.today ?? nowIso.slice(0, 10);
      for (const { queue, slice, counters } of counted.values()) {
        const { window, foldedThrough, near, far } = recountedSlice(counters, asOf);
        const windowAttributes = { nearThrough: window.nearThrough, ...(window.openedThrough === null ? {} : { openedThrough: window.openedThrough }) };
        const put = (part: 'near' | 'far', attributes: Record<string, unknown>): TransactItem => {
          const key = queueTotalsKey(tenantId, queue, slice, part);
          const sk = String(key[tableDesign.sortKey]);
          written.add(sk);
          return { Put: { TableName: this.tableName, Item: { ...key, rev: Number(before.get(sk)?.rev ?? 0) + 1, ...windowAttributes, ...attributes }, ...unchanged(sk) } };
        };
        try {
          await this.client.send(new TransactWriteCommand({ TransactItems: [put('near', { foldedThrough, ...near }), put('far', far)] }));
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          stale = true;
        }
      }
      for (const [sk, seen] of before) {
        if (written.has(sk)) continue;
        try {
          await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { [tableDesign.partitionKey]: seen[tableDesign.partitionKey], [tableDesign.sortKey]: sk }, ...unchanged(sk) }));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          stale = true;
        }
      }
      this.windows.clear();
      if (!stale) return { slices: counted.size, items };
      if (tries >= staleTries) throw new Error(`queue totals of ${tenantId} kept changing during the recount; run it when the tenant is quiet`);
    }
  }

  /** The slice items of the tenant's totals (all queues; with `prefix`, the near or far ones only), read consistently. */
  private async totalsSlices(tenantId: string, prefix?: 'NEAR#' | 'FAR#'): Promise<Record<string, unknown>[]> {
    const slices: Record<string, unknown>[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, ...(prefix ? { '#sk': tableDesign.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': queueTotalsKey(tenantId)[tableDesign.partitionKey], ...(prefix ? { ':prefix': prefix } : {}) },
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
   * write when the totals do not move), each counter in the slice item the window puts it in. The writes this store
   * makes at the same moment (the night's 16 claims at a time, billers' leases in one process) go together: one
   * transaction of up to `groupLimit` work items and ONE update per totals item with their deltas summed, so a busy
   * queue's totals item takes one transaction per group, not one per claim. A work item whose condition fails gets
   * its item as it stands (the caller rebuilds its write) and the others go again; a transaction that meets another
   * on a totals item is tried again after a short random pause (after `conflictTries` a transient failure: the
   * request or message is retried); one that placed counters by a window the night has moved since learns the window
   * (the totals item comes back) and is placed again.
   */
  private commit(tenantId: string, claimId: string, write: WorkWrite, delta: TotalsDelta): Promise<'done' | { readonly current: WorkItem | undefined }> {
    // On a failed condition DynamoDB returns the item as it stands: the write can be rebuilt without reading it again.
    const returning: WorkWrite = 'Put' in write ? { Put: { ...write.Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } } : { Update: { ...write.Update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
    if (delta.size === 0) return this.commitAlone(returning);
    return new Promise((resolve, reject) => this.enqueue({ tenantId, claimId, write: returning, delta, conflicts: 0, moved: 0, resolve, reject }));
  }

  /** A write that moves no totals: the work item alone. */
  private async commitAlone(write: WorkWrite): Promise<'done' | { readonly current: WorkItem | undefined }> {
    try {
      if ('Put' in write) await this.client.send(new PutCommand(write.Put as PutCommandInput));
      else await this.client.send(new UpdateCommand(write.Update as UpdateCommandInput));
      return 'done';
    } catch (error) {
      const current = failedOn(error);
      if (current !== undefined) return { current: current ?? undefined };
      throw error;
    }
  }

  /** Commits waiting for the next group (sent once the writes of this moment are in). */
  private readonly waiting: PendingCommit[] = [];
  private flushScheduled = false;

  private enqueue(entry: PendingCommit): void {
    this.waiting.push(entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      // Groups of one tenant, each work item once (a transaction may not write an item twice).
      const groups: PendingCommit[][] = [];
      for (const next of this.waiting.splice(0)) {
        const group = groups.find((g) => g.length < groupLimit && g[0]!.tenantId === next.tenantId && !g.some((e) => e.claimId === next.claimId));
        if (group) group.push(next);
        else groups.push([next]);
      }
      for (const group of groups) void this.sendGroup(group);
    });
  }

  private async sendGroup(group: readonly PendingCommit[]): Promise<void> {
    const targets = this.totalsUpdates(group[0]!.tenantId, group);
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [...group.map((entry) => entry.write), ...targets.map((target) => target.item)] }));
      for (const entry of group) entry.resolve('done');
      return;
    } catch (error) {
      try {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        // Work items whose own condition failed: their callers rebuild from the item as it stands; the rest go again.
        const rest = group.filter((entry, i) => {
          if (reasons[i]?.Code !== 'ConditionalCheckFailed') return true;
          const item = reasons[i]!.Item;
          entry.resolve({ current: item ? fromItem(unmarshall(item)) : undefined });
          return false;
        });
        if (rest.length < group.length) return rest.forEach((entry) => this.enqueue(entry));
        // Totals items whose window condition failed: learn the window they came back with, place the counters again.
        let learned = false;
        targets.forEach((target, j) => {
          const reason = reasons[group.length + j];
          if (reason?.Code !== 'ConditionalCheckFailed') return;
          this.windows.set(target.windowKey, windowOf(reason.Item ? unmarshall(reason.Item) : undefined));
          learned = true;
        });
        if (learned) return rest.forEach((entry) => (++entry.moved < windowTries ? this.enqueue(entry) : entry.reject(new TransientError('queue totals windows kept moving'))));
        if (!isTransactionConflict(error)) return rest.forEach((entry) => entry.reject(error));
        // Not a lost race: the caller may well hold the lease. Transient: the request or message is retried.
        const again = rest.filter((entry) => (++entry.conflicts < conflictTries ? true : (entry.reject(new TransientError('queue totals kept conflicting')), false)));
        await sleep(Math.floor(Math.random() * 10 * Math.max(0, ...again.map((entry) => entry.conflicts))) + 2);
        again.forEach((entry) => this.enqueue(entry));
      } catch (unexpected) {
        group.forEach((entry) => entry.reject(unexpected));
      }
    }
  }

  /**
   * The totals updates of a group's deltas: one ADD per totals item (`rev` counts the writes), each counter in the
   * near or far item of the claim's slice that the slice's window (as this store last saw it) puts it in, lease
   * counters in the queue's slice 0 near item; the group's amounts summed, zero sums left out. An item given dated
   * counters is written on the condition that its window is still that one (its dated counters are all its own slice's).
   */
  private totalsUpdates(tenantId: string, group: ReadonlyArray<Pick<PendingCommit, 'claimId' | 'delta'>>): Array<{ readonly item: TransactItem; readonly windowKey: string }> {
    const targets = new Map<string, { queue: string; slice: number; part: 'near' | 'far'; counters: Record<string, number> }>();
    const add = (queue: string, slice: number, part: 'near' | 'far', counters: Readonly<Record<string, number>>): void => {
      const key = `${queue}#${slice}#${part}`;
      const target = targets.get(key) ?? { queue, slice, part, counters: {} };
      for (const [name, amount] of Object.entries(counters)) target.counters[name] = (target.counters[name] ?? 0) + amount;
      targets.set(key, target);
    };
    for (const { claimId, delta } of group) {
      const slice = shardOf(claimId, queueTotalSlices);
      for (const [queue, counters] of delta) {
        const { near, far } = splitCounters(counters, this.windows.get(`${tenantId}#${queue}#${slice}`) ?? noWindow);
        // Lease counters live in slice 0's near item: one counter per minute of expiry and queue, not per slice.
        add(queue, slice, 'near', Object.fromEntries(Object.entries(near).filter(([name]) => slice === leaseSlice || !isLeaseCounter(name))));
        if (slice !== leaseSlice) add(queue, leaseSlice, 'near', Object.fromEntries(Object.entries(near).filter(([name]) => isLeaseCounter(name))));
        add(queue, slice, 'far', far);
      }
    }
    return [...targets.values()].flatMap(({ queue, slice, part, counters }) => {
      const names = Object.keys(counters).filter((name) => counters[name] !== 0);
      if (names.length === 0) return [];
      const windowKey = `${tenantId}#${queue}#${slice}`;
      const condition = names.some(isDated) ? windowCondition(this.windows.get(windowKey) ?? noWindow) : undefined;
      return [
        {
          windowKey,
          item: {
            Update: {
              TableName: this.tableName,
              Key: queueTotalsKey(tenantId, queue, slice, part),
              UpdateExpression: `ADD #rev :one, ${names.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
              ExpressionAttributeNames: { '#rev': 'rev', ...Object.fromEntries(names.map((name, i) => [`#c${i}`, name])), ...condition?.names },
              ExpressionAttributeValues: { ':one': 1, ...Object.fromEntries(names.map((name, i) => [`:c${i}`, counters[name]])), ...condition?.values },
              ...(condition ? { ConditionExpression: condition.expression, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
            },
          },
        },
      ];
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


