// Claims in DynamoDB: a claim's partition holds the claim item (the derived claim and its fold, bounded in size
// whatever the history), and per event a small id marker and a history entry with the event, in time order.
// Applying an event writes the three (and the KPI day tallies it changes) in one transaction, conditional on the event id being new and the claim
// unchanged since it was read. The same transaction writes the lookup items that find the claim by a value it newly carries
// (payer claim number, patient account number, last name + date of birth).
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isClaim, type Claim, type ClaimFold, type ClaimState } from '../domain/claim.js';
import type { ClaimEvent } from '../domain/claim-events.js';
import { shardOf } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, conditionally, forEachItem, pageBefore } from './dynamo-helpers.js';
import type { KpiField } from '../domain/kpis.js';
import { kpiUpdate } from './kpi-store.js';
import { claimEventKey, claimHistoryKey, claimHistoryPrefix, claimKey, claimLookupKey, claimPartition, openClaimIndexKey } from './keys.js';

export interface StoredClaim {
  readonly claim: Claim;
  readonly version: number;
}

/** The claim item as applying an event needs it: the state, its version, and the fold it was derived with. */
export interface ClaimRecord {
  readonly state?: ClaimState;
  readonly version?: number;
  /** Absent while the claim awaits its submission. */
  readonly fold?: ClaimFold;
}

/** An event as the claim's history keeps it. */
export interface HistoryEntry {
  readonly event: ClaimEvent;
  readonly receivedAt: string;
}

/** What is kept of an event id already applied: when the event happened and a digest of its content. */
export interface EventMarker {
  readonly occurredAt: string;
  readonly digest: string;
}

/**
 * The claim item would pass what one DynamoDB item holds (400 KB, with room for its other attributes). Only remits,
 * appeals and write-offs grow it (notes and status checks do not), so this takes hundreds of remits on one claim.
 */
export class ClaimItemTooLargeError extends Error {
  override readonly name = 'ClaimItemTooLargeError';
}
const maxClaimItemBytes = 350_000;
const maxTransactionItems = 100;

/** A history cursor this store did not give. */
export class InvalidHistoryCursorError extends Error {
  override readonly name = 'InvalidHistoryCursorError';
}

/** The stored claim could not be read back: our data is damaged, not the event. Retried, then dead-lettered. */
export class StoredClaimUnreadableError extends Error {
  override readonly name = 'StoredClaimUnreadableError';
}

/** Another writer changed the claim between our read and write: retry. */
export class ClaimVersionConflictError extends Error {
  override readonly name = 'ClaimVersionConflictError';
}

/**
 * The claim is stored as one JSON string, like its events: it is always read and written whole, and a string costs
 * DynamoDB and the SDK far less to write than a nested map. Indexes carry the attributes queries need.
 */
const storedClaimShape = z.looseObject({
  version: z.number().int().positive(),
  claim: z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(z.looseObject({ tenantId: z.string(), claimId: z.string(), status: z.string() })),
});

const { partitionKey, sortKey } = tableDesign;
const { openClaimsByShard } = tableDesign.indexes;

const readStored = (item: Record<string, unknown>): { state: ClaimState; version: number } => {
  const parsed = storedClaimShape.safeParse(item);
  if (!parsed.success) {
    throw new StoredClaimUnreadableError(`stored claim item is unreadable (${parsed.error.issues[0]?.path.join('.')})`);
  }
  const state = parsed.data.claim as unknown as ClaimState;
  // The nightly bucket is its own attribute (a small write), folded back into the claim for readers.
  const bucket = typeof item.agingBucket === 'string' ? { agingBucket: item.agingBucket } : {};
  return { state: { ...state, ...bucket } as ClaimState, version: parsed.data.version };
};

const recordOf = (item: Record<string, unknown>): ClaimRecord => ({
  ...readStored(item),
  ...(typeof item.fold === 'string' ? { fold: JSON.parse(item.fold) as ClaimFold } : {}),
});

/** A sort key of a history entry, as a page cursor must be (bounded, so a forged one cannot be huge). */
const isHistoryPosition = (position: string): boolean => position.startsWith(claimHistoryPrefix) && position.length <= 200;

/** History keys sort by UTC instant: an offset such as -05:00 is turned into Z first. */
const utc = (occurredAt: string): string => new Date(occurredAt).toISOString();

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined;

/** What a claim can be found by besides its id. */
export type ClaimLookupKind = 'payer-claim' | 'account' | 'patient';

