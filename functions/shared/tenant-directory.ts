// The tenants this deployment serves (name, time zone, manager recipients), handed to functions as JSON.
import { z } from 'zod';
import { tenantConfigSchema, type TenantConfig } from './config-schema.js';
import { requireEnv } from './env.js';

export const tenantDirectoryEnv = 'TENANT_DIRECTORY';

export const encodeTenantDirectory = (tenants: readonly TenantConfig[]): string => JSON.stringify(tenants);

export const tenantDirectory = (): Map<string, TenantConfig> => {
  const tenants = z.array(tenantConfigSchema).parse(JSON.parse(requireEnv(tenantDirectoryEnv)));
  return new Map(tenants.map((tenant) => [tenant.id, tenant]));
};
