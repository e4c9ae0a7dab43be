import { describe, expect, it } from 'vitest';
import { dollarsToCents, eventsFromRow } from '../../functions/domain/open-ar-row.js';

describe('dollars to cents', () => {
  it.each([
    ['1234.50', 123_450],
    ['$1,234.5', 123_450],
    ['0.07', 7],
    ['-12', -1_200],
    ['19.99', 1_999],
  ])('%s is %i cents, exactly', (text, cents) => {
    expect(dollarsToCents(text)).toBe(cents);
  });

  it.each(['12.345', '1,23.00', 'abc', '', '1.2.3'])('refuses %s', (text) => {
    expect(dollarsToCents(text)).toBeUndefined();
  });
});

describe('an export row', () => {
  it('names every missing required column', () => {
    const result = eventsFromRow('clinic-a', { claim_id: 'X1' });
    expect(result.ok).toBe(false);
    const errors = (result as { errors: string[] }).errors.join('\n');
    for (const column of ['payer_id', 'billing_npi', 'patient_dob', 'service_through', 'lines', 'total_charge']) expect(errors).toContain(`${column}:`);
  });
});
