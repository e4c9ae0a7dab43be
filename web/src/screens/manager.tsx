// Managers: AR by bucket and payer, % AR > 90 over the last 30 nights, alerts, queue backlog, work done per biller,
// reassigning selected work, and deciding write-off requests.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, workItemPath } from '../api.js';
import type { OpenClaim } from '../app.js';
import { BarChart, TrendLine } from '../charts.js';
import { messageOf, Status, TableWrap, TenantPicker } from '../components.js';
import { daysLeft, dollars, serviceDates, wholeDollars, words } from '../format.js';
import type { AgingReport, Caller, NightlyTrend, QueueName, QueueSummaries, WorkItem, WorkItemPage } from '../types.js';
import { queueTitles } from '../words.js';

const percent = (v: number) => `${v.toFixed(1)}%`;
const alertTitles: Record<string, string> = { 'ar-over-90': '% AR over 90 days', 'timely-filing-risk': 'Dollars at timely-filing risk', 'dead-letters': 'Dead letters', 'run-late': 'Nightly run late' };

export const ManagerScreen = ({ caller, onOpen }: { caller: Caller; onOpen: (claim: OpenClaim) => void }) => {
  const [tenant, setTenant] = useState(caller.tenants[0] ?? '');
  const [byBucket, setByBucket] = useState<AgingReport | undefined>();
  const [byPayer, setByPayer] = useState<AgingReport | undefined>();
  const [trend, setTrend] = useState<NightlyTrend | undefined>();
  const [queues, setQueues] = useState<QueueSummaries['tenants'][number] | undefined>();
  const [queue, setQueue] = useState<QueueName>('denials');
  const [rows, setRows] = useState<WorkItem[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [assignee, setAssignee] = useState('pool');
  const [assignError, setAssignError] = useState<string | undefined>();
  const [approvals, setApprovals] = useState<WorkItem[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [noteErrors, setNoteErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | undefined>();

  const loadFigures = useCallback(() => {
    const fail = (e: unknown) => setError(messageOf(e));
    get<AgingReport>('/reports/aging', { tenant, groupBy: 'bucket' }).then(setByBucket, fail);
    get<AgingReport>('/reports/aging', { tenant, groupBy: 'payer' }).then(setByPayer, fail);
    get<NightlyTrend>('/reports/nights', { tenant, days: 30 }).then(setTrend, fail);
    get<QueueSummaries>('/queues', { tenant }).then((a) => setQueues(a.tenants.find((t) => t.tenantId === tenant)), fail);
  }, [tenant]);
  const loadWork = useCallback(() => {
    const fail = (e: unknown) => setError(messageOf(e));
    get<WorkItemPage>('/work-items', { tenant, queue, limit: 50 }).then((p) => (setRows(p.items), setSelected(new Set())), fail);
    get<WorkItemPage>('/work-items', { tenant, assignee: 'managers', queue: 'write-off-approval', limit: 50 }).then((p) => setApprovals(p.items), fail);
  }, [tenant, queue]);
  useEffect(loadFigures, [loadFigures]);
  useEffect(loadWork, [loadWork]);

  const reassign = async (event: Event) => {
    event.preventDefault();
    setAssignError(undefined);
    let done = 0;
    for (const claimId of selected) {
      try {
        await post(workItemPath(claimId, '/assign'), { assignee: assignee.trim() }, { tenant });
        done++;
      } catch (e) {
        setAssignError(e instanceof ApiError ? (e.fieldMessage('assignee') ?? e.message) : messageOf(e));
        break;
      }
    }
    if (done) setInfo(`Reassigned ${done} ${done === 1 ? 'item' : 'items'} to ${assignee.trim()}.`);
    loadWork();
  };

  const decide = async (item: WorkItem, decision: 'approve' | 'decline') => {
    setNoteErrors({ ...noteErrors, [item.claimId]: '' });
    try {
      const note = notes[item.claimId]?.trim();
      await post(workItemPath(item.claimId, `/write-off/${decision}`), note ? { note } : {}, { tenant });
      setInfo(`Write-off ${decision === 'approve' ? 'approved' : 'declined'}.`);
      loadWork();
      loadFigures();
    } catch (e) {
      setNoteErrors({ ...noteErrors, [item.claimId]: e instanceof ApiError ? (e.fieldMessage('note') ?? e.message) : messageOf(e) });
    }
  };

  const latest = [...(trend?.nights ?? [])].reverse().find((n) => n.status === 'complete');
  const workDone = new Map<string, { today: number; month: number }>();
  for (const night of trend?.nights ?? []) {
    for (const { userId, actions } of night.workDone) {
      const row = workDone.get(userId) ?? { today: 0, month: 0 };
      row.month += actions;
      if (night.runDate === trend?.through) row.today += actions;
      workDone.set(userId, row);
    }
  }
  const assignees = [...new Set(['pool', ...rows.map((r) => r.assignee)])];

  return (
    <section aria-labelledby="manager-title">
      <h1 id="manager-title" tabIndex={-1}>
        Manager
      </h1>
      <TenantPicker tenants={caller.tenants} value={tenant} onChange={setTenant} />
      <Status error={error} info={info} />

      <div class="grid">
        <section class="card" aria-labelledby="ar90-h">
          <h2 id="ar90-h">% AR over 90 days</h2>
          <p class="big">{byBucket ? percent(byBucket.percentOver90) : '…'}</p>
          <p class="muted">
            of {byBucket ? wholeDollars(byBucket.totalArCents) : '…'} open AR today; the last 30 nights below
          </p>
          {trend && <TrendLine label="% AR over 90 days, last 30 nights" points={trend.nights.map((n) => ({ date: n.runDate, value: n.percentArOver90 }))} format={percent} />}
        </section>
        <section class="card" aria-labelledby="alerts-h">
          <h2 id="alerts-h">Alerts</h2>
          {!trend ? (
            <p>…</p>
          ) : trend.alerts.length === 0 ? (
            <p>No alert thresholds are set{latest ? '' : ', or no night has completed yet'}.</p>
          ) : (
            <ul class="plain alerts">
              {trend.alerts.map((a) => (
                <li key={a.kind} class={a.crossed ? 'crossed' : 'clear'}>
                  <strong>{a.crossed ? 'Over' : 'Clear'}</strong>: {alertTitles[a.kind] ?? words(a.kind)} is {a.value} (threshold {a.threshold}) on {a.asOf}
                </li>
              ))}
            </ul>
          )}
          {latest?.timelyFilingRiskCents !== undefined && <p>Timely-filing risk (14 days): {wholeDollars(latest.timelyFilingRiskCents)}</p>}
        </section>
      </div>

      <div class="grid">
        <section class="card" aria-labelledby="bucket-h">
          <h2 id="bucket-h">AR by age</h2>
          {byBucket && <BarChart label="AR by age bucket" rows={byBucket.rows.map((r) => ({ name: r.key, value: r.arCents }))} format={wholeDollars} />}
        </section>
        <section class="card" aria-labelledby="payer-h">
          <h2 id="payer-h">AR by payer</h2>
          {byPayer && <BarChart label="AR by payer" rows={byPayer.rows.map((r) => ({ name: r.key, value: r.arCents }))} format={wholeDollars} />}
        </section>
      </div>

      <div class="grid">
        <section class="card" aria-labelledby="backlog-h">
          <h2 id="backlog-h">Queue backlog</h2>
          <TableWrap label="Queue backlog">
            <table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col" class="num">
                    Dollars
                  </th>
                  <th scope="col" class="num">
                    Overdue
                  </th>
                  <th scope="col" class="num">
                    Near a deadline
                  </th>
                </tr>
              </thead>
              <tbody>
                {queues?.queues.map((q) => (
                  <tr key={q.queue}>
                    <td>{queueTitles[q.queue]}</td>
                    <td class="num">{q.count}</td>
                    <td class="num">{dollars(q.dollarsCents)}</td>
                    <td class="num">{q.overdue}</td>
                    <td class="num">{q.nearDeadline}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
        <section class="card" aria-labelledby="done-h">
          <h2 id="done-h">Work done per biller</h2>
          {workDone.size === 0 ? (
            <p>No actions recorded in the last 30 days.</p>
          ) : (
            <TableWrap label="Work done per biller">
              <table>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col" class="num">
                      Today
                    </th>
                    <th scope="col" class="num">
                      Last 30 days
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...workDone.entries()].map(([user, n]) => (
                    <tr key={user}>
                      <td>{user}</td>
                      <td class="num">{n.today}</td>
                      <td class="num">{n.month}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="approvals-h">
        <h2 id="approvals-h">Write-off requests</h2>
        {approvals.length === 0 ? (
          <p>No write-off request is waiting.</p>
        ) : (
          <ul class="plain approvals">
            {approvals.map((item) => (
              <li key={item.claimId} data-claim={item.claimId}>
                <p>
                  <button type="button" class="link" onClick={() => onOpen({ tenantId: item.tenantId, claimId: item.claimId })}>
                    {item.claimId}
                  </button>{' '}
                  {item.payerName}: {item.writeOffRequest ? `${dollars(item.writeOffRequest.cents)} (${words(item.writeOffRequest.reason)}) asked by ${item.writeOffRequest.requestedBy} on ${item.writeOffRequest.requestedOn}` : dollars(item.dollarsCents)}
                </p>
                <div class="field">
                  <label for={`note-${item.claimId}`}>Note (needed to decline)</label>
                  <input
                    id={`note-${item.claimId}`}
                    value={notes[item.claimId] ?? ''}
                    onInput={(e) => setNotes({ ...notes, [item.claimId]: (e.target as HTMLInputElement).value })}
                    aria-invalid={noteErrors[item.claimId] ? 'true' : undefined}
                    aria-describedby={noteErrors[item.claimId] ? `note-${item.claimId}-error` : undefined}
                  />
                  {noteErrors[item.claimId] && (
                    <span id={`note-${item.claimId}-error`} class="field-error">
                      {noteErrors[item.claimId]}
                    </span>
                  )}
                </div>
                <div class="actions">
                  <button type="button" class="primary" onClick={() => void decide(item, 'approve')}>
                    Approve write-off
                  </button>
                  <button type="button" onClick={() => void decide(item, 'decline')}>
                    Decline write-off
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="reassign-h">
        <h2 id="reassign-h">Reassign work</h2>
        <form class="reassign" noValidate onSubmit={reassign}>
          <div class="field inline">
            <label for="r-queue">Queue</label>
            <select id="r-queue" value={queue} onChange={(e) => setQueue((e.target as HTMLSelectElement).value as QueueName)}>
              {(queues?.queues ?? []).map((q) => (
                <option key={q.queue} value={q.queue}>
                  {queueTitles[q.queue]} ({q.count})
                </option>
              ))}
            </select>
          </div>
          <TableWrap label="Work to reassign">
            <table>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="sr-only">Select</span>
                  </th>
                  <th scope="col">Claim</th>
                  <th scope="col">Payer</th>
                  <th scope="col">Service dates</th>
                  <th scope="col" class="num">
                    Dollars
                  </th>
                  <th scope="col" class="num">
                    Days left
                  </th>
                  <th scope="col">Assigned to</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.claimId} data-claim={row.claimId}>
                    <td>
                      <input
                        type="checkbox"
                        id={`sel-${row.claimId}`}
                        aria-label={`Select ${row.claimId}`}
                        checked={selected.has(row.claimId)}
                        onChange={(e) => {
                          const next = new Set(selected);
                          if ((e.target as HTMLInputElement).checked) next.add(row.claimId);
                          else next.delete(row.claimId);
                          setSelected(next);
                        }}
                      />
                    </td>
                    <td>{row.claimId}</td>
                    <td>{row.payerName ?? '—'}</td>
                    <td>{serviceDates(row.serviceFrom, row.serviceThrough)}</td>
                    <td class="num">{dollars(row.dollarsCents)}</td>
                    <td class="num">{daysLeft(row.daysLeft)}</td>
                    <td data-assignee>{row.assignee}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <div class="field inline">
            <label for="r-assignee">Assign selected to</label>
            <input
              id="r-assignee"
              list="assignee-options"
              value={assignee}
              onInput={(e) => setAssignee((e.target as HTMLInputElement).value)}
              aria-invalid={assignError ? 'true' : undefined}
              aria-describedby={`r-assignee-hint${assignError ? ' r-assignee-error' : ''}`}
            />
            <datalist id="assignee-options">
              {assignees.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
            <span id="r-assignee-hint" class="hint">
              pool, biller:&lt;user id&gt; or team:&lt;name&gt;, from the practice's roster
            </span>
            {assignError && (
              <span id="r-assignee-error" class="field-error">
                {assignError}
              </span>
            )}
          </div>
          <button type="submit" disabled={selected.size === 0}>
            Reassign {selected.size} selected
          </button>
        </form>
      </section>
    </section>
  );
};
