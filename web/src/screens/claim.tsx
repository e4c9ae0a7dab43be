// One claim: header (payer, status, balances, who holds it), its clocks, its history, and the "Record action" form,
// typed per action, whose field errors come from the API's problem+json. While this user holds the lease the time
// left shows and the lease is renewed; leaving without saving gives it back. After saving: "Next claim" (n).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, claimPath, get, post, serverNow, workItemPath } from '../api.js';
import { beforeSignOut } from '../auth.js';
import type { OpenClaim } from '../app.js';
import { Field, messageOf, Status, TableWrap, useNextKey } from '../components.js';
import { centsOf, daysLeft, dollars, serviceDates, timeLeft, words } from '../format.js';
import type { ActionRecorded, Caller, ClaimDetail, HistoryEntry, WorkItem } from '../types.js';
import { actionTitles, actionTypes, appealLevels, queueTitles, writeOffReasons, type ActionType } from '../words.js';

/** Renew when this little of the 30-minute lease is left (and at most every minute). */
const renewBelowMs = 25 * 60_000;

const holderOf = (item: WorkItem | null, me: string): string => {
  if (!item) return 'no open work';
  if (item.leasedBy) return item.leasedBy === me ? 'you (leased)' : `${item.leasedBy} (leased)`;
  return item.assignee === 'pool' ? 'the pool' : item.assignee.replace(/^biller:/, '').replace(/^team:/, 'team ');
};

const Entry = ({ entry }: { entry: HistoryEntry }) =>
  entry.kind === 'event' ? (
    <li class="event">
      <time dateTime={entry.at}>{entry.at.slice(0, 10)}</time> <span class="kind">event</span> {words(entry.type)} <span class="muted">from {entry.source}</span>
    </li>
  ) : (
    <li class="action">
      <time dateTime={entry.at}>{entry.at.slice(0, 10)}</time> <span class="kind">action</span> {actionTitles[entry.type as ActionType] ?? words(entry.type)} by {entry.userId}: {entry.outcome}
      <dl class="facts">
        {entry.callReference && (
          <>
            <dt>Call reference</dt>
            <dd>{entry.callReference}</dd>
          </>
        )}
        {entry.appealLevel && (
          <>
            <dt>Appeal level</dt>
            <dd>{entry.appealLevel}</dd>
          </>
        )}
        {entry.nextFollowUpOn && (
          <>
            <dt>Follow up on</dt>
            <dd>
              {entry.nextFollowUpOn}
              {entry.followUpPastDeadline ? ' (past a deadline, by a manager)' : ''}
            </dd>
          </>
        )}
        {entry.writeOffCents !== undefined && (
          <>
            <dt>Write-off</dt>
            <dd>
              {dollars(entry.writeOffCents)} {entry.writeOffReason ? `(${words(entry.writeOffReason)})` : ''}
            </dd>
          </>
        )}
      </dl>
    </li>
  );

interface Draft {
  type: ActionType;
  outcome: string;
  callReference: string;
  appealLevel: string;
  writeOffDollars: string;
  writeOffReason: string;
  nextFollowUpOn: string;
  overrideDeadline: boolean;
}
const blank: Draft = { type: 'called-payer', outcome: '', callReference: '', appealLevel: '', writeOffDollars: '', writeOffReason: '', nextFollowUpOn: '', overrideDeadline: false };

/** The request body of a draft: only the fields its action type takes. */
const bodyOf = (d: Draft): Record<string, unknown> => ({
  type: d.type,
  outcome: d.outcome,
  ...(d.type === 'called-payer' && d.callReference ? { callReference: d.callReference } : {}),
  ...(d.type === 'appeal-filed' && d.appealLevel ? { appealLevel: d.appealLevel } : {}),
  ...(d.type === 'write-off-requested' && d.writeOffReason ? { writeOffReason: d.writeOffReason } : {}),
  ...(d.type === 'write-off-requested' && centsOf(d.writeOffDollars) !== undefined ? { writeOffCents: centsOf(d.writeOffDollars) } : {}),
  ...(d.nextFollowUpOn ? { nextFollowUpOn: d.nextFollowUpOn } : {}),
  ...(d.overrideDeadline && d.nextFollowUpOn ? { overrideDeadline: true } : {}),
});

