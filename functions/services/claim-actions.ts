// What a biller did on a claim: recorded as history, applied to the claim (an appeal filed, a corrected claim sent,
// a note), and the claim's work item re-planned at once, with the biller's next follow-up date.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CalendarDate } from '../domain/calendar.js';
import { appealLevels, calendarDate, type ClaimEvent } from '../domain/claim-events.js';
import { planWorkItem } from '../domain/work-item.js';
import type { ClaimStore, StoredClaim } from '../store/claim-store.js';
import type { HistoryStore } from '../store/history-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import type { WorkItem, WorkItemStore } from '../store/work-item-store.js';
import { ingestClaimEvent } from './ingest-claim-event.js';
import { syncWorkItem } from './work-item-sync.js';

export const actionTypes = ['status-check', 'called-payer', 'corrected-claim-sent', 'appeal-filed', 'write-off-requested', 'patient-billed', 'note'] as const;

export const actionRequest = z
  .object({
    type: z.enum(actionTypes),
    /** What came of it, in the biller's words (stored, never logged). */
    outcome: z.string().trim().min(1).max(1000),
    callReference: z.string().trim().min(1).max(60).optional(),
    appealLevel: z.enum(appealLevels).optional(),
    /** Pend: hide the work until this date (unless a deadline comes first). */
    nextFollowUpOn: calendarDate.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'called-payer' && !a.callReference) ctx.addIssue({ code: 'custom', path: ['callReference'], message: 'required when you called the payer' });
    if (a.type === 'appeal-filed' && !a.appealLevel) ctx.addIssue({ code: 'custom', path: ['appealLevel'], message: 'required when you filed an appeal' });
  });
export type ActionRequest = z.infer<typeof actionRequest>;

export interface ActionDeps {
  readonly claims: ClaimStore;
  readonly workItems: WorkItemStore;
  readonly settings: TenantSettingsStore;
  readonly history: HistoryStore;
}

/** The claim event an action stands for, if it changes the claim itself. */
const eventFor = (stored: StoredClaim, action: ActionRequest, now: string, today: CalendarDate): ClaimEvent | undefined => {
  const base = { eventId: `action-${randomUUID()}`, tenantId: stored.claim.tenantId, occurredAt: now, source: 'biller-api', schemaVersion: 1 as const };
  const claimId = stored.claim.claimId;
  if (action.type === 'appeal-filed') return { ...base, type: 'claim.appealed', payload: { claimId, level: action.appealLevel!, appealedOn: today } };
  if (action.type === 'corrected-claim-sent') {
    const original = stored.claim.payerClaimNumber;
    return { ...base, type: 'claim.resubmitted', payload: { claimId, resubmittedOn: today, frequencyCode: original ? '7' : '1', ...(original ? { originalClaimNumber: original } : {}), reason: 'corrected claim sent' } };
  }
  if (action.type === 'note') return { ...base, type: 'note.added', payload: { claimId, text: action.outcome } };
  return undefined;
};

export class ClaimNotFoundError extends Error {
  override readonly name = 'ClaimNotFoundError';
}

/** Records the action and returns the claim's work item as it stands after it (undefined when nothing is due). */
export const recordAction = async (
  deps: ActionDeps,
  input: { tenantId: string; claimId: string; userId: string; action: ActionRequest; now: string; today: CalendarDate },
): Promise<{ workItem?: WorkItem }> => {
  const stored = await deps.claims.get(input.tenantId, input.claimId);
  if (!stored) throw new ClaimNotFoundError('no such claim');
  const event = eventFor(stored, input.action, input.now, input.today);
  if (event) await ingestClaimEvent(deps.claims, event, { isKnownTenant: () => true, receivedAt: input.now });
  const { type, outcome, callReference, appealLevel, nextFollowUpOn } = input.action;
  await deps.history.recordAction(input.tenantId, input.claimId, {
    actionId: randomUUID(),
    type,
    outcome,
    userId: input.userId,
    at: input.now,
    ...(callReference ? { callReference } : {}),
    ...(appealLevel ? { appealLevel } : {}),
    ...(nextFollowUpOn ? { nextFollowUpOn } : {}),
  });
  await deps.history.countAction(input.tenantId, input.today, input.userId);

  const ref = { tenantId: input.tenantId, claimId: input.claimId };
  if (nextFollowUpOn) await deps.workItems.setFollowUp(ref, nextFollowUpOn);
  // Re-plan now: the claim's clocks and its work item change at once, not tonight.
  const [after, item, settings] = await Promise.all([deps.claims.get(input.tenantId, input.claimId), deps.workItems.get(input.tenantId, input.claimId), deps.settings.get(input.tenantId)]);
  const plan = after ? planWorkItem(after.claim, settings, input.today, item?.followUpOn) : undefined;
  await syncWorkItem(deps.workItems, ref, item, plan, input.today);
  // Done with it: the biller's lease goes back.
  if (item?.leasedBy === input.userId) await deps.workItems.release(ref, input.userId, input.now);
  return { workItem: await deps.workItems.get(input.tenantId, input.claimId) };
};
