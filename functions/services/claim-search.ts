// Finding a tenant's claims from what a biller on the phone has: a claim id, a payer claim number, a patient account
// number, or a patient's last name and date of birth. Lookups written at ingest name candidate claims; every candidate
// is read and checked against the claim as stored, so a value the claim no longer carries finds nothing.
import type { Claim } from '../domain/claim.js';
import { birthDate, claimId as claimIdSchema } from '../domain/claim-events.js';
import { claimLookups, identifierLookup, patientLookup, type ClaimLookup, type ClaimStore } from '../store/claim-store.js';

/** What a search asks: one identifier of several kinds, or a patient. */
export type ClaimSearch = { readonly kind: 'identifier'; readonly text: string } | { readonly kind: 'patient'; readonly lastName: string; readonly dateOfBirth: string };

export type MatchedBy = 'claim-id' | 'payer-claim-number' | 'account-number' | 'patient';

export interface ClaimMatch {
  readonly claim: Claim;
  readonly matchedBy: MatchedBy;
}

/** Most claims a search answers. */
export const maxSearchResults = 20;

/** A search text this module cannot read: the message names the problem, never the text. */
export class UnreadableSearch extends Error {
  override readonly name = 'UnreadableSearch';
}

const dateLike = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a search text: `<last name> <YYYY-MM-DD>` (or the date first; a comma may separate them) is a patient, anything
 * else one identifier (claim id, payer claim number or account number, tried as each).
 */
export const parseClaimSearch = (q: string): ClaimSearch => {
  const text = q.trim().replace(/\s+/g, ' ');
  if (!text) throw new UnreadableSearch('give a claim id, payer claim number, account number, or a last name and date of birth');
  const words = text.split(/[ ,]+/).filter(Boolean);
  const dateAt = words.length > 1 ? [words.length - 1, 0].find((i) => dateLike.test(words[i]!)) : undefined;
  if (dateAt === undefined) return { kind: 'identifier', text };
  const dateOfBirth = words[dateAt]!;
  if (!birthDate.safeParse(dateOfBirth).success) throw new UnreadableSearch('the date of birth is not a date from 1900-01-01 to 2100-12-31 (YYYY-MM-DD)');
  const lastName = words.filter((_, i) => i !== dateAt).join(' ');
  return { kind: 'patient', lastName, dateOfBirth };
};

const sameLookup = (a: ClaimLookup, b: ClaimLookup): boolean => a.kind === b.kind && a.digest === b.digest;

/** Whether the claim, as stored now, carries the lookup's value. */
export const carries = (claim: Claim, lookup: ClaimLookup): boolean => claimLookups(claim).some((l) => sameLookup(l, lookup));

/** Newest date of service first, then claim id: the order a biller scans a patient's claims in. */
const newestFirst = (a: ClaimMatch, b: ClaimMatch): number =>
  a.claim.serviceFrom !== b.claim.serviceFrom ? (a.claim.serviceFrom < b.claim.serviceFrom ? 1 : -1) : a.claim.claimId < b.claim.claimId ? -1 : a.claim.claimId > b.claim.claimId ? 1 : 0;

/**
 * The tenant's claims the search finds, at most `limit`: a claim whose id is the text first, then the others newest
 * service first. `more` says others matched (or may have: the lookups read stop at a bound), to narrow the search.
 */
export const searchClaims = async (claims: ClaimStore, tenantId: string, search: ClaimSearch, limit = maxSearchResults): Promise<{ matches: ClaimMatch[]; more: boolean }> => {
  const lookups: Array<{ lookup: ClaimLookup; matchedBy: MatchedBy }> =
    search.kind === 'patient'
      ? [{ lookup: patientLookup(search.lastName, search.dateOfBirth), matchedBy: 'patient' }]
      : [
          { lookup: identifierLookup('payer-claim', search.text), matchedBy: 'payer-claim-number' },
          { lookup: identifierLookup('account', search.text), matchedBy: 'account-number' },
        ];
  // Claim ids are as sent (letters may be either case); a biller may type one in lower case.
  const ids = search.kind === 'identifier' ? [...new Set([search.text, search.text.toUpperCase()])].filter((id) => claimIdSchema.safeParse(id).success) : [];
  // A few more candidates than answers: some may have moved on from the value.
  const found = await Promise.all(lookups.map(({ lookup }) => claims.lookup(tenantId, lookup, limit + 5)));
  const candidates = [...ids, ...found.flatMap((f) => f.claimIds)];
  const stored = candidates.length ? await claims.getMany(tenantId, candidates) : [];
  const matches: ClaimMatch[] = [];
  const byId: ClaimMatch[] = [];
  for (const { claim } of stored) {
    if (claim.tenantId !== tenantId) continue;
    if (ids.includes(claim.claimId)) byId.push({ claim, matchedBy: 'claim-id' });
    else {
      const hit = lookups.find(({ lookup }) => carries(claim, lookup));
      if (hit) matches.push({ claim, matchedBy: hit.matchedBy });
    }
  }
  const all = [...byId.sort(newestFirst), ...matches.sort(newestFirst)];
  return { matches: all.slice(0, limit), more: all.length > limit || found.some((f) => f.more) };
};

/** A row of the answer: enough to tell the claims apart on the phone, and to open the right one. */
export const searchRow = ({ claim, matchedBy }: ClaimMatch) => ({
  claimId: claim.claimId,
  payerName: claim.payer.name,
  serviceFrom: claim.serviceFrom,
  serviceThrough: claim.serviceThrough,
  status: claim.status,
  open: claim.open,
  payerBalanceCents: claim.money.payerBalanceCents,
  matchedBy,
});
