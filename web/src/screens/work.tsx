// My work: the queues as tabs (count, dollars, overdue), the ranked list with filters, search, and "Take next" (n).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import type { OpenClaim } from '../app.js';
import { messageOf, Status, TableWrap, TenantPicker, useNextKey } from '../components.js';
import { centsOf, daysLeft, dollars, serviceDates } from '../format.js';
import type { Caller, QueueName, QueueSummaries, SearchResult, WorkItem, WorkItemPage } from '../types.js';
import { queueTitles } from '../words.js';

interface Filters {
  payer: string;
  minDollars: string;
  maxDollars: string;
  serviceFrom: string;
  serviceTo: string;
}
const noFilters: Filters = { payer: '', minDollars: '', maxDollars: '', serviceFrom: '', serviceTo: '' };

export const WorkScreen = ({ caller, onOpen }: { caller: Caller; onOpen: (claim: OpenClaim) => void }) => {
  const [tenant, setTenant] = useState(caller.tenants[0] ?? '');
  const [summaries, setSummaries] = useState<QueueSummaries['tenants'][number] | undefined>();
  const [queue, setQueue] = useState<QueueName | undefined>();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [rows, setRows] = useState<WorkItem[] | undefined>();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<SearchResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | undefined>();
  const [taking, setTaking] = useState(false);

  useEffect(() => {
    setSummaries(undefined);
    get<QueueSummaries>('/queues', { tenant })
      .then((answer) => {
        const mine = answer.tenants.find((t) => t.tenantId === tenant);
        setSummaries(mine);
        setQueue((current) => current ?? mine?.queues.find((q) => q.count > 0)?.queue ?? mine?.queues[0]?.queue);
      })
      .catch((e) => setError(messageOf(e)));
  }, [tenant]);

  useEffect(() => {
    if (!queue) return;
    setRows(undefined);
    get<WorkItemPage>('/work-items', {
      tenant,
      queue,
      limit: 50,
      payer: filters.payer.trim() || undefined,
      minCents: centsOf(filters.minDollars),
      maxCents: centsOf(filters.maxDollars),
      serviceOnOrAfter: filters.serviceFrom || undefined,
      serviceOnOrBefore: filters.serviceTo || undefined,
    })
      .then((page) => {
        setRows(page.items);
        setError(undefined);
      })
      .catch((e) => {
        setRows([]);
        setError(messageOf(e));
      });
  }, [tenant, queue, filters]);

  const takeNext = useCallback(async () => {
    if (taking) return;
    setTaking(true);
    setInfo('Taking the next claim…');
    try {
      const item = await post<WorkItem>('/work-items/next', caller.tenants.length > 1 ? { tenant } : {});
      if (!item) setInfo('Nothing to work right now: every item is done, pended or held by someone else.');
      else onOpen({ tenantId: item.tenantId, claimId: item.claimId, leased: item });
    } catch (e) {
      setError(messageOf(e));
      setInfo(undefined);
    } finally {
      setTaking(false);
    }
  }, [caller, tenant, taking, onOpen]);

  useNextKey(takeNext);

  const runSearch = async (event: Event) => {
    event.preventDefault();
    if (!search.trim()) return setFound(undefined);
    try {
      setFound(await get<SearchResult>('/claims', { tenant, q: search.trim() }));
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const payers = [...new Map((rows ?? []).filter((r) => r.payerId).map((r) => [r.payerId!, r.payerName ?? r.payerId!])).entries()];

  return (
    <section aria-labelledby="work-title">
      <div class="title-row">
        <h1 id="work-title" tabIndex={-1}>
          My work
        </h1>
        <button type="button" class="primary" onClick={() => void takeNext()} disabled={taking} aria-keyshortcuts="n">
          Take next <kbd aria-hidden="true">n</kbd>
        </button>
      </div>
      <TenantPicker tenants={caller.tenants} value={tenant} onChange={(t) => (setTenant(t), setQueue(undefined))} />
      <Status error={error} info={info} />

      <div role="tablist" aria-label="Queues" class="tabs">
        {summaries?.queues.map((q) => (
          <button
            key={q.queue}
            type="button"
            role="tab"
            id={`tab-${q.queue}`}
            aria-selected={q.queue === queue}
            aria-controls="queue-panel"
            tabIndex={q.queue === queue ? 0 : -1}
            class={q.count === 0 ? 'empty' : ''}
            onClick={() => setQueue(q.queue)}
            onKeyDown={(e) => {
              const list = summaries.queues;
              const at = list.findIndex((x) => x.queue === queue);
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              const next = list[(at + step + list.length) % list.length]!;
              setQueue(next.queue);
              document.getElementById(`tab-${next.queue}`)?.focus();
            }}
          >
            <span class="tab-name">{queueTitles[q.queue]}</span>
            <span class="tab-figures">
              {q.count} · {dollars(q.dollarsCents)}
              {q.overdue > 0 ? ` · ${q.overdue} overdue` : ''}
            </span>
          </button>
        ))}
      </div>

      <div id="queue-panel" role="tabpanel" aria-labelledby={queue ? `tab-${queue}` : undefined}>
        <details class="filters">
          <summary>Filters</summary>
          <form
            class="filter-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setFilters(draft);
            }}
          >
            <div class="field">
              <label for="f-payer">Payer</label>
              <input id="f-payer" list="payer-options" value={draft.payer} onInput={(e) => setDraft({ ...draft, payer: (e.target as HTMLInputElement).value })} placeholder="payer id" />
              <datalist id="payer-options">
                {payers.map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </datalist>
            </div>
            <div class="field">
              <label for="f-min">Dollars at least</label>
              <input id="f-min" inputMode="decimal" value={draft.minDollars} onInput={(e) => setDraft({ ...draft, minDollars: (e.target as HTMLInputElement).value })} />
            </div>
            <div class="field">
              <label for="f-max">Dollars at most</label>
              <input id="f-max" inputMode="decimal" value={draft.maxDollars} onInput={(e) => setDraft({ ...draft, maxDollars: (e.target as HTMLInputElement).value })} />
            </div>
            <div class="field">
              <label for="f-from">Service on or after</label>
              <input id="f-from" type="date" value={draft.serviceFrom} onInput={(e) => setDraft({ ...draft, serviceFrom: (e.target as HTMLInputElement).value })} />
            </div>
            <div class="field">
              <label for="f-to">Service on or before</label>
              <input id="f-to" type="date" value={draft.serviceTo} onInput={(e) => setDraft({ ...draft, serviceTo: (e.target as HTMLInputElement).value })} />
            </div>
            <div class="actions">
              <button type="submit">Apply filters</button>
              <button type="button" class="quiet" onClick={() => (setDraft(noFilters), setFilters(noFilters))}>
                Clear
              </button>
            </div>
          </form>
        </details>

        <form class="search" role="search" onSubmit={runSearch}>
          <label for="claim-search">Find a claim</label>
          <input id="claim-search" type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} placeholder="claim id, payer claim number or account" autoComplete="off" />
          <button type="submit">Search</button>
        </form>
        {found && (
          <section aria-label="Search results" class="results">
            <h2>Search results</h2>
            {found.claims.length === 0 ? (
              <p>No claim matches.</p>
            ) : (
              <ul class="plain">
                {found.claims.map((c) => (
                  <li key={c.claimId}>
                    <button type="button" class="link" onClick={() => onOpen({ tenantId: tenant, claimId: c.claimId })}>
                      {c.claimId}
                    </button>{' '}
                    {c.payerName}, {serviceDates(c.serviceFrom, c.serviceThrough)}, {c.status}, {dollars(c.payerBalanceCents)} owed{c.open ? '' : ' (closed)'}
                  </li>
                ))}
              </ul>
            )}
            {found.more && <p class="muted">More claims match: narrow the search.</p>}
          </section>
        )}

        <h2 class="sr-only">{queue ? queueTitles[queue] : 'Queue'}</h2>
        {rows === undefined ? (
          <p aria-live="polite">Loading…</p>
        ) : rows.length === 0 ? (
          <p>Nothing in this queue{filters !== noFilters ? ' with these filters' : ''}.</p>
        ) : (
          <TableWrap label="Ranked work">
            <table class="work">
              <caption class="sr-only">Ranked work, most urgent first</caption>
              <thead>
                <tr>
                  <th scope="col">Claim</th>
                  <th scope="col">Payer</th>
                  <th scope="col">Service dates</th>
                  <th scope="col" class="num">
                    Balance
                  </th>
                  <th scope="col" class="num">
                    Days left
                  </th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.claimId} data-claim={row.claimId}>
                    <td data-label="Claim">
                      <button type="button" class="link" onClick={() => onOpen({ tenantId: row.tenantId, claimId: row.claimId })}>
                        {row.claimId}
                      </button>
                      {row.leasedBy && <span class="badge">held by {row.leasedBy}</span>}
                    </td>
                    <td data-label="Payer">{row.payerName ?? row.payerId ?? '—'}</td>
                    <td data-label="Service dates">{serviceDates(row.serviceFrom, row.serviceThrough)}</td>
                    <td data-label="Balance" class="num">
                      {dollars(row.balanceCents ?? row.dollarsCents)}
                    </td>
                    <td data-label="Days left" class={`num${(row.daysLeft ?? 99) <= 14 ? ' urgent' : ''}`}>
                      {daysLeft(row.daysLeft)}
                    </td>
                    <td data-label="Why">
                      <strong>{row.nextStep}</strong>
                      <ul class="reasons">
                        {row.reasons.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </div>
    </section>
  );
};
