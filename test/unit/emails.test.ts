// Each email rendered from fixed data: its content, and both its parts (HTML with no script or image, plain text).
import { describe, expect, it } from 'vitest';
import { readAlerts, alertThresholds } from '../../functions/domain/alerts.js';
import { summarizeNight } from '../../functions/domain/night-summary.js';
import { alertEmail } from '../../functions/notify/alert-email.js';
import { managerDigestEmail, portfolioDigestEmail } from '../../functions/notify/digest-email.js';
import { apiLinksNote, type Email } from '../../functions/notify/html.js';
import { billerReminderEmail } from '../../functions/notify/reminder-email.js';
import { fixedDigest } from './digest-fixture.js';

const base = 'https://followup.example.com/';
const bounds = [30, 60, 90, 120];

const expectBothParts = (email: Email): void => {
  expect(email.subject.length).toBeGreaterThan(10);
  expect(email.html).toMatch(/^<!doctype html>/);
  expect(email.html).not.toMatch(/<script|<img|<link|<iframe|url\(|src=/i);
  expect(email.text.length).toBeGreaterThan(50);
  expect(email.text).not.toMatch(/<\/?(html|body|table|tr|td|th|p|a|h1|h2|div|span|br)\b/i);
};

describe('the manager digest', () => {
  const email = managerDigestEmail(fixedDigest(), base);

  it('has an HTML and a plain-text part', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Follow-up digest: Lakeside Family Practice, 2026-11-24');
  });

  it('gives AR, % over 90 and its change, timely-filing risk and new denials up front', () => {
    for (const part of [email.html, email.text]) {
      expect(part).toContain('$1,234,568');
      expect(part).toContain('34.2%');
      expect(part).toContain('up 1.3 points since the previous night');
      expect(part).toContain('$18,751');
      expect(part).toContain('9 claims');
    }
  });

  it('gives Days in AR, denial rate and net collection rate with their basis, n/a when nothing fell in a window', () => {
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Days in AR');
      expect(part).toContain('41.2');
      expect(part).toContain('8.0%');
      expect(part).toMatch(/Net collection rate[\s\S]*n\/a/);
      expect(part).toContain('90 days by date of service');
    }
  });

  it('shows AR by bucket and by payer as a bar chart and a table, the largest bar full width', () => {
    expect(email.html.match(/data-chart="bars"/g)).toHaveLength(2);
    expect(email.html).toContain('data-bar="0-30 days" style="background-color:#2f6fb3;width:100%');
    expect(email.html).toContain('data-bar="31-60 days" style="background-color:#2f6fb3;width:63%');
    expect(email.text).toMatch(/0-30 days +#{30} +\$400,000/);
    expect(email.text).toMatch(/120\+ days +\$200,000 +16\.2%/);
    // Eight payers by name, the rest summed; names escaped in HTML.
    expect(email.text).toMatch(/All other payers +\$34,568/);
    expect(email.text).not.toContain('Molina');
    expect(email.html).toContain('Blue Cross &lt;Blue&gt; &amp; Shield');
    expect(email.html).not.toContain('<Blue>');
  });

  it('lists denials by category, backlog per queue and per biller, work done and run health', () => {
    expect(email.text).toMatch(/Authorization +4 +\$4,800/);
    expect(email.text).toMatch(/Coding +3 +\$1,200/);
    // The overdue column counts as the reminder and GET /queues do (issue 13 item 3).
    expect(email.text).toMatch(/No response +120 \(17 overdue\) +\$98,000/);
    expect(email.text).toMatch(/Credit balances +0 +\$0/);
    expect(email.text).toMatch(/Unassigned pool +71 +\$32,000/);
    expect(email.text).toMatch(/Ana Ruiz +60 +\$70,000/);
    expect(email.text).toMatch(/Team front-end +30/);
    expect(email.text).toMatch(/Ana Ruiz +37\n/);
    expect(email.text).toMatch(/u-2 +12\n/);
    expect(email.text).toMatch(/Duration +4 min 12 s/);
    expect(email.text).toMatch(/Shard retries +1/);
    expect(email.text).toMatch(/Claim events refused +2/);
    expect(email.text).toMatch(/Dead-letter messages +2 \(ingest: 2\)/);
  });

  it('links to the work queues and the aging report of the tenant', () => {
    expect(email.text).toContain('https://followup.example.com/queues?tenant=lakeside');
    expect(email.html).toContain('href="https://followup.example.com/reports/aging?tenant=lakeside&amp;groupBy=payer"');
  });

  it('says so when there is no previous night, and when nothing happened', () => {
    const first = managerDigestEmail(fixedDigest({ previousNight: undefined, actionsByUser: {} }), base);
    expect(first.text).toContain('no previous night to compare');
    expect(first.text).toContain('No actions were recorded.');
  });
});

describe('the digest across practices', () => {
  const other = fixedDigest({ tenantId: 'summit', tenantName: 'Summit Orthopedics', night: summarizeNight({ 'ar:total': 1_000_000, 'ar:over90': 500_000, 'risk:timely-filing': 0 }, bounds), previousNight: undefined });
  const email = portfolioDigestEmail([fixedDigest(), other], '2026-11-24', base);

  it('has both parts, a row per practice and the totals', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Follow-up digest: 2 practices, 2026-11-24');
    expect(email.text).toContain('AR outstanding: $1,244,568 (2 practices)');
    expect(email.text).toMatch(/Lakeside Family Practice +\$1,234,568 +34\.2% +\+1\.3 +\$18,751 +7 +161/);
    expect(email.text).toMatch(/Summit Orthopedics +\$10,000 +50\.0% +n\/a +\$0 +0 +0/);
    expect(email.text).toContain('https://followup.example.com/queues?tenant=summit');
    expect(email.html.match(/data-chart="bars"/g)).toHaveLength(2);
  });
});

