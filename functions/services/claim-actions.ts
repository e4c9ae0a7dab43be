// What a biller did on a claim: recorded as history, applied to the claim (an appeal filed, a corrected claim sent,
// a note), and the claim's work item re-planned at once, with the biller's next follow-up date.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CalendarDate } from '../domain/calendar.js';
import { claimOfFold, foldOneMore, isClaim } from '../domain/claim.js';
import { appealLevels, calendarDate, cents, type ClaimEvent } from '../domain/claim-events.js';
import { dollars } from '../domain/money.js';
import { deadlineBefore, planWorkItem, writeOffReasons, type WriteOffRequest } from '../domain/work-item.js';
import { TransientError } from '../shared/errors.js';
import type { ClaimStore, StoredClaim } from '../store/claim-store.js';
import type { HistoryStore } from '../store/history-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { marksOf, type MarkChanges, type WorkItem, type WorkItemStore } from '../store/work-item-store.js';
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
    /** Pend: hide the work until this date; never after a deadline of the work, unless a manager overrides. */
    nextFollowUpOn: calendarDate.optional(),
    /** A manager's explicit consent to a follow-up date after a deadline. */
    overrideDeadline: z.literal(true).optional(),
    /** A write-off request: how much (default: what the payer still owes) and why. */
    writeOffCents: cents.positive().optional(),
    writeOffReason: z.enum(writeOffReasons).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.type === 'called-payer' && !a.callReference) ctx.addIssue({ code: 'custom', path: ['callReference'], message: 'required when you called the payer' });
    if (a.type === 'appeal-filed' && !a.appealLevel) ctx.addIssue({ code: 'custom', path: ['appealLevel'], message: 'required when you filed an appeal' });
    if (a.type === 'write-off-requested' && !a.writeOffReason) ctx.addIssue({ code: 'custom', path: ['writeOffReason'], message: `required when you request a write-off: one of ${writeOffReasons.join(', ')}` });
    if (a.type !== 'write-off-requested' && (a.writeOffCents !== undefined || a.writeOffReason)) ctx.addIssue({ code: 'custom', path: [a.writeOffCents !== undefined ? 'writeOffCents' : 'writeOffReason'], message: 'only with a write-off request' });
    if (a.overrideDeadline && !a.nextFollowUpOn) ctx.addIssue({ code: 'custom', path: ['overrideDeadline'], message: 'only with nextFollowUpOn' });
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

