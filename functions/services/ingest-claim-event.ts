// The unit of work of the ingest consumer (and of the bulk import): validate one event, apply it to its claim (one
// step of the claim's fold when it comes after the events applied so far, else the claim's events folded again),
// and write the event and the claim atomically.
import { createHash } from 'node:crypto';
import { claimOfFold, foldEvents, foldOneMore, impossibleAfter, isClaim, type ClaimFold, type ClaimState } from '../domain/claim.js';
import { claimEvent, describeIssues, envelope, type ClaimEvent } from '../domain/claim-events.js';
import { kpiDelta } from '../domain/kpis.js';
import { PermanentError, TransientError } from '../shared/errors.js';
import { ClaimItemTooLargeError, ClaimVersionConflictError, StoredClaimUnreadableError, type ClaimRecord, type ClaimStore } from '../store/claim-store.js';

export type IngestOutcome = 'applied' | 'duplicate';

export interface IngestResult {
  readonly outcome: IngestOutcome;
  readonly event: ClaimEvent;
  /** The claim item as this write left it (when applied): the next event of the same claim can start from it. */
  readonly after?: ClaimRecord;
}

export interface IngestContext {
  /** Whether the tenant is one this deployment serves. */
  readonly isKnownTenant: (tenantId: string) => boolean;
  /** When the message was received (ISO 8601). */
  readonly receivedAt: string;
}

/** Producers' clocks drift; an event dated further ahead than this is refused as impossible. */
const maxFutureSkewMs = 24 * 3600 * 1000;
/** Version races are retried here first, with a short random pause so racing writers spread out. */
const maxAttempts = 8;
const pause = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));

/** Parses a message body into a claim event; throws PermanentError naming each bad field. */
export const parseClaimEvent = (body: string): ClaimEvent => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PermanentError('message body is not JSON', 'not-json');
  }
  const parsed = claimEvent.safeParse(json);
  if (!parsed.success) throw new PermanentError(describeIssues(parsed.error), 'schema');
  return parsed.data;
};

/** The tenant an unparseable message claims to belong to, if its envelope says so. */
export const tenantOf = (body: string): string | undefined => {
  try {
    const result = envelope.pick({ tenantId: true }).safeParse(JSON.parse(body));
    return result.success ? result.data.tenantId : undefined;
  } catch {
    return undefined;
  }
};

/** JSON with its keys sorted at every level: the same content always gives the same text. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

/** Digest of an event's content (as validated): tells a redelivery from another event sent under the same id. */
export const eventDigest = (event: ClaimEvent): string => createHash('sha256').update(canonical(event)).digest('hex');

