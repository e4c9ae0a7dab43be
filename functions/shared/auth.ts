// Who is calling: the roles, and the JWT claims the API reads its caller's tenants and role from.
export const roles = ['biller', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Cognito ID-token claim with the tenant ids the user may work, comma-separated ("a-1,b-2"): no other format is read. */
export const tenantsClaim = 'custom:tenants';
/** Cognito ID-token claim with the user's groups. */
export const groupsClaim = 'cognito:groups';
