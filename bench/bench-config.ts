// The configuration every benchmark runs under: its own tenants, nothing else.
import { parseAppConfig, type AppConfig } from '../functions/shared/config-schema.js';

export const benchConfig = (tenantIds: readonly string[], shardCount = 8): AppConfig =>
  parseAppConfig({
    stage: 'bench',
    shardCount,
    senderAddress: 'bench@example.com',
    logRetentionDays: 7,
    appBaseUrl: 'http://127.0.0.1:3000',
    tenants: tenantIds.map((id) => ({ id, name: `Bench ${id}`, timeZone: 'America/Chicago', nightlyAt: '02:00' })),
  });