describe('the biller reminder', () => {
  const email = billerReminderEmail(
    {
      count: 12,
      cents: 1_234_500,
      byQueue: [
        { queue: 'rejections', count: 2, cents: 34_500 },
        { queue: 'denials', count: 10, cents: 1_200_000 },
      ],
      nearDeadline: 3,
      overdue: 5,
      oldestOverdue: { days: 23, queue: 'denials', cents: 250_000 },
    },
    { tenantId: 'lakeside', tenantName: 'Lakeside Family Practice', runDate: '2026-11-24', teams: ['front-end'] },
    base,
  );

  it('has both parts with counts and dollars per queue, deadlines, the oldest overdue and a link to the queue', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Your follow-up work: 12 due at Lakeside Family Practice');
    expect(email.text).toContain('12 items are due, worth $12,345, including the work of team front-end.');
    expect(email.text).toContain('Deadline within 14 days: 3');
    expect(email.text).toContain('Overdue: 5 (follow-up date or deadline lead time passed, no action since)');
    expect(email.text).toMatch(/Rejections +2 +\$345\n/);
    expect(email.text).toMatch(/Denials +10 +\$12,000\n/);
    // Money one way in every email (it read "$2,500.00" here, "$12,345" a line above).
    expect(email.text).toContain('Oldest overdue: waiting 23 days, in Denials, for $2,500.');
    expect(email.text).toContain('https://followup.example.com/work-items?tenant=lakeside&assignee=me');
    expect(email.html).toContain('href="https://followup.example.com/work-items?tenant=lakeside&amp;assignee=me"');
  });
});

describe('alerts', () => {
  const thresholds = alertThresholds.parse({ percentArOver90Above: 30 });
  const [crossed] = readAlerts(thresholds, { asOf: '2026-11-24', percentArOver90: 34.2 });
  const [cleared] = readAlerts(thresholds, { asOf: '2026-11-25', percentArOver90: 28 });

  it('says what crossed, the figure and the threshold, and that the next email comes when it clears', () => {
    const email = alertEmail(crossed!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base);
    expectBothParts(email);
    expect(email.subject).toBe('Alert: AR over 90 days is above your threshold (Lakeside Family Practice)');
    expect(email.text).toContain('Share of AR older than 90 days: 34.2%');
    expect(email.text).toContain('Threshold: 30.0%');
    expect(email.text).toContain('not every night while it stays crossed');
  });

  it('says when it cleared', () => {
    const email = alertEmail(cleared!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base);
    expectBothParts(email);
    expect(email.subject).toBe('Cleared: AR over 90 days is back under your threshold (Lakeside Family Practice)');
    expect(email.text).toContain('Share of AR older than 90 days: 28.0%');
  });
});

describe('every email', () => {
  const other = fixedDigest({ tenantId: 'summit', tenantName: 'Summit Orthopedics' });
  const thresholds = alertThresholds.parse({ timelyFilingRiskCentsAbove: 500_000 });
  const [risk] = readAlerts(thresholds, { asOf: '2026-11-24', timelyFilingRiskCents: 1_875_050 });
  const reminder = billerReminderEmail(
    { count: 1, cents: 123_456, byQueue: [{ queue: 'denials', count: 1, cents: 123_456 }], nearDeadline: 0, overdue: 1, oldestOverdue: { days: 3, queue: 'denials', cents: 123_456 } },
    { tenantId: 'lakeside', tenantName: 'Lakeside Family Practice', runDate: '2026-11-24', teams: [] },
    base,
  );
  const emails: Record<string, Email> = {
    digest: managerDigestEmail(fixedDigest(), base),
    portfolio: portfolioDigestEmail([fixedDigest(), other], '2026-11-24', base),
    reminder,
    alert: alertEmail(risk!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base),
  };

  it.each(Object.keys(emails))('%s: formats money one way, whole dollars with thousands separators', (name) => {
    const { html, text } = emails[name]!;
    const amounts = [...text.matchAll(/-?\$[\d,.]+\d/g), ...html.matchAll(/-?\$[\d,.]+\d/g)].map((m) => m[0]);
    expect(amounts.length).toBeGreaterThan(0);
    for (const amount of amounts) expect(amount).toMatch(/^-?\$\d{1,3}(,\d{3})*$/);
  });

  it('formats the same cents the same in a reminder, an alert and a digest', () => {
    expect(emails.reminder!.text).toContain('$1,235');
    expect(emails.alert!.text).toContain('Dollars within 14 days of a timely-filing deadline: $18,751');
    expect(emails.digest!.text).toContain('Timely-filing risk (14 days): $18,751');
  });

  it.each(Object.keys(emails))('%s: links into the system at its base URL, and says in one line what the links need', (name) => {
    const { html, text } = emails[name]!;
    expect(text).toMatch(/: https:\/\/followup\.example\.com\/(queues|work-items|reports\/aging)\?tenant=/);
    expect(text).toContain(apiLinksNote);
    expect(html).toContain('Bearer header');
    expect(apiLinksNote).toMatch(/API.*token.*Bearer/);
  });

  it('says "practices" in the footer of the digest across practices, "the practice" in one practice\'s', () => {
    expect(emails.portfolio!.text).toContain('as a manager of these practices in claim-followup');
    expect(emails.portfolio!.html).toContain('as a manager of these practices in claim-followup');
    expect(emails.digest!.text).toContain('as a manager of the practice in claim-followup');
  });
});
