import { describe, expect, it } from 'vitest';
import { ConfigError, parseAppConfig } from '../../functions/shared/config-schema.js';
import { callerOf } from '../../functions/shared/caller.js';
import { loadConfig } from '../../lib/config.js';

const valid = () => structuredClone(loadConfig('dev')) as unknown as Record<string, any>;

describe('configuration', () => {
  it('accepts the shipped dev configuration', () => {
    expect(loadConfig('dev').tenants.length).toBeGreaterThan(1);
  });

  it.each([
    ['tenants.0.timeZone', (c: any) => (c.tenants[0].timeZone = 'Mars/Olympus_Mons'), 'not an IANA time zone'],
    ['tenants.0.nightlyAt', (c: any) => (c.tenants[0].nightlyAt = '25:00'), 'HH:MM'],
    ['senderAddress', (c: any) => (c.senderAddress = 'not-an-address'), 'senderAddress'],
    ['tenants.1.senderAddress', (c: any) => (c.tenants[1].senderAddress = 'billing at summit'), 'senderAddress'],
    ['tenants.0.replyTo', (c: any) => (c.tenants[0].replyTo = 'office@'), 'replyTo'],
    ['stage', (c: any) => (c.stage = 'Prod!'), 'stage'],
    ['logRetentionDays', (c: any) => (c.logRetentionDays = 10), 'log retention'],
    ['tenants.1.id', (c: any) => (c.tenants[1].id = c.tenants[0].id), 'duplicate tenant id'],
    ['shardCount', (c: any) => (c.shardCount = 0), 'shardCount'],
  ])('fails with the field named when %s is bad', (field, spoil, message) => {
    const config = valid();
    spoil(config);
    expect(() => parseAppConfig(config)).toThrow(ConfigError);
    expect(() => parseAppConfig(config)).toThrow(new RegExp(`${field.replace(/\./g, '\\.')}: .*`));
    expect(() => parseAppConfig(config)).toThrow(message);
  });

  it('fails clearly for a stage without a configuration file', () => {
    expect(() => loadConfig('nosuchstage')).toThrow(/Cannot read configuration for stage "nosuchstage"/);
  });
});

describe('caller from JWT claims', () => {
  const event = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims } } } }) as any;

  it('reads groups flattened by API Gateway and the tenant list', () => {
    expect(callerOf(event({ sub: 'u1', 'cognito:groups': '[biller manager]', 'custom:tenants': 'a-1,b-2' }))).toEqual({
      userId: 'u1',
      roles: ['biller', 'manager'],
      tenants: ['a-1', 'b-2'],
    });
  });

  it('ignores unknown groups and has no caller without a subject', () => {
    expect(callerOf(event({ sub: 'u1', 'cognito:groups': '["superuser","admin"]' }))?.roles).toEqual(['admin']);
    expect(callerOf(event({}))).toBeUndefined();
  });
});
