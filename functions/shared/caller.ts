// The caller of the API as the JWT authorizer passed it: user id, roles and the tenants they may work.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { groupsClaim, roles, tenantsClaim, type Role } from './auth.js';
import { tenantIdSchema } from './config-schema.js';

export interface Caller {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly tenants: readonly string[];
}

/** Groups: API Gateway flattens the array claim to "[a b]"; Cognito may also send a JSON array or a comma list. */
const groupList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      return (JSON.parse(trimmed) as unknown[]).map(String);
    } catch {
      return trimmed.slice(1, -1).split(/[\s,]+/).filter(Boolean);
    }
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
};

/**
 * The tenants claim has exactly one format: tenant ids separated by commas, spaces allowed around each ("a-1, b-2").
 * Absent or "" is no tenant. Anything else (brackets, JSON, a space or newline inside an id, an empty element) is
 * undefined: a token that grants access must say so unambiguously.
 */
export const parseTenantsClaim = (value: unknown): string[] | undefined => {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') return undefined;
  const ids = value.split(',').map((id) => id.replace(/^ +| +$/g, ''));
  if (!ids.every((id) => tenantIdSchema.safeParse(id).success)) return undefined;
  return [...new Set(ids)];
};

/** The caller, or undefined when the token names no user or its tenants claim is malformed (both answer 401). */
export const callerOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const tenants = parseTenantsClaim(claims[tenantsClaim]);
  if (!tenants) return undefined;
  return {
    userId: claims.sub,
    roles: groupList(claims[groupsClaim]).filter((group): group is Role => (roles as readonly string[]).includes(group)),
    tenants,
  };
};
