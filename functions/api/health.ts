// Routes about the API itself: health, its OpenAPI document, and who the caller is.
import { z } from 'zod';
import { declare, type Route } from './declare.js';
import { json } from './http.js';
import * as s from './schemas.js';

export const healthRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Healthy when the table answers',
    access: 'public',
    tenant: 'none',
    ok: { status: 200, schema: z.object({ status: z.literal('ok') }) },
    handle: async (_, { claims }) => {
      // Healthy when the table answers: a read of a key that never exists.
      await claims.get('_health', '_health');
      return json(200, { status: 'ok' });
    },
  }),
  declare({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document: the API in OpenAPI 3.1',
    access: 'public',
    tenant: 'none',
    ok: { status: 200, schema: z.looseObject({ openapi: z.string() }) },
    handle: async (_, { openApi }) => json(200, openApi),
  }),
  declare({
    method: 'GET',
    path: '/me',
    operationId: 'me',
    summary: 'The caller: user id, roles, tenants',
    access: 'signed-in',
    tenant: 'none',
    ok: { status: 200, schema: s.caller },
    handle: async ({ caller }) => json(200, caller),
  }),
];
