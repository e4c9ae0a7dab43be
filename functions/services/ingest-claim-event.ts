// The unit of work of the ingest consumer: validate one message, apply it to its claim, and say what happened.
import { applyEvent } from '../domain/claim.js';
import { claimEvent, describeIssues, envelope, type ClaimEvent } from '../domain/claim-events.js';
import { PermanentError, TransientError } from '../shared/errors.js';
import { ClaimVersionConflictError, type ClaimStore } from '../store/claim-store.js';

export type IngestOutcome = 'applied' | 'duplicate';

export interface IngestResult {
  readonly outcome: IngestOutcome;
  readonly event: ClaimEvent;
}

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

const maxAttempts = 3;

/** Applies the event to its claim; retries version races a few times before handing the message back to the queue. */
export const ingestClaimEvent = async (store: ClaimStore, event: ClaimEvent): Promise<IngestResult> => {
  for (let attempt = 1; ; attempt++) {
    const stored = await store.get(event.tenantId, event.payload.claimId);
    const applied = applyEvent(stored?.claim, event);
    if (!applied.ok) throw new PermanentError(`event cannot apply: ${applied.reason}`, applied.reason);
    try {
      const outcome = await store.saveEvent(event, applied.claim, stored?.version);
      return { outcome, event };
    } catch (error) {
      if (error instanceof ClaimVersionConflictError) {
        if (attempt < maxAttempts) continue;
        throw new TransientError('claim kept changing concurrently');
      }
      throw error;
    }
  }
};
