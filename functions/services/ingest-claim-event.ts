// The unit of work of the ingest consumer (and of the bulk import): validate one event, apply it to its claim by
// re-deriving the claim from all its events, and write both atomically.
import { claimFromEvents, impossibleEvent } from '../domain/claim.js';
import { claimEvent, describeIssues, envelope, type ClaimEvent } from '../domain/claim-events.js';
import { PermanentError, TransientError } from '../shared/errors.js';
import { ClaimVersionConflictError, type ClaimHistory, type ClaimStore } from '../store/claim-store.js';

export type IngestOutcome = 'applied' | 'duplicate';

export interface IngestResult {
  readonly outcome: IngestOutcome;
  readonly event: ClaimEvent;
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

/**
 * Applies the event to its claim. Duplicates (same event id) change nothing. Version races with a concurrent
 * writer are retried a few times, then handed back to the queue as transient.
 */
export const ingestClaimEvent = async (
  store: ClaimStore,
  event: ClaimEvent,
  context: IngestContext,
  /** The claim as read just before (a batch reads all its claims at once); read again after a lost race. */
  readBefore?: ClaimHistory,
): Promise<IngestResult> => {
  if (!context.isKnownTenant(event.tenantId)) throw new PermanentError('tenant is not served by this deployment', 'unknown-tenant');
  if (Date.parse(event.occurredAt) - Date.parse(context.receivedAt) > maxFutureSkewMs) {
    throw new PermanentError('occurredAt: more than a day after the event was received', 'occurred-in-future');
  }
  const { claimId } = event.payload;
  // A new claim's submission usually finds nothing there: try to create it without reading first.
  if (event.type === 'claim.submitted' && !readBefore?.version) {
    try {
      const created = await store.saveEvent(event, claimFromEvents(event.tenantId, claimId, [event]), [event], undefined, context.receivedAt);
      return { outcome: created, event };
    } catch (error) {
      if (!(error instanceof ClaimVersionConflictError)) throw error;
    }
  }
  for (let attempt = 1; ; attempt++) {
    const history = attempt === 1 && readBefore ? readBefore : await store.history(event.tenantId, claimId);
    if (history.events.some((e) => e.eventId === event.eventId)) return { outcome: 'duplicate', event };
    const impossible = impossibleEvent(history.events, event);
    if (impossible) throw new PermanentError(`event cannot apply: ${impossible}`, impossible.split(':')[0]!);
    const events = [...history.events, event];
    const state = claimFromEvents(event.tenantId, claimId, events);
    // Keep the nightly aging bucket: it is recomputed only by the nightly run.
    const carried = history.state && 'agingBucket' in history.state && 'money' in state ? { ...state, agingBucket: history.state.agingBucket } : state;
    try {
      return { outcome: await store.saveEvent(event, carried, events, history.version, context.receivedAt), event };
    } catch (error) {
      if (!(error instanceof ClaimVersionConflictError)) throw error;
      if (attempt >= maxAttempts) throw new TransientError('claim kept changing concurrently');
      await pause(attempt);
    }
  }
};