export const ClaimScreen = ({ caller, open, onOpen, onBack }: { caller: Caller; open: OpenClaim; onOpen: (claim: OpenClaim) => void; onBack: () => void }) => {
  const { tenantId, claimId } = open;
  const [claim, setClaim] = useState<ClaimDetail | undefined>();
  const [lease, setLease] = useState<{ expiresAt: number } | undefined>(open.leased?.leaseExpiresAt ? { expiresAt: Date.parse(open.leased.leaseExpiresAt) } : undefined);
  const [now, setNow] = useState(serverNow());
  const [draft, setDraft] = useState<Draft>(blank);
  const [problem, setProblem] = useState<ApiError | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<ActionRecorded | undefined>();
  const [saving, setSaving] = useState(false);
  const lastRenew = useRef(serverNow());
  const leaseRef = useRef(lease);
  leaseRef.current = lease;

  const load = useCallback(
    () =>
      get<ClaimDetail>(claimPath(claimId), { tenant: tenantId })
        .then(setClaim)
        .catch((e) => setError(messageOf(e))),
    [tenantId, claimId],
  );
  useEffect(() => void load(), [load]);

  // The lease: a clock every second, a renewal when it runs low, and given back when the screen closes unsaved.
  useEffect(() => {
    const tick = setInterval(() => {
      const at = serverNow();
      setNow(at);
      const held = leaseRef.current;
      if (held && held.expiresAt - at < renewBelowMs && at - lastRenew.current > 60_000) {
        lastRenew.current = at;
        post<WorkItem>(workItemPath(claimId, '/renew'), {}, { tenant: tenantId })
          .then((item) => item?.leaseExpiresAt && setLease({ expiresAt: Date.parse(item.leaseExpiresAt) }))
          .catch(() => setLease(undefined));
      }
    }, 1000);
    const giveBack = async () => {
      const held = leaseRef.current;
      leaseRef.current = undefined;
      if (held) await post(workItemPath(claimId, '/release'), {}, { tenant: tenantId }).catch(() => undefined);
    };
    const onHide = () => void giveBack();
    window.addEventListener('pagehide', onHide);
    // Signed out (by hand, or after 15 idle minutes) with the claim open: the lease goes back first.
    const unhook = beforeSignOut(giveBack);
    return () => {
      clearInterval(tick);
      window.removeEventListener('pagehide', onHide);
      unhook();
      void giveBack();
    };
  }, [tenantId, claimId]);

  const takeNext = useCallback(async () => {
    try {
      const item = await post<WorkItem>('/work-items/next', caller.tenants.length > 1 ? { tenant: tenantId } : {});
      if (!item) return setError('Nothing else to work right now.');
      onOpen({ tenantId: item.tenantId, claimId: item.claimId, leased: item });
    } catch (e) {
      setError(messageOf(e));
    }
  }, [caller, tenantId, onOpen]);

  useNextKey(takeNext, !!saved);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setProblem(undefined);
    setError(undefined);
    try {
      const answer = await post<ActionRecorded>(claimPath(claimId, '/actions'), bodyOf(draft), { tenant: tenantId });
      // Recording an action gives the lease back (the API does it): nothing to release on leaving.
      setLease(undefined);
      setSaved(answer);
      setDraft(blank);
      await load();
      document.getElementById('next-claim')?.focus();
    } catch (e) {
      if (e instanceof ApiError && e.problem?.errors?.length) {
        setProblem(e);
        // Focus the first field named, so the error is read out where it is.
        const first = e.problem.errors[0]!.field;
        document.getElementById(`a-${first}`)?.focus();
      } else setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  const fieldError = (field: string) => problem?.fieldMessage(field);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const item = claim?.workItem ?? null;
  const named = new Set(['type', 'outcome', 'callReference', 'appealLevel', 'writeOffCents', 'writeOffReason', 'nextFollowUpOn', 'overrideDeadline']);
  const otherErrors = problem?.problem?.errors?.filter((e) => !named.has(e.field)) ?? [];

  return (
    <section aria-labelledby="claim-title">
      <div class="title-row">
        <h1 id="claim-title" tabIndex={-1}>
          Claim {claim ? <span class="muted">{claim.payer.name}</span> : null}
        </h1>
        <button type="button" class="quiet" onClick={onBack}>
          Back to my work
        </button>
      </div>
      <Status error={error} info={undefined} />
      {lease && (
        <p class="lease" role="timer" aria-live="off">
          Your lease: <strong>{timeLeft(lease.expiresAt - now)}</strong> left (renewed while this claim is open)
        </p>
      )}
      {!claim ? (
        <p aria-live="polite">Loading…</p>
      ) : (
        <>
          <dl class="header-facts">
            <div>
              <dt>Claim</dt>
              <dd data-testid="claim-id">{claim.claimId}</dd>
            </div>
            <div>
              <dt>Payer</dt>
              <dd>{claim.payer.name}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {words(claim.status)}
                {claim.open ? '' : ' (closed)'}
              </dd>
            </div>
            <div>
              <dt>Service dates</dt>
              <dd>{serviceDates(claim.serviceFrom, claim.serviceThrough)}</dd>
            </div>
            <div>
              <dt>Billed</dt>
              <dd>{dollars(claim.money.billedCents)}</dd>
            </div>
            <div>
              <dt>Paid</dt>
              <dd>{dollars(claim.money.paidCents)}</dd>
            </div>
            <div>
              <dt>Payer owes</dt>
              <dd>{dollars(claim.money.payerBalanceCents)}</dd>
            </div>
            <div>
              <dt>Patient owes</dt>
              <dd>{dollars(claim.money.patientResponsibilityCents)}</dd>
            </div>
            {claim.money.creditBalanceCents > 0 && (
              <div>
                <dt>Credit balance</dt>
                <dd>{dollars(claim.money.creditBalanceCents)}</dd>
              </div>
            )}
            <div>
              <dt>Held by</dt>
              <dd>{holderOf(item, caller.userId)}</dd>
            </div>
          </dl>

          {item && (
            <section class="card" aria-labelledby="work-h">
              <h2 id="work-h">
                {queueTitles[item.queue]}: {item.nextStep}
              </h2>
              <ul class="reasons">
                {item.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              {item.writeOffRequest && (
                <p>
                  Write-off requested: {dollars(item.writeOffRequest.cents)} ({words(item.writeOffRequest.reason)}) by {item.writeOffRequest.requestedBy} on {item.writeOffRequest.requestedOn}
                </p>
              )}
            </section>
          )}

          <section aria-labelledby="clocks-h">
            <h2 id="clocks-h">Clocks</h2>
            {claim.clocks.length === 0 ? (
              <p>No deadline runs on this claim.</p>
            ) : (
              <TableWrap label="Clocks">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Clock</th>
                      <th scope="col">Started</th>
                      <th scope="col">Due</th>
                      <th scope="col" class="num">
                        Days left
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {claim.clocks.map((c) => (
                      <tr key={`${c.kind}-${c.level ?? ''}-${c.dueOn}`}>
                        <td>
                          {words(c.kind)}
                          {c.level ? ` (${c.level})` : ''}
                        </td>
                        <td>{c.startsOn}</td>
                        <td>{c.dueOn}</td>
                        <td class={`num${c.daysLeft <= 14 ? ' urgent' : ''}`}>{daysLeft(c.daysLeft)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>

          {saved ? (
            <section class="card saved" aria-labelledby="saved-h">
              <h2 id="saved-h">Saved: {actionTitles[saved.recorded as ActionType] ?? words(saved.recorded)}</h2>
              <p>
                {saved.followUpOn ? `This claim comes back on ${saved.followUpOn}.` : saved.workItem ? `It stays in ${queueTitles[saved.workItem.queue]}.` : 'No follow-up work is left on this claim.'}
              </p>
              <div class="actions">
                <button type="button" id="next-claim" class="primary" onClick={() => void takeNext()} aria-keyshortcuts="n">
                  Next claim <kbd aria-hidden="true">n</kbd>
                </button>
                <button type="button" class="quiet" onClick={() => setSaved(undefined)}>
                  Record another action
                </button>
              </div>
            </section>
          ) : (
            <form class="card action-form" aria-labelledby="record-h" noValidate onSubmit={submit}>
              <h2 id="record-h">Record action</h2>
              <Field id="a-type" label="What you did" error={fieldError('type')}>
                {(a11y) => (
                  <select {...a11y} value={draft.type} onChange={(e) => set({ type: (e.target as HTMLSelectElement).value as ActionType })}>
                    {actionTypes.map((t) => (
                      <option key={t} value={t}>
                        {actionTitles[t]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {draft.type === 'called-payer' && (
                <Field id="a-callReference" label="Call reference" error={fieldError('callReference')} hint="The reference number the payer's representative gave">
                  {(a11y) => <input {...a11y} value={draft.callReference} autoComplete="off" onInput={(e) => set({ callReference: (e.target as HTMLInputElement).value })} />}
                </Field>
              )}
              {draft.type === 'appeal-filed' && (
                <Field id="a-appealLevel" label="Appeal level" error={fieldError('appealLevel')}>
                  {(a11y) => (
                    <select {...a11y} value={draft.appealLevel} onChange={(e) => set({ appealLevel: (e.target as HTMLSelectElement).value })}>
                      <option value="">Choose a level</option>
                      {appealLevels.map((l) => (
                        <option key={l} value={l}>
                          {l}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
              {draft.type === 'write-off-requested' && (
                <>
                  <Field id="a-writeOffReason" label="Write-off reason" error={fieldError('writeOffReason')}>
                    {(a11y) => (
                      <select {...a11y} value={draft.writeOffReason} onChange={(e) => set({ writeOffReason: (e.target as HTMLSelectElement).value })}>
                        <option value="">Choose a reason</option>
                        {writeOffReasons.map((r) => (
                          <option key={r} value={r}>
                            {words(r)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field id="a-writeOffCents" label="Amount to write off (dollars)" error={fieldError('writeOffCents')} hint="Blank: what the payer still owes">
                    {(a11y) => <input {...a11y} inputMode="decimal" value={draft.writeOffDollars} onInput={(e) => set({ writeOffDollars: (e.target as HTMLInputElement).value })} />}
                  </Field>
                </>
              )}
              <Field id="a-outcome" label={draft.type === 'note' ? 'Note' : 'What came of it'} error={fieldError('outcome')}>
                {(a11y) => <textarea {...a11y} rows={3} value={draft.outcome} onInput={(e) => set({ outcome: (e.target as HTMLTextAreaElement).value })} />}
              </Field>
              <Field id="a-nextFollowUpOn" label="Next follow-up date" error={fieldError('nextFollowUpOn')} hint="Optional: the claim leaves the queue until then">
                {(a11y) => <input {...a11y} type="date" value={draft.nextFollowUpOn} onInput={(e) => set({ nextFollowUpOn: (e.target as HTMLInputElement).value })} />}
              </Field>
              {caller.roles.includes('manager') && (
                <div class="field check">
                  <input id="a-overrideDeadline" type="checkbox" checked={draft.overrideDeadline} onChange={(e) => set({ overrideDeadline: (e.target as HTMLInputElement).checked })} aria-describedby={fieldError('overrideDeadline') ? 'a-overrideDeadline-error' : undefined} />
                  <label for="a-overrideDeadline">Allow a follow-up date after a deadline (manager)</label>
                  {fieldError('overrideDeadline') && (
                    <span id="a-overrideDeadline-error" class="field-error">
                      {fieldError('overrideDeadline')}
                    </span>
                  )}
                </div>
              )}
              {otherErrors.length > 0 && (
                <div role="alert">
                  <ul class="error">
                    {otherErrors.map((e) => (
                      <li key={e.field}>
                        {e.field}: {e.message}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {problem && otherErrors.length === 0 && (
                <p class="error" role="alert">
                  Check the field marked below its entry.
                </p>
              )}
              <div class="actions">
                <button type="submit" class="primary" disabled={saving}>
                  Save action
                </button>
              </div>
            </form>
          )}

          <section aria-labelledby="history-h">
            <h2 id="history-h">History</h2>
            <ol class="timeline">
              {[...claim.history].reverse().map((entry, i) => (
                <Entry key={`${entry.at}-${i}`} entry={entry} />
              ))}
            </ol>
            {claim.historyCursor && <p class="muted">Older entries exist (the latest 100 are shown).</p>}
          </section>

          {claim.remittances.length > 0 && (
            <section aria-labelledby="remits-h">
              <h2 id="remits-h">Remittances</h2>
              <ul class="plain">
                {claim.remittances.map((r) => (
                  <li key={r.remitId}>
                    {r.listedOn}: trace {r.traceNumber ?? '—'}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
};
