// The routes open without a token (API Gateway gives them no authorizer; the local server checks no token on them).
// A copy of the `access: 'public'` declarations, kept dependency-free for lib/ and local/; a unit test holds the two
// together (test/unit/api-routes.test.ts).
export const publicRoutes = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/openapi.json' },
] as const satisfies ReadonlyArray<{ readonly method: 'GET' | 'POST' | 'PUT'; readonly path: string }>;
