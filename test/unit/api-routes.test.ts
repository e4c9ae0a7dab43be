// The route declarations are the API's one list: each declares who may call it and how its tenant is read (the type
// system requires both), operations and paths are unique, path parameters match the template, and the dependency-free
// list of open routes that the CDK stack and the local server read is exactly the public declarations.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { declare, tenantRules } from '../../functions/api/declare.js';
import { json } from '../../functions/api/http.js';
import { publicRoutes } from '../../functions/api/public-routes.js';
import { routeDeclarations } from '../../functions/api/routes.js';
import { roles } from '../../functions/shared/auth.js';

const handle = async () => json(200, {});
const ok = { status: 200 };

describe('route declarations', () => {
  it('each declares its access (public, signed-in, or one or more roles) and a tenant scope', () => {
    for (const route of routeDeclarations) {
      const name = `${route.method} ${route.path}`;
      expect(route.access, name).toBeDefined();
      if (typeof route.access === 'string') expect(['public', 'signed-in'], name).toContain(route.access);
      else {
        expect(route.access.length, name).toBeGreaterThan(0);
        for (const role of route.access) expect(roles, name).toContain(role);
      }
      expect(tenantRules, name).toContain(route.tenant);
      // A route about a tenant needs a caller whose tenants it can check.
      if (route.tenant !== 'none') expect(route.access, name).not.toBe('public');
    }
  });

  it('refuses, at compile time, a route without access or tenant scope, or with an empty role list', () => {
    // @ts-expect-error: no access
    declare({ method: 'GET', path: '/x', operationId: 'x', summary: 'x', tenant: 'none', ok, handle });
    // @ts-expect-error: no tenant scope
    declare({ method: 'GET', path: '/x', operationId: 'x', summary: 'x', access: 'public', ok, handle });
    // @ts-expect-error: roles, but none
    declare({ method: 'GET', path: '/x', operationId: 'x', summary: 'x', access: [], tenant: 'query', ok, handle });
    // @ts-expect-error: the route reads a query field it does not declare
    declare({ method: 'GET', path: '/x', operationId: 'x', summary: 'x', access: ['manager'], tenant: 'query', query: z.object({ a: z.string() }), ok, handle: async ({ query }) => json(200, query.b) });
  });

  it('have unique operation ids and method + path, and declare exactly the parameters of their path', () => {
    expect(new Set(routeDeclarations.map((r) => r.operationId)).size).toBe(routeDeclarations.length);
    expect(new Set(routeDeclarations.map((r) => `${r.method} ${r.path}`)).size).toBe(routeDeclarations.length);
    for (const route of routeDeclarations) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(route.params ?? {}), route.path).toEqual(inPath);
    }
  });

  it('open exactly the public declarations to callers without a token (CDK stack and local server)', () => {
    const declared = routeDeclarations.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`);
    expect(publicRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(declared.sort());
    // The local server matches open routes by their exact path.
    for (const route of publicRoutes) expect(route.path).not.toMatch(/\{/);
  });
});
