// Route of claim search: a biller on the phone finds the claim by what the caller has. A PHI read, so audited (that a
// search was made, never its text) and rate-limited per user and tenant.
import { maxSearchResults, parseClaimSearch, searchClaims, searchRow, UnreadableSearch } from '../services/claim-search.js';
import type { RateLimit } from '../store/rate-limit-store.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, HttpProblem, json, problemResult } from './http.js';
import * as s from './schemas.js';

/** Searches a user may make in a tenant: enough for a day on the phone, too few to page through the patients. */
export const claimSearchLimit: RateLimit = { name: 'claim-search', max: 30, windowSeconds: 60 };

export const claimSearchRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/claims',
    operationId: 'searchClaims',
    summary: `Find claims: \`q\` is a claim id, payer claim number or patient account number, or a patient's last name and date of birth (\`smith 1961-04-02\`); at most ${maxSearchResults}, newest service first; ${claimSearchLimit.max} searches a minute per user and tenant (429 with Retry-After beyond)`,
    access: ['biller', 'manager'],
    tenant: 'query',
    query: s.claimSearchQuery,
    ok: { status: 200, schema: s.claimSearchResult },
    handle: async ({ event, tenant, caller, query, audit }, deps) => {
      let search;
      try {
        search = parseClaimSearch(query.q);
      } catch (error) {
        // The message says what is wrong with the text, never the text.
        if (error instanceof UnreadableSearch) throw fieldProblem('q', error.message);
        throw error;
      }
      const decision = await deps.rateLimits.take(tenant, caller.userId, claimSearchLimit, Date.now());
      if (!decision.allowed) {
        const limited = problemResult(new HttpProblem(429, 'Too Many Requests', `at most ${claimSearchLimit.max} searches a minute; try again in ${decision.retryAfterSeconds} s`), event.rawPath);
        return { ...limited, headers: { ...limited.headers, 'retry-after': String(decision.retryAfterSeconds) } };
      }
      const { matches, more } = await searchClaims(deps.claims, tenant, search);
      audit({ tenantId: tenant, action: 'search-claims' });
      return json(200, { claims: matches.map(searchRow), more });
    },
  }),
];
