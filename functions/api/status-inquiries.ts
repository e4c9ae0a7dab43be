// Routes of the automatic status checks: the 276 batches a night sent, one per receiver (its payers, control number,
// file key, claims with their traces and payers, answered count) and, for an admin, the file itself (audited: it holds patient data).
import { z } from 'zod';
import { calendarDate } from '../domain/claim-events.js';
import { declare, type Route } from './declare.js';
import { json, notFound } from './http.js';
import * as s from './schemas.js';
import type { InquiryBatch } from '../store/status-inquiry-store.js';

const listQuery = z.object({ tenant: z.string().optional(), date: calendarDate.describe('the night the inquiries followed') });
const batchId = z.string().regex(/^\d{4}-\d{2}-\d{2}-[A-Za-z0-9]{2,15}-\d{9}$/, 'a status-inquiry batch id (<date>-<receiver>-<control number>)');

const batch = z.object({
  batchId: z.string(),
  date: calendarDate,
  payers: z.array(z.object({ payerId: z.string(), payerName: z.string(), claimCount: z.number().int() })),
  receiverId: z.string(),
  controlNumber: z.number().int(),
  fileKey: z.string(),
  createdAt: z.string(),
  claims: z.array(z.object({ claimId: z.string(), trace: z.string(), payerId: z.string() })),
  claimCount: z.number().int(),
  answeredCount: z.number().int(),
});
const batchList = z.object({ batches: z.array(batch) });

/**
 * Only the fields above: a batch record never carries patient data, and the listing passes on nothing else (not the
 * queue a claim was in when asked, nor the day lists of answers the digest reads).
 */
const listed = (b: InquiryBatch): z.infer<typeof batch> => batch.parse({ ...b, answeredCount: b.answeredCount ?? 0, claims: b.claims.map(({ claimId, trace, payerId }) => ({ claimId, trace, payerId })) });

export const statusInquiryRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/status-inquiries',
    operationId: 'listStatusInquiries',
    summary: 'The 276 status inquiries sent after a night, one per receiver: its payers, control number, file key, claims and traces, how many a 277 answered',
    access: ['manager', 'admin'],
    tenant: 'query',
    query: listQuery,
    ok: { status: 200, schema: batchList },
    handle: async ({ tenant, query }, { statusInquiries }) => json(200, { batches: (await statusInquiries.store.batches(tenant, query.date)).map(listed) }),
  }),
  declare({
    method: 'GET',
    path: '/status-inquiries/{batchId}/file',
    operationId: 'getStatusInquiryFile',
    summary: 'The X12 276 file of a batch, as sent (patient data: admins only, audited)',
    access: ['admin'],
    tenant: 'query',
    params: { batchId },
    query: s.tenantQuery,
    ok: { status: 200 },
    handle: async ({ tenant, params, audit }, { statusInquiries }) => {
      const found = await statusInquiries.store.batch(tenant, params.batchId);
      if (!found) throw notFound();
      const text = await statusInquiries.readFile(found.fileKey);
      if (text === undefined) throw notFound();
      audit({ tenantId: tenant, action: `read-status-inquiry-file:${params.batchId}` });
      return { statusCode: 200, headers: { 'content-type': 'application/edi-x12' }, body: text };
    },
  }),
];
