// The pure parts of claim search: reading the search text, the values a claim is found by (normalized, as digests),
// the lookup items an event writes (only new values, within the transaction's 100 items), and the middleware's
// refusal of query parameters a route does not declare.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unknownQueryParameters } from '../../functions/api/middleware.js';
import { routeDeclarations } from '../../functions/api/routes.js';
import { claimOfFold, foldEvents, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { carries, parseClaimSearch, UnreadableSearch } from '../../functions/services/claim-search.js';
import { claimLookups, ClaimStore, identifierLookup, patientLookup } from '../../functions/store/claim-store.js';
import { acknowledged, remit, submitted, cas } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => claimOfFold('clinic-a', 'C1', foldEvents(events)!);

describe('the search text', () => {
  it('is a patient when it is a last name and a date of birth, in either order, a comma allowed', () => {
    for (const q of ['smith 1961-04-02', ' Smith,  1961-04-02 ', '1961-04-02 smith', 'de la Cruz 1961-04-02']) {
      expect(parseClaimSearch(q), q).toMatchObject({ kind: 'patient', dateOfBirth: '1961-04-02' });
    }
    expect(parseClaimSearch('de la Cruz 1961-04-02')).toEqual({ kind: 'patient', lastName: 'de la Cruz', dateOfBirth: '1961-04-02' });
  });

  it('is one identifier otherwise, a lone date included', () => {
    for (const q of ['CLM-1', 'ACCT 123', '2026-11-01', 'PCN 2026-11-01 X']) expect(parseClaimSearch(q), q).toEqual({ kind: 'identifier', text: q });
  });

  it('refuses an impossible date of birth or a blank text, without repeating it', () => {
    for (const q of ['smith 1961-02-30', 'smith 1899-12-31', '  ']) {
      expect(() => parseClaimSearch(q), q).toThrow(UnreadableSearch);
      try {
        parseClaimSearch(q);
      } catch (error) {
        expect((error as Error).message).not.toContain('smith');
      }
    }
  });
});

describe('what a claim is found by', () => {
  it('is its account, its patient and every payer claim number it carries, each once', () => {
    const claim = claimOf(submitted(), acknowledged('2026-10-02T12:00:00Z'), remit('2026-10-20T12:00:00Z', 0, [cas('CO-197', 10_000)], { payerClaimNumber: 'PCN2' }));
    expect(claimLookups(claim)).toEqual([identifierLookup('account', 'A1'), patientLookup('Test', '1980-01-01'), identifierLookup('payer-claim', 'PCN2')]);
    expect(carries(claim, identifierLookup('payer-claim', 'pcn2'))).toBe(true);
    // PCN1 came from the acknowledgment only, and the remit's PCN2 replaced it: its lookup item now misses.
    expect(carries(claim, identifierLookup('payer-claim', 'PCN1'))).toBe(false);
    const remitted = claimOf(submitted(), remit('2026-10-20T12:00:00Z', 0, [cas('CO-197', 10_000)], { payerClaimNumber: 'PCN1' }), remit('2026-10-25T12:00:00Z', 0, [cas('CO-197', 10_000)], { payerClaimNumber: 'PCN3', id: 'evt-remit-2' }));
    // Every remit's number stays with the claim: the newest first.
    expect(claimLookups(remitted).slice(2)).toEqual([identifierLookup('payer-claim', 'PCN3'), identifierLookup('payer-claim', 'PCN1')]);
  });

  it('folds case, accents and spacing, and keeps kinds and tenants of values apart', () => {
    expect(patientLookup('  MUÑOZ  de la  Cruz ', '1955-05-05')).toEqual(patientLookup('munoz de la cruz', '1955-05-05'));
    expect(patientLookup('Smith, Jr.', '1955-05-05')).toEqual(patientLookup('smith jr', '1955-05-05'));
    expect(patientLookup('Smith', '1955-05-05')).not.toEqual(patientLookup('Smith', '1955-05-06'));
    expect(identifierLookup('account', 'x-1').digest).not.toBe(identifierLookup('payer-claim', 'x-1').digest);
    expect(identifierLookup('account', 'ACC 7').digest).toBe(identifierLookup('account', 'acc  7').digest);
  });

});

/** A ClaimStore over a client that keeps the transaction it is sent. */
const capturing = () => {
  const sent: Array<{ input: { TransactItems: Array<{ Put?: { Item: Record<string, unknown> }; Update?: unknown }> } }> = [];
  const client = { send: async (command: (typeof sent)[number]) => void sent.push(command) } as unknown as DynamoDBDocumentClient;
  const lookupItems = () => sent.at(-1)!.input.TransactItems.filter((t) => t.Put?.Item.kind === 'claim-lookup');
  return { store: new ClaimStore(client, 'table', 4), sent, lookupItems };
};

describe('the lookup items an event writes', () => {
  const first = submitted();
  const before = claimOf(first);
  const after = claimOf(first, acknowledged('2026-10-02T12:00:00Z'));

  it('are every value of a new claim, in its transaction, keyed by tenant, digest and date of service', async () => {
    const { store, lookupItems } = capturing();
    await store.saveEvent(first, before, undefined, 'd', undefined, '2026-10-01T00:00:00Z');
    const items = lookupItems().map((t) => t.Put!.Item);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({ pk: `T#clinic-a#LOOKUP#account#${identifierLookup('account', 'A1').digest}`, sk: '2026-09-28#C1', kind: 'claim-lookup', claimId: 'C1' });
    // The values are in no key and no attribute: only their digests.
    for (const item of items) {
      for (const text of Object.values(item) as string[]) for (const value of ['Test', 'test', '1980-01-01']) expect(text).not.toContain(value);
      expect(Object.values(item)).not.toContain('A1');
    }
  });

  it('are only the values the claim did not carry before', async () => {
    const { store, lookupItems } = capturing();
    await store.saveEvent(acknowledged('2026-10-02T12:00:00Z'), after, undefined, 'd', 1, '2026-10-02T12:00:00Z', new Map(), before);
    expect(lookupItems().map((t) => t.Put!.Item.pk)).toEqual([`T#clinic-a#LOOKUP#payer-claim#${identifierLookup('payer-claim', 'PCN1').digest}`]);
    await store.saveEvent(acknowledged('2026-10-03T12:00:00Z', 'evt-ack-2'), after, undefined, 'd', 2, '2026-10-03T12:00:00Z', new Map(), after);
    expect(lookupItems()).toEqual([]);
  });

  it('fill only the room a transaction has left (100 items), and never refuse the event for it', async () => {
    const { store, sent, lookupItems } = capturing();
    const days = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`2026-01-${String(i + 1).padStart(2, '0')}#${i}`, { chargesByService: 1 }]));
    await store.saveEvent(first, before, undefined, 'd', undefined, '2026-10-01T00:00:00Z', days(96));
    expect(lookupItems()).toHaveLength(1);
    expect(sent.at(-1)!.input.TransactItems).toHaveLength(100);
    await store.saveEvent(first, before, undefined, 'd', undefined, '2026-10-01T00:00:00Z', days(97));
    expect(lookupItems()).toHaveLength(0);
    expect(sent.at(-1)!.input.TransactItems).toHaveLength(100);
  });
});

describe('query parameters', () => {
  const route = { query: z.object({ tenant: z.string().optional(), q: z.string() }) };

  it('a route does not declare are named, in the order sent; a route without a query schema declares none', () => {
    expect(unknownQueryParameters(route, { tenant: 'a', q: 'x' })).toEqual([]);
    expect(unknownQueryParameters(route, { foo: '1', tenant: 'a', Q: 'x' })).toEqual(['foo', 'Q']);
    expect(unknownQueryParameters({}, { tenant: 'a' })).toEqual(['tenant']);
    expect(unknownQueryParameters({}, undefined)).toEqual([]);
  });

  it('include `tenant` on every route that reads its tenant from the query', () => {
    for (const r of routeDeclarations.filter((d) => d.tenant === 'query' || d.tenant === 'query-or-all')) {
      expect(Object.keys(r.query?.shape ?? {}), `${r.method} ${r.path}`).toContain('tenant');
    }
  });
});
