// What a route declares next to its body: method, path, operation, roles, tenant scope, schemas and answer. The
// router, the OpenAPI document and the authorization tests all read these declarations (functions/api/routes.ts).
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { z } from 'zod';
import type { Role } from '../shared/auth.js';
import type { Caller } from '../shared/caller.js';
import type { StoredAudit } from '../store/idempotency-store.js';
import type { ApiDeps } from './deps.js';
import type { Result } from './http.js';

/** Who may call a route: anyone, any signed-in user, or a user with one of (at least one) roles. */
export type Access = 'public' | 'signed-in' | readonly [Role, ...Role[]];

/**
 * How a route's tenant is resolved, before anything else of the request is read:
 * - `none`: the route is about no tenant;
 * - `query`: the query's `tenant` (or the caller's only tenant), which must be one of the caller's;
 * - `query-or-all`: the query's `tenant` when given, else every tenant of the caller;
 * - `body-or-all`: the body's `tenant` when given, else every tenant of the caller (the tenants it may take from).
 */
export type TenantRule = 'none' | 'query' | 'query-or-all' | 'body-or-all';

export const tenantRules: readonly TenantRule[] = ['none', 'query', 'query-or-all', 'body-or-all'];

type Schema = z.ZodType | undefined;
type QuerySchema = z.ZodObject | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What a route body is handed once every check has passed and its declared schemas have parsed the request. */
export interface Request<A extends Access, T extends TenantRule, P extends string, Q extends QuerySchema, B extends Schema> {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  /** The declared path parameters, each parsed by its schema. */
  readonly params: Readonly<Record<P, string>>;
  readonly caller: A extends 'public' ? Caller | undefined : Caller;
  /** The one tenant of a `query` route. */
  readonly tenant: T extends 'query' ? string : undefined;
  /** Every tenant the request may touch (the one tenant of a `query` route). */
  readonly tenants: readonly string[];
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
  /** Records what the answer read or changed; the audit middleware writes it after the route body, and on every replay. */
  audit(entry: StoredAudit): void;
}

export interface RouteDeclaration<A extends Access, T extends TenantRule, P extends string, Q extends QuerySchema, B extends Schema> {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI path template, e.g. `/claims/{claimId}`. */
  readonly path: `/${string}`;
  /** The OpenAPI operation id; also scopes Idempotency-Keys. */
  readonly operationId: string;
  readonly summary: string;
  readonly access: A;
  readonly tenant: T;
  /** Path parameters in the order they are checked, each a 400 naming it when its schema refuses it. */
  readonly params?: Readonly<Record<P, z.ZodType<string>>>;
  readonly query?: Q;
  readonly body?: B;
  /** The answer when all goes well, and whether "nothing there" is a 204. */
  readonly ok: { readonly status: number; readonly schema?: z.ZodType };
  readonly noContent?: boolean;
  readonly handle: (request: Request<A, T, P, Q, B>, deps: ApiDeps) => Promise<Result>;
}

/** A declaration as the router, the OpenAPI document and the tests read it, whatever its schemas. */
export type Route = RouteDeclaration<Access, TenantRule, string, z.ZodObject | undefined, z.ZodType | undefined>;

/** Declares a route: its checks, schemas and body sit together; only the router's one middleware stack enforces them. */
export const declare = <A extends Access, T extends TenantRule, P extends string = never, Q extends QuerySchema = undefined, B extends Schema = undefined>(
  route: RouteDeclaration<A, T, P, Q, B>,
): Route => route as unknown as Route;
