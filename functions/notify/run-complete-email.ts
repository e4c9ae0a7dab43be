// The manager's "night complete" email: counts and links only, never a patient identifier. HTML and plain text.
import type { NightlyRunRecord } from '../store/run-store.js';

export interface Email {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const runCompleteEmail = (tenantName: string, run: NightlyRunRecord, appBaseUrl: string): Email => {
  const link = `${appBaseUrl.replace(/\/$/, '')}/queues?tenant=${encodeURIComponent(run.tenantId)}`;
  const subject = `Follow-up run complete: ${tenantName}, ${run.runDate}`;
  const aged = run.counts.claimsAged ?? 0;
  const opened = Object.entries(run.counts).filter(([name]) => name.startsWith('opened:')).reduce((sum, [, n]) => sum + n, 0);
  const closed = Object.entries(run.counts).filter(([name]) => name.startsWith('closed:')).reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `The nightly follow-up run for ${tenantName} (${run.runDate}) is complete.`,
    `Open claims aged: ${aged}`,
    `Work items opened: ${opened}`,
    `Work items closed: ${closed}`,
    `Work queues: ${link}`,
  ];
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222">
<h2 style="margin:0 0 12px">${escapeHtml(subject)}</h2>
<table cellpadding="6" style="border-collapse:collapse">
<tr><td>Open claims aged</td><td style="text-align:right"><b>${aged}</b></td></tr>
<tr><td>Work items opened</td><td style="text-align:right"><b>${opened}</b></td></tr>
<tr><td>Work items closed</td><td style="text-align:right"><b>${closed}</b></td></tr>
</table>
<p><a href="${escapeHtml(link)}">Open the work queues</a></p>
</body></html>`;
  return { subject, html, text: lines.join('\n') };
};
