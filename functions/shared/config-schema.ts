// The deployment's typed configuration: validated at synth (bin/app.ts) and by the local runtime, so a bad value fails early.
import { z } from 'zod';

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const tenantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'tenant id: 3-40 lower-case letters, digits and dashes');

export const tenantConfigSchema = z.object({
  id: tenantIdSchema,
  /** Display name of the client practice, shown to billers and managers (never a patient's). */
  name: z.string().min(1).max(100),
  /** IANA time zone of the client: day counts and the nightly schedule use it. */
  timeZone: z.string().refine(isTimeZone, { message: 'not an IANA time zone (e.g. America/Chicago)' }),
  /** Local wall-clock time of the nightly run, HH:MM (24 h). */
  nightlyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM, 24-hour'),
  /** Managers who receive the digest and alerts. */
  managerEmails: z.array(z.email()).default([]),
  /** Verified SES identity this practice's digest, reminders and alerts come from; else the deployment's. */
  senderAddress: z.email().optional(),
  /** Where replies to this practice's emails go (e.g. its billing office), if not to the sender. */
  replyTo: z.email().optional(),
});

const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557] as const;

export const appConfigSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'stage: 2-16 lower-case letters, digits and dashes'),
    /** Nightly fan-out: open claims of a tenant are spread over this many shards, each aged by its own worker. */
    shardCount: z.number().int().min(1).max(256),
    /** Verified SES identity emails come from: a digest across practices, and a practice with no sender of its own. */
    senderAddress: z.email(),
    /** Where CloudWatch alarms (DLQ not empty, run not complete) are emailed; optional. */
    operatorEmail: z.email().optional(),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (logRetentionDays as readonly number[]).includes(d), {
        message: `log retention must be one of ${logRetentionDays.join(', ')} days`,
      }),
    /** Base URL of the biller web app, used for links in emails. */
    appBaseUrl: z.url(),
    tenants: z.array(tenantConfigSchema).min(1),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.tenants.forEach((tenant, i) => {
      if (seen.has(tenant.id)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', i, 'id'], message: `duplicate tenant id "${tenant.id}"` });
      }
      seen.add(tenant.id);
    });
  });

export type AppConfig = z.infer<typeof appConfigSchema>;
export type TenantConfig = z.infer<typeof tenantConfigSchema>;

/** Thrown when configuration is invalid; the message names every bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates raw configuration; throws ConfigError listing each bad field as `path: message`. */
export const parseAppConfig = (raw: unknown, source = 'configuration'): AppConfig => {
  const result = appConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`Invalid ${source}:\n${problems.join('\n')}`);
};
