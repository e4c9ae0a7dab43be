// Admins: the practice's settings as a form (thresholds, buckets, recipients, the roster, and the rule lists as
// JSON), saved whole with PUT /config/settings and validated by the API: each refusal shows next to its field.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, put } from '../api.js';
import { Field, messageOf, Status, TenantPicker } from '../components.js';
import type { Caller, Settings } from '../types.js';

/** Text fields of the form, as typed; turned into the settings document on save. */
interface Draft {
  percentArOver90Above: string;
  timelyFilingRiskDollarsAbove: string;
  runCompleteBy: string;
  deadLettersNotEmpty: boolean;
  underpaymentThresholdDollars: string;
  agingBuckets: string;
  managerEmails: string;
  billers: string;
  payerRules: string;
  assignmentRules: string;
  contractRates: string;
  statusInquiries: string;
}

const json = (value: unknown) => JSON.stringify(value ?? [], null, 2);
const draftOf = (s: Settings): Draft => ({
  percentArOver90Above: s.alerts.percentArOver90Above?.toString() ?? '',
  timelyFilingRiskDollarsAbove: s.alerts.timelyFilingRiskCentsAbove !== undefined ? String(s.alerts.timelyFilingRiskCentsAbove / 100) : '',
  runCompleteBy: s.alerts.runCompleteBy ?? '',
  deadLettersNotEmpty: s.alerts.deadLettersNotEmpty,
  underpaymentThresholdDollars: String(s.underpaymentThresholdCents / 100),
  agingBuckets: s.agingBuckets.join(', '),
  managerEmails: s.managerEmails.join('\n'),
  billers: json(s.billers),
  payerRules: json(s.payerRules),
  assignmentRules: json(s.assignmentRules),
  contractRates: json(s.contractRates),
  statusInquiries: json(s.statusInquiries),
});

/** A number as typed, or the text itself when it is not one (so the API names the field, not this page). */
const numberOr = (text: string, scale = 1): number | string | undefined => {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * scale * 1e6) / 1e6 : t;
};

