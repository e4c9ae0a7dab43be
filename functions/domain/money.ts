// Money is integer cents everywhere; it becomes dollars only when shown to a person.

/** $1,234.56 from 123456. */
export const dollars = (cents: number): string =>
  `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** $1,235 from 123456: whole dollars, for summaries where cents are noise. */
export const wholeDollars = (cents: number): string =>
  `${cents < 0 ? '-' : ''}$${Math.round(Math.abs(cents) / 100).toLocaleString('en-US')}`;
