// The pieces every email is built from: an HTML part made of tables with inline styles (what every mail client,
// Outlook included, renders the same) and a plain-text part with the same content. No script, no images, no
// external resource: bars are table cells with a width and a background color. Every part fits a 390 px phone
// screen without scrolling sideways: figures wrap onto more rows, table cells and chart labels wrap their words.
import { wholeDollars } from '../domain/money.js';

export interface Email {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** Money in every email, one way: whole dollars, "$1,235" (the alerts' figures come formatted the same). */
export const money = (cents: number): string => wholeDollars(cents);

export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const font = 'font-family:Arial,Helvetica,sans-serif';
const ink = '#1f2933';
const muted = '#52606d';
const rule = '#d9e2ec';
export const barColor = '#2f6fb3';
export const warnColor = '#c2410c';

/** One block of an email: its HTML and its plain-text rendering. */
export interface Section {
  readonly html: string;
  readonly text: string;
}

export const heading = (title: string): Section => ({
  html: `<h2 style="${font};font-size:17px;color:${ink};margin:24px 0 8px">${escapeHtml(title)}</h2>`,
  text: `\n${title}\n${'-'.repeat(title.length)}`,
});

export const paragraph = (words: string): Section => ({
  html: `<p style="${font};font-size:14px;color:${ink};margin:0 0 10px;line-height:1.45">${escapeHtml(words)}</p>`,
  text: words,
});

export const link = (label: string, href: string): Section => ({
  html: `<p style="${font};font-size:14px;margin:16px 0"><a href="${escapeHtml(href)}" style="color:${barColor};font-weight:bold">${escapeHtml(label)}</a></p>`,
  text: `${label}: ${href}`,
});

/** What a link needs until the web app exists: it opens the API, which wants the reader's token. */
export const apiLinksNote = 'These links open the claim-followup API; send your token as a Bearer header (Authorization: Bearer <token>).';

/** The email's links into the system, then one line on what they need. */
export const links = (items: ReadonlyArray<readonly [label: string, href: string]>): Section[] => [
  ...items.map(([label, href]) => link(label, href)),
  { html: `<p style="${font};font-size:12px;color:${muted};margin:0 0 10px">${escapeHtml(apiLinksNote)}</p>`, text: apiLinksNote },
];

/** Width of the email's content column (640 less its padding): what the figures share. */
const contentWidth = 592;

/**
 * Headline figures side by side (label over value), each with an optional note under it and a rule on its left. Each
 * has a largest width and wraps onto the next row when the screen is narrower (on a phone, two to a row); Outlook,
 * which ignores those widths, gets them in a row from a table only it reads.
 */
export const figures = (items: ReadonlyArray<{ label: string; value: string; note?: string; warn?: boolean }>): Section => {
  const width = Math.floor(contentWidth / items.length);
  const outlook = (html: string): string => `<!--[if mso]>${html}<![endif]-->`;
  const box = (item: (typeof items)[number]): string =>
    `<div style="display:inline-block;vertical-align:top;box-sizing:border-box;width:100%;max-width:${width}px;${font};line-height:1.35;padding:4px 12px 4px 10px;margin:0 0 10px;border-left:3px solid ${rule}">` +
    `<div style="font-size:12px;color:${muted}">${escapeHtml(item.label)}</div>` +
    `<div style="font-size:20px;font-weight:bold;color:${item.warn ? warnColor : ink}">${escapeHtml(item.value)}</div>` +
    (item.note ? `<div style="font-size:12px;color:${muted}">${escapeHtml(item.note)}</div>` : '') +
    `</div>`;
  return {
    html:
      `<div data-figures="${items.length}" style="font-size:0;line-height:0;margin:8px 0">` +
      outlook(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td valign="top" width="${width}">`) +
      items.map(box).join(outlook(`</td><td valign="top" width="${width}">`)) +
      outlook('</td></tr></table>') +
      `</div>`,
    text: items.map((item) => `${item.label}: ${item.value}${item.note ? ` (${item.note})` : ''}`).join('\n'),
  };
};

export type Align = 'left' | 'right';

const cellStyle = (tag: 'th' | 'td', align: Align, padding = '5px 10px'): string =>
  `${font};font-size:13px;padding:${padding};border-bottom:1px solid ${rule};color:${tag === 'th' ? muted : ink};text-align:${align}${tag === 'th' ? ';font-weight:bold' : ''}`;

/** A table of text cells; the first column is left-aligned, the rest right-aligned. */
export const table = (headers: readonly string[], rows: ReadonlyArray<readonly string[]>, empty = 'None.'): Section => {
  if (rows.length === 0) return paragraph(empty);
  const align = (i: number): Align => (i === 0 ? 'left' : 'right');
  const cell = (value: string, i: number, tag: 'th' | 'td') => `<${tag} align="${align(i)}" style="${cellStyle(tag, align(i))}">${escapeHtml(value)}</${tag}>`;
  const html =
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 8px">` +
    `<tr>${headers.map((h, i) => cell(h, i, 'th')).join('')}</tr>` +
    rows.map((row) => `<tr>${row.map((v, i) => cell(v, i, 'td')).join('')}</tr>`).join('') +
    `</table>`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((v, i) => (align(i) === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  return { html, text: [line(headers), ...rows.map(line)].join('\n') };
};

/**
 * A table with too many columns for a phone (390 px): in HTML, one table per group of its figure columns, one
 * under the other, each row's name (the first column) on a line of its own above its figures, so no name, however
 * long, widens a table; in plain text, the one table.
 */
export const splitTable = (headers: readonly string[], rows: ReadonlyArray<readonly string[]>, groups: ReadonlyArray<readonly number[]>, empty = 'None.'): Section => {
  const whole = table(headers, rows, empty);
  if (rows.length === 0) return whole;
  const part = (columns: readonly number[]): string => {
    const padding = (i: number) => `5px ${i === columns.length - 1 ? 0 : 10}px 5px 10px`;
    const cells = (values: readonly string[], tag: 'th' | 'td') =>
      values.map((value, i) => `<${tag} align="right" style="${cellStyle(tag, 'right', padding(i))}">${escapeHtml(value)}</${tag}>`).join('');
    return (
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 12px">` +
      `<tr>${cells(columns.map((c) => headers[c]!), 'th')}</tr>` +
      rows
        .map(
          (row) =>
            `<tr><td colspan="${columns.length}" style="${font};font-size:13px;font-weight:bold;color:${ink};padding:6px 0 0">${escapeHtml(row[0] ?? '')}</td></tr>` +
            `<tr>${cells(columns.map((c) => row[c] ?? ''), 'td')}</tr>`,
        )
        .join('') +
      `</table>`
    );
  };
  return { html: groups.map(part).join(''), text: whole.text };
};

/**
 * A horizontal bar chart: one row per item, the bar's length proportional to its value (the largest fills the
 * bar column). Bars are table cells with a percentage width and a background color, so they show in every client.
 */
export const barChart = (rows: ReadonlyArray<{ label: string; value: number; shown: string }>, color = barColor): Section => {
  const max = Math.max(0, ...rows.map((r) => r.value));
  const html =
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:4px 0 8px" data-chart="bars">` +
    rows
      .map((row) => {
        const percent = max === 0 ? 0 : Math.max(row.value > 0 ? 1 : 0, Math.round((row.value / max) * 100));
        const bar =
          percent === 0
            ? `<td style="font-size:0;line-height:0;height:14px">&nbsp;</td>`
            : `<td width="${percent}%" data-bar="${escapeHtml(row.label)}" style="background-color:${color};width:${percent}%;font-size:0;line-height:0;height:14px">&nbsp;</td>` +
              (percent < 100 ? `<td width="${100 - percent}%" style="width:${100 - percent}%;font-size:0;line-height:0;height:14px">&nbsp;</td>` : '');
        return (
          `<tr><td style="${font};font-size:13px;color:${ink};padding:3px 10px 3px 0;width:30%">${escapeHtml(row.label)}</td>` +
          `<td style="padding:3px 0;width:50%"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${bar}</tr></table></td>` +
          `<td align="right" style="${font};font-size:13px;color:${ink};padding:3px 0 3px 10px;white-space:nowrap;text-align:right;width:20%">${escapeHtml(row.shown)}</td></tr>`
        );
      })
      .join('') +
    `</table>`;
  const text = rows
    .map((row) => {
      const blocks = max === 0 ? 0 : Math.round((row.value / max) * 30);
      return `${row.label.padEnd(Math.max(...rows.map((r) => r.label.length)))}  ${'#'.repeat(blocks).padEnd(30)}  ${row.shown}`;
    })
    .join('\n');
  return { html, text: `${text}\n` };
};

/** The whole email: a title, the sections in order, and a footer saying why it was sent. */
export const email = (subject: string, title: string, sections: readonly Section[], footer: string): Email => {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background-color:#f5f7fa">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background-color:#f5f7fa"><tr><td align="center" style="padding:16px">` +
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background-color:#ffffff;max-width:640px;width:100%"><tr><td style="padding:20px 24px">` +
    `<h1 style="${font};font-size:20px;color:${ink};margin:0 0 12px">${escapeHtml(title)}</h1>` +
    sections.map((s) => s.html).join('\n') +
    `<p style="${font};font-size:11px;color:${muted};margin:24px 0 0;border-top:1px solid ${rule};padding-top:10px">${escapeHtml(footer)}</p>` +
    `</td></tr></table></td></tr></table></body></html>`;
  const text = [title, '='.repeat(title.length), ...sections.map((s) => s.text), '', footer].join('\n') + '\n';
  return { subject, html, text };
};

/** A link into the API, tenant-scoped. */
export const appLink = (appBaseUrl: string, path: string, query: Record<string, string>): string =>
  `${appBaseUrl.replace(/\/$/, '')}${path}?${new URLSearchParams(query).toString()}`;