export const AdminScreen = ({ caller }: { caller: Caller }) => {
  const [tenant, setTenant] = useState(caller.tenants[0] ?? '');
  const [settings, setSettings] = useState<Settings | undefined>();
  const [draft, setDraft] = useState<Draft | undefined>();
  const [problem, setProblem] = useState<ApiError | undefined>();
  const [jsonErrors, setJsonErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setSettings(undefined);
    get<Settings>('/config/settings', { tenant })
      .then((s) => (setSettings(s), setDraft(draftOf(s))))
      .catch((e) => setError(messageOf(e)));
  }, [tenant]);

  const set = (patch: Partial<Draft>) => draft && setDraft({ ...draft, ...patch });

  const save = async (event: Event) => {
    event.preventDefault();
    if (!settings || !draft) return;
    setProblem(undefined);
    setError(undefined);
    setInfo(undefined);
    const lists: Record<string, unknown> = {};
    const badJson: Record<string, string> = {};
    for (const name of ['billers', 'payerRules', 'assignmentRules', 'contractRates', 'statusInquiries'] as const) {
      try {
        lists[name] = JSON.parse(draft[name] || '[]');
      } catch {
        badJson[name] = 'not valid JSON';
      }
    }
    setJsonErrors(badJson);
    if (Object.keys(badJson).length) return;
    const alerts: Record<string, unknown> = { deadLettersNotEmpty: draft.deadLettersNotEmpty };
    const pct = numberOr(draft.percentArOver90Above);
    if (pct !== undefined) alerts.percentArOver90Above = pct;
    const risk = numberOr(draft.timelyFilingRiskDollarsAbove, 100);
    if (risk !== undefined) alerts.timelyFilingRiskCentsAbove = risk;
    if (draft.runCompleteBy.trim()) alerts.runCompleteBy = draft.runCompleteBy.trim();
    const document = {
      ...settings,
      ...lists,
      alerts,
      underpaymentThresholdCents: numberOr(draft.underpaymentThresholdDollars, 100) ?? 0,
      agingBuckets: draft.agingBuckets
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
        .map((b) => (Number.isFinite(Number(b)) ? Number(b) : b)),
      managerEmails: draft.managerEmails
        .split('\n')
        .map((e) => e.trim())
        .filter(Boolean),
    };
    setSaving(true);
    try {
      const stored = await put<Settings>('/config/settings', document, { tenant });
      setSettings(stored);
      setDraft(draftOf(stored));
      setInfo('Settings saved. Tonight’s run uses them.');
    } catch (e) {
      if (e instanceof ApiError && e.problem?.errors?.length) {
        setProblem(e);
        setError(`The settings were not saved: ${e.problem.errors.length === 1 ? 'one field needs' : `${e.problem.errors.length} fields need`} a change (marked below).`);
      } else setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  /** The API's messages for a field, or for anything under it (`payerRules.0.limits…` for payerRules). */
  const errorFor = (field: string, exact = false): string | undefined => {
    const found = problem?.problem?.errors?.filter((e) => e.field === field || (!exact && e.field.startsWith(`${field}.`))) ?? [];
    const mine = found.map((e) => (e.field === field ? (e.message ?? 'invalid') : `${e.field.slice(field.length + 1)}: ${e.message ?? 'invalid'}`));
    return jsonErrors[field] ?? (mine.length ? mine.join('; ') : undefined);
  };

  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title" tabIndex={-1}>
        Settings
      </h1>
      <TenantPicker tenants={caller.tenants} value={tenant} onChange={setTenant} />
      <Status error={error} info={info} />
      {!draft ? (
        <p aria-live="polite">Loading…</p>
      ) : (
        <form class="settings" noValidate onSubmit={save}>
          <fieldset>
            <legend>Alert thresholds</legend>
            <Field id="s-percentArOver90Above" label="Alert when % AR over 90 days is above (percent)" error={errorFor('alerts.percentArOver90Above')} hint="0-100; blank turns the alert off">
              {(a) => <input {...a} inputMode="decimal" value={draft.percentArOver90Above} onInput={(e) => set({ percentArOver90Above: (e.target as HTMLInputElement).value })} />}
            </Field>
            <Field id="s-timelyFilingRiskCentsAbove" label="Alert when timely-filing risk is above (dollars)" error={errorFor('alerts.timelyFilingRiskCentsAbove')} hint="Dollars within 14 days of a timely-filing deadline; blank turns it off">
              {(a) => <input {...a} inputMode="decimal" value={draft.timelyFilingRiskDollarsAbove} onInput={(e) => set({ timelyFilingRiskDollarsAbove: (e.target as HTMLInputElement).value })} />}
            </Field>
            <Field id="s-runCompleteBy" label="The night's run should be complete by (HH:MM, practice time)" error={errorFor('alerts.runCompleteBy')}>
              {(a) => <input {...a} value={draft.runCompleteBy} onInput={(e) => set({ runCompleteBy: (e.target as HTMLInputElement).value })} />}
            </Field>
            <div class="field check">
              <input id="s-deadLettersNotEmpty" type="checkbox" checked={draft.deadLettersNotEmpty} onChange={(e) => set({ deadLettersNotEmpty: (e.target as HTMLInputElement).checked })} />
              <label for="s-deadLettersNotEmpty">Alert while a dead-letter queue holds a message</label>
            </div>
          </fieldset>
          <fieldset>
            <legend>Follow-up</legend>
            <Field id="s-underpaymentThresholdCents" label="Ignore underpayments smaller than (dollars)" error={errorFor('underpaymentThresholdCents')}>
              {(a) => <input {...a} inputMode="decimal" value={draft.underpaymentThresholdDollars} onInput={(e) => set({ underpaymentThresholdDollars: (e.target as HTMLInputElement).value })} />}
            </Field>
            <Field id="s-agingBuckets" label="Aging bucket bounds (days, comma-separated)" error={errorFor('agingBuckets')} hint="e.g. 30, 60, 90, 120 gives 0-30 … 120+">
              {(a) => <input {...a} value={draft.agingBuckets} onInput={(e) => set({ agingBuckets: (e.target as HTMLInputElement).value })} />}
            </Field>
          </fieldset>
          <fieldset>
            <legend>People</legend>
            <Field id="s-managerEmails" label="Managers' email recipients (one per line)" error={errorFor('managerEmails')}>
              {(a) => <textarea {...a} rows={3} value={draft.managerEmails} onInput={(e) => set({ managerEmails: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
            <Field id="s-billers" label="Roster: billers and their teams (JSON)" error={errorFor('billers')} hint='[{"userId": "…", "email": "…", "displayName": "…", "teams": ["…"]}]'>
              {(a) => <textarea {...a} class="code" rows={6} value={draft.billers} onInput={(e) => set({ billers: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
          </fieldset>
          <fieldset>
            <legend>Rules</legend>
            <Field id="s-payerRules" label="Payer rules (JSON)" error={errorFor('payerRules')}>
              {(a) => <textarea {...a} class="code" rows={6} value={draft.payerRules} onInput={(e) => set({ payerRules: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
            <Field id="s-assignmentRules" label="Assignment rules (JSON)" error={errorFor('assignmentRules')}>
              {(a) => <textarea {...a} class="code" rows={6} value={draft.assignmentRules} onInput={(e) => set({ assignmentRules: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
            <Field id="s-contractRates" label="Contract rates (JSON)" error={errorFor('contractRates')}>
              {(a) => <textarea {...a} class="code" rows={6} value={draft.contractRates} onInput={(e) => set({ contractRates: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
            <Field id="s-statusInquiries" label="Status inquiries (276) by payer (JSON)" error={errorFor('statusInquiries')}>
              {(a) => <textarea {...a} class="code" rows={4} value={draft.statusInquiries} onInput={(e) => set({ statusInquiries: (e.target as HTMLTextAreaElement).value })} />}
            </Field>
          </fieldset>
          {problem && (
            <div role="alert">
              <ul class="error" aria-label="Fields to change">
                {problem.problem?.errors?.map((e) => (
                  <li key={e.field}>
                    {e.field}: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={saving}>
              Save settings
            </button>
          </div>
        </form>
      )}
    </section>
  );
};