/** One value a claim is found by: its kind and the digest of its normalized value (the value is in no key or log). */
export interface ClaimLookup {
  readonly kind: ClaimLookupKind;
  readonly digest: string;
}

/** Case, accents and spacing folded: `  Muñoz ` and `MUNOZ` are one value. */
const normalized = (value: string): string => value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/** The lookup of a payer claim number or patient account number, as typed by a person or sent in an event. */
export const identifierLookup = (kind: 'payer-claim' | 'account', value: string): ClaimLookup => ({
  kind,
  digest: createHash('sha256').update(`${kind}\n${normalized(value)}`).digest('base64url'),
});

/** The lookup of a patient by last name (commas and periods count as spaces: `Smith, Jr.`) and date of birth (YYYY-MM-DD). */
export const patientLookup = (lastName: string, dateOfBirth: string): ClaimLookup => ({
  kind: 'patient',
  digest: createHash('sha256').update(`patient\n${normalized(lastName.replace(/[.,]/g, ' '))}\n${dateOfBirth}`).digest('base64url'),
});

/**
 * Every value a claim is found by, most useful first (account, patient, the current payer claim number, the original
 * one, then earlier remits' numbers, newest first), each once. None while the claim awaits its submission.
 */
export const claimLookups = (state: ClaimState | undefined): ClaimLookup[] => {
  if (!isClaim(state)) return [];
  const payerNumbers = [state.payerClaimNumber, state.originalClaimNumber, ...[...state.adjudications].reverse().map((a) => a.payerClaimNumber)];
  const all = [
    identifierLookup('account', state.patient.accountNumber),
    patientLookup(state.patient.lastName, state.patient.dateOfBirth),
    ...payerNumbers.filter((n): n is string => typeof n === 'string' && n.length > 0).map((n) => identifierLookup('payer-claim', n)),
  ];
  const once = new Map<string, ClaimLookup>();
  for (const lookup of all) if (!once.has(`${lookup.kind}#${lookup.digest}`)) once.set(`${lookup.kind}#${lookup.digest}`, lookup);
  return [...once.values()];
};

/**
 * The lookup items a change must write: the claim's values (and date of service, which orders them) that the state
 * before did not carry. A value the claim no longer carries keeps its item: a search reads the claim and checks it, so
 * such an item only misses.
 */
const newLookups = (before: ClaimState | undefined, after: ClaimState): ClaimLookup[] => {
  if (!isClaim(after)) return [];
  const had = isClaim(before) && before.serviceFrom === after.serviceFrom ? new Set(claimLookups(before).map((l) => `${l.kind}#${l.digest}`)) : new Set<string>();
  return claimLookups(after).filter((l) => !had.has(`${l.kind}#${l.digest}`));
};

