// The caller of the API as the JWT authorizer passed it: user id, roles and the tenants they may work.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { groupsClaim, roles, tenantsClaim, type Role } from './auth.js';

export interface Caller {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly tenants: readonly string[];
}

/** API Gateway flattens array claims to "[a b]"; Cognito may also send a JSON array or a comma list. */
const claimList = (value: unknown): string[] => {
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

export const callerOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller | undefined => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') return undefined;
  return {
    userId: claims.sub,
    roles: claimList(claims[groupsClaim]).filter((group): group is Role => (roles as readonly string[]).includes(group)),
    tenants: claimList(claims[tenantsClaim]),
  };
};
