// Routes of what the clearinghouse sent: the tenant's 835 remittances (by payment date, each with its claims and how
// each was applied) and the report of every X12 file received.
import { z } from 'zod';
import { isClaim } from '../domain/claim.js';
import { calendarDate } from '../domain/claim-events.js';
import { ClaimStore } from '../store/claim-store.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, json, notFound } from './http.js';
import * as s from './schemas.js';

/**
 * A page cursor of these listings: the tenant, the listing and the last sort key read, so a cursor of another tenant
 * or listing (or not of ours) answers 400 naming `cursor`.
 */
const pageCursor = {
  encode: (tenant: string, listing: string, key: string | undefined): string | undefined =>
    key === undefined ? undefined : Buffer.from(JSON.stringify({ tenant, listing, key })).toString('base64url'),
  decode: (tenant: string, listing: string, cursor: string | undefined, pattern: RegExp): string | undefined => {
    if (cursor === undefined) return undefined;
    const refuse = () => fieldProblem('cursor', 'not a cursor of this listing');
    if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    } catch {
      throw refuse();
    }
    const envelope = z.strictObject({ tenant: z.literal(tenant), listing: z.literal(listing), key: z.string().regex(pattern) }).safeParse(parsed);
    if (!envelope.success) throw refuse();
    return envelope.data.key;
  },
};

const remittanceListQuery = z.object({
  tenant: z.string().optional(),
  from: calendarDate.describe('first payment date, inclusive'),
  to: calendarDate.describe('last payment date, inclusive'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
const fileListQuery = z.object({ tenant: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() });
const remitId = z.string().regex(/^remit-[0-9a-f]{32}$/, 'a remittance id (remit-…)');

const remittanceHeader = z.looseObject({
  remitId: z.string(),
  listedOn: calendarDate,
  paymentDate: calendarDate.nullable(),
  payer: z.object({ name: z.string().nullable(), id: z.string().nullable() }),
  traceNumber: z.string().nullable(),
  paymentCents: z.number().int(),
  balanced: z.boolean(),
  status: z.enum(['accepted', 'refused']),
  claimCount: z.number().int(),
  providerAdjustments: z.array(z.object({ reasonCode: z.string(), reference: z.string().nullable(), amountCents: z.number().int() })),
  fileSha256: z.string(),
});
const remittancePage = z.object({ remittances: z.array(remittanceHeader), cursor: z.string().optional() });
const remittanceDetail = z.object({ remittance: remittanceHeader, claims: z.array(z.looseObject({ position: z.number().int(), patientControlNumber: z.string(), eventType: z.string().nullable(), held: z.boolean() })) });
const filePage = z.object({ files: z.array(z.looseObject({ file: z.string(), sha256: z.string(), status: z.enum(['accepted', 'partial', 'refused']), receivedAt: z.string() })), cursor: z.string().optional() });

export const remittanceRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/remittances',
    operationId: 'listRemittances',
    summary: 'The tenant’s 835 remittances paid from..to (payer, payment date, trace number, amount, claims, PLB, file)',
    access: ['biller', 'manager'],
    tenant: 'query',
    query: remittanceListQuery,
    ok: { status: 200, schema: remittancePage },
    handle: async ({ tenant, query }, { x12Files }) => {
      if (query.from > query.to) throw fieldProblem('from', 'must not be after to');
      const listing = `remittances:${query.from}:${query.to}`;
      const after = pageCursor.decode(tenant, listing, query.cursor, /^\d{4}-\d{2}-\d{2}#remit-[0-9a-f]{32}$/);
      const page = await x12Files.remittances(tenant, query.from, query.to, query.limit, after);
      const cursor = pageCursor.encode(tenant, listing, page.next);
      return json(200, { remittances: page.remittances, ...(cursor ? { cursor } : {}) });
    },
  }),
  declare({
    method: 'GET',
    path: '/remittances/{remitId}',
    operationId: 'getRemittance',
    summary: 'A remittance with its claims: how each was applied (its event) or refused, and whether the tenant holds the claim',
    access: ['biller', 'manager'],
    tenant: 'query',
    params: { remitId },
    query: s.tenantQuery,
    ok: { status: 200, schema: remittanceDetail },
    handle: async ({ tenant, params, audit }, { x12Files, claims }) => {
      const remittance = await x12Files.remittance(tenant, params.remitId);
      if (!remittance) throw notFound();
      // Whether each claim is one the tenant holds: a line for a claim it does not is unmatched (never lost).
      const held = await claims.currents([...new Set(remittance.claims.map((c) => c.patientControlNumber))].filter(Boolean).map((claimId) => ({ tenantId: tenant, claimId })));
      audit({ tenantId: tenant, action: 'read-remittance' });
      return json(200, {
        remittance: remittance.header,
        claims: remittance.claims.map((c) => ({ ...c, held: isClaim(held.get(ClaimStore.recordKey(tenant, c.patientControlNumber))?.state) })),
      });
    },
  }),
  declare({
    method: 'GET',
    path: '/files',
    operationId: 'listFiles',
    summary: 'Reports of the X12 files received, newest first',
    access: ['manager', 'admin'],
    tenant: 'query',
    query: fileListQuery,
    ok: { status: 200, schema: filePage },
    handle: async ({ tenant, query }, { x12Files }) => {
      const before = pageCursor.decode(tenant, 'files', query.cursor, /^[0-9T:.Z-]+#[0-9a-f]{64}$/);
      const page = await x12Files.files(tenant, query.limit, before);
      const cursor = pageCursor.encode(tenant, 'files', page.next);
      return json(200, { files: page.files, ...(cursor ? { cursor } : {}) });
    },
  }),
];