export class ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shardCount: number,
  ) {}

  /** The claim item alone; undefined while the claim is unknown or awaiting its submission. */
  async get(tenantId: string, claimId: string): Promise<StoredClaim | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(tenantId, claimId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { state, version } = readStored(Item);
    return isClaim(state) ? { claim: state, version } : undefined;
  }

  /** The claim item as applying an event needs it, in one consistent read (bounded in size whatever the history). */
  async current(tenantId: string, claimId: string): Promise<ClaimRecord> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(tenantId, claimId), ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : {};
  }

  /**
   * The claim items of many claims in as few consistent reads as DynamoDB allows (100 keys a request), for a batch
   * consumer to read once what it is about to apply events to. Claims not found map to an empty record.
   */
  async currents(claims: ReadonlyArray<{ tenantId: string; claimId: string }>): Promise<Map<string, ClaimRecord>> {
    const wanted = new Map(claims.map((c) => [claimPartition(c.tenantId, c.claimId), c]));
    const found = new Map<string, ClaimRecord>([...wanted.keys()].map((pk) => [pk, {}]));
    const items = await batchGet(this.client, this.tableName, [...wanted.values()].map((c) => claimKey(c.tenantId, c.claimId)));
    for (const item of items) {
      // An unreadable item is left out: its own event reads it again and fails alone, not the whole batch.
      try {
        found.set(item[partitionKey] as string, recordOf(item));
      } catch {
        found.delete(item[partitionKey] as string);
      }
    }
    return found;
  }

  /** Key of a claim in the map `currents` returns. */
  static recordKey = (tenantId: string, claimId: string): string => claimPartition(tenantId, claimId);

  /**
   * Every event of a claim, in one consistent pass over its history (paged by DynamoDB). Needed only when an event
   * arrives that takes effect between events already applied, or a claim's submission comes after other events.
   */
  async events(tenantId: string, claimId: string): Promise<ClaimEvent[]> {
    const events: ClaimEvent[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :history)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': claimPartition(tenantId, claimId), ':history': claimHistoryPrefix },
        ConsistentRead: true,
      },
      (item) => events.push(JSON.parse(item.event as string) as ClaimEvent),
    );
    return events;
  }

  /**
   * One page of a claim's history, newest first: entries that happened before the entry whose `position` is
   * `before` (exclusive). `more` says whether older entries remain.
   */
  async historyPage(tenantId: string, claimId: string, limit: number, before?: string): Promise<{ entries: Array<HistoryEntry & { position: string }>; more: boolean }> {
    if (before !== undefined && !isHistoryPosition(before)) throw new InvalidHistoryCursorError('not a position in a claim history');
    const page = await pageBefore(this.client, this.tableName, claimPartition(tenantId, claimId), claimHistoryPrefix, limit, before);
    return {
      entries: page.items.map((item) => ({ event: JSON.parse(item.event as string) as ClaimEvent, receivedAt: item.receivedAt as string, position: item[sortKey] as string })),
      more: page.more,
    };
  }

  /** Every history entry of a claim, oldest first (a claim's whole history: prefer historyPage for people). */
  async historyEntries(tenantId: string, claimId: string): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    let before: string | undefined;
    for (let more = true; more; ) {
      const page = await this.historyPage(tenantId, claimId, 500, before);
      entries.push(...page.entries.map(({ event, receivedAt }) => ({ event, receivedAt })));
      before = page.entries.at(-1)?.position;
      more = page.more;
    }
    return entries.reverse();
  }

  /** What is kept of an applied event id (to tell a redelivery from a producer reusing an id), and the event. */
  async appliedEvent(tenantId: string, claimId: string, eventId: string): Promise<{ marker: EventMarker; event?: ClaimEvent } | undefined> {
    const { Item: marker } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: claimEventKey(tenantId, claimId, eventId), ConsistentRead: true }));
    if (!marker) return undefined;
    const { Item: entry } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimHistoryKey(tenantId, claimId, utc(marker.occurredAt as string), eventId), ConsistentRead: true }),
    );
    return { marker: { occurredAt: marker.occurredAt as string, digest: marker.digest as string }, ...(entry ? { event: JSON.parse(entry.event as string) as ClaimEvent } : {}) };
  }

  /**
   * Writes the event's id marker and history entry (only if the id is new) and the claim state after it (only if
   * the claim is unchanged), in one transaction. Returns 'duplicate' when the event id was applied before: nothing
   * is written.
   */
  async saveEvent(
    event: ClaimEvent,
    state: ClaimState,
    fold: ClaimFold | undefined,
    digest: string,
    previousVersion: number | undefined,
    receivedAt: string,
    /** What the change adds to the KPI day tallies: written in the same transaction, so they stay exact. */
    kpiChange: ReadonlyMap<string, Partial<Record<KpiField, number>>> = new Map(),
    /** The claim as stored before (the version `previousVersion` names): only values it lacked get lookup items. */
    before?: ClaimState,
  ): Promise<'applied' | 'duplicate'> {
    const names = { '#pk': partitionKey };
    const claim = JSON.stringify({ ...state, agingBucket: undefined });
    const foldJson = fold ? JSON.stringify(fold) : undefined;
    if (Buffer.byteLength(claim) + Buffer.byteLength(foldJson ?? '') > maxClaimItemBytes) throw new ClaimItemTooLargeError('claim item would pass the DynamoDB item size');
    // Marker, history entry and claim, plus one tally per day the change moves: at most 100 items in a transaction.
    if (3 + kpiChange.size > maxTransactionItems) throw new ClaimItemTooLargeError('the change moves more KPI days than one transaction holds');
    // Lookup items fill what room is left, most useful first: a claim is never refused for them (older remits' payer
    // claim numbers are the first to go, and only on a change that also moves dozens of KPI days).
    const lookups = newLookups(before, state).slice(0, maxTransactionItems - 3 - kpiChange.size);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...claimEventKey(state.tenantId, state.claimId, event.eventId), kind: 'claim-event-id', occurredAt: event.occurredAt, digest },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: names,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...claimHistoryKey(state.tenantId, state.claimId, utc(event.occurredAt), event.eventId), kind: 'claim-event', event: JSON.stringify(event), receivedAt },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...claimKey(state.tenantId, state.claimId),
                  ...this.indexAttributes(state),
                  kind: 'claim',
                  claim,
                  ...('agingBucket' in state && state.agingBucket ? { agingBucket: state.agingBucket } : {}),
                  // One string, not a nested map: it is read whole and never queried, so it is cheap to write.
                  ...(foldJson ? { fold: foldJson } : {}),
                  version: (previousVersion ?? 0) + 1,
                },
                ...(previousVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: names }
                  : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previousVersion } }),
              },
            },
            ...[...kpiChange].map(([date, moved]) => kpiUpdate(this.tableName, state.tenantId, state.claimId, date, moved)),
            ...lookups.map((lookup) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...claimLookupKey(state.tenantId, lookup.kind, lookup.digest, isClaim(state) ? state.serviceFrom : '', state.claimId), kind: 'claim-lookup', claimId: state.claimId },
              },
            })),
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const [marker, , claimWrite] = error.CancellationReasons ?? [];
        if (marker?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (claimWrite?.Code === 'ConditionalCheckFailed') throw new ClaimVersionConflictError('claim changed concurrently');
        // Another transaction held one of the items: the same race, seen a moment earlier.
        if (error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) throw new ClaimVersionConflictError('concurrent transaction');
      }
      if ((error as Error).name === 'TransactionConflictException') throw new ClaimVersionConflictError('concurrent transaction');
      throw error;
    }
  }

  /**
   * Ids of the claims a lookup names, newest date of service first, at most `limit`; `more` when others remain. The
   * claims may no longer carry the value: a caller reads them and checks.
   */
  async lookup(tenantId: string, lookup: ClaimLookup, limit: number): Promise<{ claimIds: string[]; more: boolean }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': claimLookupKey(tenantId, lookup.kind, lookup.digest)[partitionKey] },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return { claimIds: Items.map((item) => item.claimId as string), more: LastEvaluatedKey !== undefined };
  }

  /** The claims of a tenant among `claimIds` (those unknown, awaiting submission or unreadable left out), in no order. */
  async getMany(tenantId: string, claimIds: readonly string[]): Promise<StoredClaim[]> {
    const items = await batchGet(this.client, this.tableName, [...new Set(claimIds)].map((id) => claimKey(tenantId, id)));
    return items.flatMap((item) => {
      try {
        const { state, version } = readStored(item);
        return isClaim(state) && state.tenantId === tenantId ? [{ claim: state, version }] : [];
      } catch {
        return [];
      }
    });
  }

  /** One page of a shard's open claims, in claim-id order; pass the returned cursor to continue. */
  async pageOpenClaims(tenantId: string, shard: number, limit: number, cursor?: string): Promise<{ claims: StoredClaim[]; cursor?: string }> {
    const indexKey = openClaimIndexKey(tenantId, shard, '');
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: openClaimsByShard.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': openClaimsByShard.partitionKey },
        ExpressionAttributeValues: { ':shard': indexKey[openClaimsByShard.partitionKey] },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const claims = (result.Items ?? []).map((item) => {
      const { state, version } = readStored(item);
      return { claim: state as Claim, version };
    });
    return { claims, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Saves a claim's new aging bucket, only if nobody changed the claim since it was read. False on a lost race. */
  saveAgingBucket(stored: StoredClaim, bucket: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(stored.claim.tenantId, stored.claim.claimId),
          UpdateExpression: 'SET agingBucket = :bucket, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':bucket': bucket, ':next': stored.version + 1, ':expected': stored.version },
        }),
      ),
    );
  }

  /** Takes a claim out of the nightly run's index once nothing remains to follow up. False on a lost race. */
  retire(stored: StoredClaim): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(stored.claim.tenantId, stored.claim.claimId),
          UpdateExpression: 'SET claim = :claim, version = :next REMOVE #shard, #shardSort',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#shard': openClaimsByShard.partitionKey, '#shardSort': openClaimsByShard.sortKey },
          ExpressionAttributeValues: { ':claim': JSON.stringify({ ...stored.claim, inFollowUp: false, agingBucket: undefined }), ':next': stored.version + 1, ':expected': stored.version },
        }),
      ),
    );
  }

  private indexAttributes(state: ClaimState): Record<string, string> {
    return isClaim(state) && state.inFollowUp ? openClaimIndexKey(state.tenantId, shardOf(state.claimId, this.shardCount), state.claimId) : {};
  }
}