/** Names (never values) of the envelope fields and payload fields in which two events differ. */
export const differingFields = (a: ClaimEvent, b: ClaimEvent): string[] => {
  const names = (x: object, y: object): string[] => [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  const envelopeFields = names(a, b).filter((name) => name !== 'payload' && canonical((a as Record<string, unknown>)[name]) !== canonical((b as Record<string, unknown>)[name]));
  const payloadFields = names(a.payload, b.payload)
    .filter((name) => canonical((a.payload as Record<string, unknown>)[name]) !== canonical((b.payload as Record<string, unknown>)[name]))
    .map((name) => `payload.${name}`);
  return [...envelopeFields, ...payloadFields];
};

/** A repeat of an applied event id: a redelivery ('duplicate'), or a producer bug if its content differs. */
const repeatOf = async (store: ClaimStore, event: ClaimEvent, digest: string): Promise<IngestResult> => {
  const applied = await store.appliedEvent(event.tenantId, event.payload.claimId, event.eventId);
  if (applied && applied.marker.digest !== digest) {
    const fields = applied.event ? differingFields(applied.event, event) : [];
    throw new PermanentError(`event id already applied with other content${fields.length ? `: ${fields.join(', ')} differ` : ''}`, 'conflicting-duplicate');
  }
  return { outcome: 'duplicate', event };
};

/** The claim state and fold after the event, from the claim item alone when the event allows, else from every event. */
const nextState = async (store: ClaimStore, record: ClaimRecord, event: ClaimEvent): Promise<{ state: ClaimState; fold?: ClaimFold }> => {
  const { tenantId } = event;
  const { claimId } = event.payload;
  const stepped = record.fold ? foldOneMore(record.fold, event) : undefined;
  if (stepped) return { state: claimOfFold(tenantId, claimId, stepped), fold: stepped };
  const awaiting = !record.fold && (!record.state || record.state.status === 'awaiting-submission');
  if (awaiting && event.type !== 'claim.submitted') {
    // Waits for its submission in the history; the claim item only counts it.
    const lastEventAt = record.state && Date.parse(record.state.lastEventAt) >= Date.parse(event.occurredAt) ? record.state.lastEventAt : event.occurredAt;
    return { state: { tenantId, claimId, status: 'awaiting-submission', open: false, eventCount: (record.state?.eventCount ?? 0) + 1, lastEventAt } };
  }
  // Late (it takes effect between events applied), or the submission after other events: fold them all again.
  const events = record.state ? (await store.events(tenantId, claimId)).filter((e) => e.eventId !== event.eventId) : [];
  const fold = foldEvents([...events, event]);
  // A claim item whose history holds no submission was not written by this code: our data, not the event, is wrong.
  if (!fold) throw new StoredClaimUnreadableError('the claim history holds no submission');
  return { state: claimOfFold(tenantId, claimId, fold), fold };
};

/**
 * Applies the event to its claim. Duplicates (same event id) change nothing; the same id with other content is
 * refused. Version races with a concurrent writer are retried a few times, then handed back to the queue as transient.
 */
export const ingestClaimEvent = async (
  store: ClaimStore,
  event: ClaimEvent,
  context: IngestContext,
  /** The claim item as read just before (a batch reads all its claims at once); read again after a lost race. */
  readBefore?: ClaimRecord,
): Promise<IngestResult> => {
  if (!context.isKnownTenant(event.tenantId)) throw new PermanentError('tenant is not served by this deployment', 'unknown-tenant');
  if (Date.parse(event.occurredAt) - Date.parse(context.receivedAt) > maxFutureSkewMs) {
    throw new PermanentError('occurredAt: more than a day after the event was received', 'occurred-in-future');
  }
  const { claimId } = event.payload;
  const digest = eventDigest(event);
  const save = async (state: ClaimState, fold: ClaimFold | undefined, version: number | undefined, before: ClaimState | undefined): Promise<IngestResult> => {
    try {
      const outcome = await store.saveEvent(event, state, fold, digest, version, context.receivedAt, kpiDelta(before, state), before);
      if (outcome === 'duplicate') return await repeatOf(store, event, digest);
      return { outcome, event, after: { state, version: (version ?? 0) + 1, ...(fold ? { fold } : {}) } };
    } catch (error) {
      if (error instanceof ClaimItemTooLargeError) throw new PermanentError('claim has too many remits, appeals or write-offs to keep in one item', 'claim-too-large');
      throw error;
    }
  };
  // A new claim's submission usually finds nothing there: try to create it without reading first.
  if (event.type === 'claim.submitted' && !readBefore?.version) {
    const fold = foldEvents([event])!;
    try {
      return await save(claimOfFold(event.tenantId, claimId, fold), fold, undefined, undefined);
    } catch (error) {
      if (!(error instanceof ClaimVersionConflictError)) throw error;
    }
  }
  for (let attempt = 1; ; attempt++) {
    const record = attempt === 1 && readBefore ? readBefore : await store.current(event.tenantId, claimId);
    if (record.fold?.submissionEventId === event.eventId) return repeatOf(store, event, digest);
    const impossible = impossibleAfter(record.fold, event);
    if (impossible) throw new PermanentError(`event cannot apply: ${impossible}`, impossible.split(':')[0]!);
    const { state, fold } = await nextState(store, record, event);
    // Keep the nightly aging bucket: it is recomputed only by the nightly run.
    const carried = record.state && 'agingBucket' in record.state && isClaim(state) ? { ...state, agingBucket: record.state.agingBucket } : state;
    try {
      return await save(carried, fold, record.version, record.state);
    } catch (error) {
      if (!(error instanceof ClaimVersionConflictError)) throw error;
      if (attempt >= maxAttempts) throw new TransientError('claim kept changing concurrently');
      await pause(attempt);
    }
  }
};
