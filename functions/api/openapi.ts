// The OpenAPI 3.1 document of the biller API, generated from the same zod schemas the handler validates with.
import { z } from 'zod';
import { actionRequest } from '../services/claim-actions.js';
import { tenantSettings } from '../domain/tenant-settings.js';
import * as s from './schemas.js';

interface Operation {
  readonly method: 'get' | 'post' | 'put';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly roles?: readonly string[];
  readonly query?: z.ZodObject;
  readonly pathParams?: readonly string[];
  readonly body?: z.ZodType;
  readonly ok: { readonly status: number; readonly schema?: z.ZodType };
  readonly noContent?: boolean;
}

/** Every operation; the handler's route table declares the same roles (a unit test holds the two together). */
export const operations: Operation[] = [
  { method: 'get', path: '/health', operationId: 'health', summary: 'Healthy when the table answers', ok: { status: 200, schema: z.object({ status: z.literal('ok') }) } },
  { method: 'get', path: '/me', operationId: 'me', summary: 'The caller: user id, roles, tenants', ok: { status: 200, schema: s.caller } },
  { method: 'get', path: '/queues', operationId: 'listQueues', summary: 'Queue summaries of the caller’s tenants', roles: ['biller', 'manager'], query: s.tenantQuery, ok: { status: 200, schema: s.queueSummaries } },
  { method: 'get', path: '/work-items', operationId: 'listWorkItems', summary: 'Ranked work items of a queue, or mine, or the pool', roles: ['biller', 'manager'], query: s.workItemQuery, ok: { status: 200, schema: s.workItemPage } },
  { method: 'post', path: '/work-items/next', operationId: 'takeNextWorkItem', summary: 'Lease the best available work item (30 minutes)', roles: ['biller', 'manager'], body: s.nextBody, ok: { status: 200, schema: s.workItemView }, noContent: true },
  { method: 'post', path: '/work-items/{claimId}/renew', operationId: 'renewLease', summary: 'Extend my lease', roles: ['biller', 'manager'], query: s.tenantQuery, pathParams: ['claimId'], ok: { status: 200, schema: s.workItemView } },
  { method: 'post', path: '/work-items/{claimId}/release', operationId: 'releaseLease', summary: 'Give my lease back', roles: ['biller', 'manager'], query: s.tenantQuery, pathParams: ['claimId'], ok: { status: 204 } },
  { method: 'post', path: '/work-items/{claimId}/assign', operationId: 'assignWorkItem', summary: 'Reassign a work item', roles: ['manager'], query: s.tenantQuery, pathParams: ['claimId'], body: s.assignBody, ok: { status: 200, schema: s.workItemView } },
  { method: 'get', path: '/claims/{claimId}', operationId: 'getClaim', summary: 'A claim with its clocks, a page of its history and its work item', roles: ['biller', 'manager'], query: s.claimQuery, pathParams: ['claimId'], ok: { status: 200, schema: s.claimDetail } },
  { method: 'post', path: '/claims/{claimId}/actions', operationId: 'recordAction', summary: 'Record what I did on a claim', roles: ['biller', 'manager'], query: s.tenantQuery, pathParams: ['claimId'], body: actionRequest, ok: { status: 201, schema: s.actionRecorded } },
  { method: 'get', path: '/runs/{runDate}', operationId: 'getRun', summary: 'A night’s run record', roles: ['manager', 'admin'], query: s.tenantQuery, pathParams: ['runDate'], ok: { status: 200, schema: s.runRecord } },
  { method: 'get', path: '/reports/aging', operationId: 'agingReport', summary: 'AR aging and KPIs', roles: ['manager'], query: s.agingQuery, ok: { status: 200, schema: s.agingReport } },
  { method: 'get', path: '/config/settings', operationId: 'getSettings', summary: 'A tenant’s follow-up settings', roles: ['admin'], query: s.tenantQuery, ok: { status: 200, schema: tenantSettings } },
  { method: 'put', path: '/config/settings', operationId: 'putSettings', summary: 'Replace a tenant’s follow-up settings (validated in full)', roles: ['admin'], query: s.tenantQuery, body: tenantSettings, ok: { status: 200, schema: tenantSettings } },
];

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

export const openApiDocument = (serverUrl = '/'): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = [
      ...(op.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !(schema as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(schema as z.ZodType, 'input'),
      })),
    ];
    const responses: Record<string, unknown> = {
      [String(op.ok.status)]: op.ok.schema ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(op.ok.schema, 'output') } } } : { description: 'Done' },
      ...(op.noContent ? { 204: { description: 'Nothing available' } } : {}),
      400: problemResponse('A field is wrong; `errors` names each'),
      ...(op.body ? { 413: problemResponse('The body is over 256 KB') } : {}),
      ...(op.path === '/health' ? {} : { 401: { description: 'Missing, forged or expired token, or a tenants claim that is not comma-separated tenant ids' }, 403: problemResponse('Not for your role'), 404: problemResponse('Not found, or not in your tenants') }),
    };
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        operationId: op.operationId,
        summary: op.summary,
        ...(op.roles ? { description: `Roles: ${op.roles.join(', ')}.` } : {}),
        ...(op.path === '/health' ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'claim-followup biller API', version: '0.1.0', description: 'Follow-up work queues, leases and actions for medical billing teams. Every call but /health needs a Cognito ID token.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: { Problem: jsonSchema(s.problem, 'output') } },
  };
};
