// Lambda: the biller HTTP API, and its composition root. It builds the clients and stores once per container,
// hands them to the declared routes through the router, and wraps the router with tracing, logs and metrics.
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { tenantToday, type ApiDeps } from '../api/deps.js';
import { openApiDocument } from '../api/openapi.js';
import { apiRouter } from '../api/router.js';
import { routeDeclarations } from '../api/routes.js';
import { dynamo } from '../shared/clients.js';
import { inboxBucket, shardCount, tableName } from '../shared/env.js';
import { traced, withObservability } from '../shared/observability.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { ClaimStore } from '../store/claim-store.js';
import { HistoryStore } from '../store/history-store.js';
import { IdempotencyStore } from '../store/idempotency-store.js';
import { KpiStore } from '../store/kpi-store.js';
import { RateLimitStore } from '../store/rate-limit-store.js';
import { RunStore } from '../store/run-store.js';
import { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { WorkItemStore } from '../store/work-item-store.js';
import { X12Bucket, X12FileStore } from '../store/x12-file-store.js';
import { outboxPrefix } from '../services/status-inquiries.js';

export { maxBodyBytes } from '../api/http.js';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

const db = dynamo();
const table = tableName();
const tenants = tenantDirectory();

// Built on first use: only the 276 file route reads the bucket.
let bucket: X12Bucket | undefined;
const outbox = (): X12Bucket => (bucket ??= new X12Bucket(traced(new S3Client({})), inboxBucket()));

const deps: ApiDeps = {
  claims: new ClaimStore(db, table, shardCount()),
  workItems: new WorkItemStore(db, table),
  history: new HistoryStore(db, table),
  settings: new TenantSettingsStore(db, table),
  runs: new RunStore(db, table),
  kpis: new KpiStore(db, table),
  idempotency: new IdempotencyStore(db, table),
  rateLimits: new RateLimitStore(db, table),
  x12Files: new X12FileStore(db, table),
  statusInquiries: {
    store: new StatusInquiryStore(db, table),
    // The bucket is read only under the outbox (the function may read nothing else of it).
    readFile: async (key) => (key.startsWith(outboxPrefix) ? outbox().getText(key) : undefined),
  },
  tenants,
  shardCount: shardCount(),
  todayIn: tenantToday(tenants),
  openApi: openApiDocument(),
};

const resolve = apiRouter(routeDeclarations, deps);

/** Answers one event; tests call it without a Lambda context. */
export const route = (event: Event, context?: Context) => resolve(event, context ?? ({} as Context));

export const handler = withObservability(async (event: Event, context: Context) => route(event, context));
