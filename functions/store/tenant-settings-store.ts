// A tenant's follow-up settings in the table; defaults when none were saved. Validated before saving.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantSettings, type TenantSettings } from '../domain/tenant-settings.js';
import { tenantSettingsKey } from './keys.js';

export class TenantSettingsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<TenantSettings> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantSettingsKey(tenantId), ConsistentRead: true }));
    return tenantSettings.parse(Item ? JSON.parse(Item.settings as string) : {});
  }

  /** Saves settings after validating them (throws the zod error naming each bad field). */
  async put(tenantId: string, settings: unknown, updatedBy: string, updatedAt: string): Promise<TenantSettings> {
    const valid = tenantSettings.parse(settings);
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...tenantSettingsKey(tenantId), kind: 'tenant-settings', settings: JSON.stringify(valid), updatedBy, updatedAt } }),
    );
    return valid;
  }
}
