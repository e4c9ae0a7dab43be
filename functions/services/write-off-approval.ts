// A manager's decision on a biller's write-off request: approved, the claim is written off (a `claim.written_off`
// event) and leaves follow-up; declined, the request is cleared and the work goes back to the biller who asked.
import { createHash, randomUUID } from 'node:crypto';
import type { CalendarDate } from '../domain/calendar.js';
import type { ClaimEvent } from '../domain/claim-events.js';
import { dollars } from '../domain/money.js';
import { ActionRefused, replanWorkItem, type ActionDeps } from './claim-actions.js';
import { ingestClaimEvent } from './ingest-claim-event.js';
import type { WorkItem } from '../store/work-item-store.js';

export type WriteOffDecision = 'approve' | 'decline';

/** The decision cannot be taken on the item as it stands (answered 409). */
export class WriteOffConflict extends Error {
  override readonly name = 'WriteOffConflict';
}

export const decideWriteOff = async (
  deps: ActionDeps,
  input: { tenantId: string; claimId: string; userId: string; decision: WriteOffDecision; note?: string; now: string; today: CalendarDate },
): Promise<{ workItem?: WorkItem }> => {
  const ref = { tenantId: input.tenantId, claimId: input.claimId };
  const [stored, item] = await Promise.all([deps.claims.get(input.tenantId, input.claimId), deps.workItems.get(input.tenantId, input.claimId)]);
  const request = item?.writeOffRequest;
  if (!stored || !item || !request) throw new WriteOffConflict('no write-off request is waiting on this claim');
  if (input.decision === 'decline' && !input.note) throw new ActionRefused('note', 'say why, for the biller who asked');
  if (input.decision === 'approve') {
    const owed = stored.claim.money.payerBalanceCents;
    if (request.cents > owed) throw new WriteOffConflict(`the payer now owes ${dollars(owed)}, less than the ${dollars(request.cents)} requested: ask for a new request`);
    // One event id per request: approving twice (a retry) writes the claim off once.
    const eventId = `write-off-${createHash('sha256').update([input.tenantId, input.claimId, request.requestedBy, request.requestedOn, request.cents, request.reason].join('\n')).digest('hex').slice(0, 32)}`;
    const event: ClaimEvent = {
      eventId,
      tenantId: input.tenantId,
      occurredAt: input.now,
      source: 'biller-api',
      schemaVersion: 1,
      type: 'claim.written_off',
      payload: { claimId: input.claimId, amountCents: request.cents, reason: request.reason, writtenOffOn: input.today },
    };
    await ingestClaimEvent(deps.claims, event, { isKnownTenant: () => true, receivedAt: input.now });
  }
  await deps.history.recordAction(input.tenantId, input.claimId, {
    actionId: randomUUID(),
    type: input.decision === 'approve' ? 'write-off-approved' : 'write-off-declined',
    outcome: input.note ?? 'approved',
    userId: input.userId,
    at: input.now,
    writeOffCents: request.cents,
    writeOffReason: request.reason,
  });
  await deps.history.countAction(input.tenantId, input.today, input.userId);
  let workItem = await replanWorkItem(deps, ref, input.today, (current) => (current?.writeOffRequest ? { writeOffRequest: null, lastActionOn: input.today } : undefined));
  // Declined: back to the biller who asked, with the manager's note in the history.
  if (input.decision === 'decline' && workItem?.status === 'open' && workItem.assignee !== `biller:${request.requestedBy}`) {
    for (let tries = 0; tries < 4 && workItem && !(await deps.workItems.assign(workItem, `biller:${request.requestedBy}`)); tries++) workItem = await deps.workItems.get(input.tenantId, input.claimId);
    workItem = await deps.workItems.get(input.tenantId, input.claimId);
  }
  return { ...(workItem ? { workItem } : {}) };
};
