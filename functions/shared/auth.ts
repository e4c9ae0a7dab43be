// Who is calling: the roles, and the JWT claims the API reads its caller's tenants and role from.
export const roles = ['biller', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Cognito ID-token claim with the comma-separated tenant ids the user may work. */
export const tenantsClaim = 'custom:tenants';
/** Cognito ID-token claim with the user's groups. */
export const groupsClaim = 'cognito:groups';
