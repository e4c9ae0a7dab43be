// The caller from the JWT authorizer's claims: the tenants claim has exactly one format, and groups read as before.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { callerOf, parseTenantsClaim } from '../../functions/shared/caller.js';

const event = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims } } } }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const withTenants = (tenants: unknown) => callerOf(event({ sub: 'u1', 'cognito:groups': '[biller]', 'custom:tenants': tenants }));

describe('the tenants claim', () => {
  it('reads comma-separated tenant ids, each trimmed of spaces', () => {
    expect(withTenants('clinic-a,clinic-b')?.tenants).toEqual(['clinic-a', 'clinic-b']);
    expect(withTenants(' clinic-a , clinic-b ')?.tenants).toEqual(['clinic-a', 'clinic-b']);
    expect(withTenants('clinic-a')?.tenants).toEqual(['clinic-a']);
  });

  it('is no tenant when absent or empty', () => {
    expect(withTenants(undefined)?.tenants).toEqual([]);
    expect(withTenants('')?.tenants).toEqual([]);
  });

  it.each([
    ['whitespace between ids', 'clinic-a clinic-b'],
    ['brackets as API Gateway flattens arrays', '[clinic-a clinic-b]'],
    ['a JSON array', '["clinic-a","clinic-b"]'],
    ['an empty element', 'clinic-a,,clinic-b'],
    ['a trailing comma', 'clinic-a,'],
    ['a newline', 'clinic-a\nclinic-b'],
    ['a newline after a comma', 'clinic-a,\nclinic-b'],
    ['a tab', 'clinic-a,\tclinic-b'],
    ['upper case (not a tenant id)', 'Clinic-A'],
    ['only spaces', '   '],
    ['an array claim', ['clinic-a']],
    ['a number', 7],
  ])('refuses the caller (401) for %s', (_, value) => {
    expect(parseTenantsClaim(value)).toBeUndefined();
    expect(withTenants(value)).toBeUndefined();
  });
});

describe('the groups claim', () => {
  it('still reads the API Gateway "[a b]" form, a JSON array and a comma list', () => {
    expect(callerOf(event({ sub: 'u1', 'cognito:groups': '[biller manager]', 'custom:tenants': 'a-1' }))?.roles).toEqual(['biller', 'manager']);
    expect(callerOf(event({ sub: 'u1', 'cognito:groups': '["admin"]' }))?.roles).toEqual(['admin']);
    expect(callerOf(event({ sub: 'u1', 'cognito:groups': 'biller,manager' }))?.roles).toEqual(['biller', 'manager']);
  });
});
