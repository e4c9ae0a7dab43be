// How figures read on screen: dollars from integer cents, dates as written, days left in words.
export const dollars = (cents: number | undefined): string =>
  cents === undefined ? '—' : (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: cents % 100 === 0 ? 0 : 2 });

export const wholeDollars = (cents: number): string => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export const serviceDates = (from?: string, through?: string): string => (!from ? '—' : !through || through === from ? from : `${from} – ${through}`);

export const daysLeft = (days: number | undefined): string => {
  if (days === undefined) return '—';
  if (days < 0) return `${-days} ${days === -1 ? 'day' : 'days'} late`;
  if (days === 0) return 'due today';
  return `${days} ${days === 1 ? 'day' : 'days'}`;
};

/** Words for the API's kebab-case names: `called-payer` → "called payer". */
export const words = (name: string): string => name.replace(/[-_.:]/g, ' ').replace(/^claim /, '');

export const timeLeft = (ms: number): string => {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
};

/** Parses a dollar amount typed by a person ("1,250.50") into cents; undefined when blank or not a number. */
export const centsOf = (text: string): number | undefined => {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (cleaned === '') return undefined;
  const value = Number(cleaned);
  return Number.isFinite(value) ? Math.round(value * 100) : undefined;
};