/** An action the work does not allow: the field and what to do instead (answered as 422). */
export class ActionRefused extends Error {
  override readonly name = 'ActionRefused';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Tries of a re-plan that lost a race to another writer (the nightly run, a colleague) before giving up. */
const replanTries = 4;

/**
 * Brings the claim's work item in line with the claim and what people set on it, re-reading when another writer got
 * there first, so that what the API accepted (a pend, a write-off request) is what the item says afterwards.
 */
export const replanWorkItem = async (
  deps: ActionDeps,
  ref: { tenantId: string; claimId: string },
  today: CalendarDate,
  marks: (item: WorkItem | undefined) => MarkChanges | undefined = () => undefined,
): Promise<WorkItem | undefined> => {
  for (let attempt = 1; ; attempt++) {
    const [stored, item, settings] = await Promise.all([deps.claims.get(ref.tenantId, ref.claimId), deps.workItems.get(ref.tenantId, ref.claimId), deps.settings.get(ref.tenantId)]);
    const changes = marks(item);
    const marked = item && changes ? ((await deps.workItems.setMarks(item, changes)) ? await deps.workItems.get(ref.tenantId, ref.claimId) : undefined) : item;
    if (!(item && changes) || marked) {
      const plan = stored ? planWorkItem(stored.claim, settings, today, marksOf(marked)) : undefined;
      const change = await syncWorkItem(deps.workItems, ref, marked, plan, today);
      if (change.change !== 'lost-race') return deps.workItems.get(ref.tenantId, ref.claimId);
    }
    // Another writer got there first (a night, a colleague): read it all again, a few times at most.
    if (attempt >= replanTries) throw new TransientError('the work item kept changing; try again');
  }
};

/** Records the action and returns the claim's work item as it stands after it (undefined when nothing is due). */
export const recordAction = async (
  deps: ActionDeps,
  input: { tenantId: string; claimId: string; userId: string; isManager: boolean; action: ActionRequest; now: string; today: CalendarDate },
): Promise<{ workItem?: WorkItem }> => {
  const { action, today } = input;
  const [record, item, settings] = await Promise.all([deps.claims.current(input.tenantId, input.claimId), deps.workItems.get(input.tenantId, input.claimId), deps.settings.get(input.tenantId)]);
  if (!isClaim(record.state)) throw new ClaimNotFoundError('no such claim');
  const stored: StoredClaim = { claim: record.state, version: record.version ?? 0 };
  const event = eventFor(stored, action, input.now, today);
  // Everything is checked before anything is written: a refused action leaves no trace but the answer.
  const after = event && record.fold ? ((fold) => (fold ? claimOfFold(input.tenantId, input.claimId, fold) : stored.claim))(foldOneMore(record.fold, event)) : stored.claim;
  if (action.nextFollowUpOn) {
    const { followUpOn: _pend, ...otherMarks } = marksOf(item);
    const deadline = deadlineBefore(planWorkItem(after, settings, today, otherMarks), today);
    if (deadline && action.nextFollowUpOn > deadline.dueOn) {
      if (!action.overrideDeadline) throw new ActionRefused('nextFollowUpOn', `the ${deadline.name} is ${deadline.dueOn}; follow up by then`);
      if (!input.isManager) throw new ActionRefused('overrideDeadline', 'only a manager can set a follow-up date after a deadline');
    }
  }
  let writeOff: WriteOffRequest | undefined;
  if (action.type === 'write-off-requested') {
    const owed = after.money.payerBalanceCents;
    if (!item || item.status !== 'open') throw new ActionRefused('type', 'the claim has no open work to write off');
    if (item.writeOffRequest) throw new ActionRefused('type', 'a write-off request is already waiting for a manager');
    if (owed <= 0) throw new ActionRefused('writeOffCents', 'the payer owes nothing on this claim');
    const cents = action.writeOffCents ?? owed;
    if (cents > owed) throw new ActionRefused('writeOffCents', `at most the ${dollars(owed)} the payer still owes`);
    writeOff = { cents, reason: action.writeOffReason!, requestedBy: input.userId, requestedOn: today };
  }

  if (event) await ingestClaimEvent(deps.claims, event, { isKnownTenant: () => true, receivedAt: input.now });
  const { type, outcome, callReference, appealLevel, nextFollowUpOn } = action;
  await deps.history.recordAction(input.tenantId, input.claimId, {
    actionId: randomUUID(),
    type,
    outcome,
    userId: input.userId,
    at: input.now,
    ...(callReference ? { callReference } : {}),
    ...(appealLevel ? { appealLevel } : {}),
    ...(nextFollowUpOn ? { nextFollowUpOn } : {}),
    ...(nextFollowUpOn && action.overrideDeadline ? { followUpPastDeadline: true } : {}),
    ...(writeOff ? { writeOffCents: writeOff.cents, writeOffReason: writeOff.reason } : {}),
  });
  await deps.history.countAction(input.tenantId, today, input.userId);

  const ref = { tenantId: input.tenantId, claimId: input.claimId };
  // Re-plan now: the claim's clocks and its work item change at once, not tonight.
  const workItem = await replanWorkItem(deps, ref, today, () => ({
    lastActionOn: today,
    ...(nextFollowUpOn ? { followUpOn: nextFollowUpOn, followUpPastDeadline: action.overrideDeadline ? true : null } : {}),
    ...(writeOff ? { writeOffRequest: writeOff } : {}),
  }));
  // Done with it: the biller's lease goes back.
  if (workItem?.leasedBy === input.userId) await deps.workItems.release(workItem, input.userId, input.now);
  return { workItem: await deps.workItems.get(input.tenantId, input.claimId) };
};
