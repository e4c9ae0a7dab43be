// The OpenAPI 3.1 document of the biller API, generated from the route declarations and the zod schemas the router
// validates with, so the document and the API cannot drift.
import { z } from 'zod';
import type { Route } from './declare.js';
import { routeDeclarations } from './routes.js';
import * as s from './schemas.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const operationOf = (route: Route): Record<string, unknown> => {
  const isPublic = route.access === 'public';
  const parameters = [
    ...Object.keys(route.params ?? {}).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: !(schema as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(schema as z.ZodType, 'input'),
    })),
  ];
  const responses: Record<string, unknown> = {
    [String(route.ok.status)]: route.ok.schema ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.ok.schema, 'output') } } } : { description: 'Done' },
    ...(route.noContent ? { 204: { description: 'Nothing available' } } : {}),
    400: problemResponse('A field is wrong; `errors` names each'),
    ...(route.body ? { 413: problemResponse('The body is over 256 KB') } : {}),
    ...(isPublic ? {} : { 401: { description: 'Missing, forged or expired token, or a tenants claim that is not comma-separated tenant ids' }, 403: problemResponse('Not for your role'), 404: problemResponse('Not found, or not in your tenants') }),
  };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(typeof route.access === 'string' ? {} : { description: `Roles: ${route.access.join(', ')}.` }),
    ...(isPublic ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
};

/** The document; the handler builds it once per container. */
export const openApiDocument = (serverUrl = '/', routes: readonly Route[] = routeDeclarations): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  return {
    openapi: '3.1.0',
    info: { title: 'claim-followup biller API', version: '0.1.0', description: 'Follow-up work queues, leases and actions for medical billing teams. Every call but /health and /openapi.json needs a Cognito ID token.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: { Problem: jsonSchema(s.problem, 'output') } },
  };
};
