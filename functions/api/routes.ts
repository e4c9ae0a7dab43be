// The one list of the API's routes. The router (functions/handlers/api.ts), the OpenAPI document (openapi.ts), the
// authorization matrix test and the open routes of the local server and the CDK stack (public-routes.ts) all read it.
import type { Route } from './declare.js';
import { claimSearchRoutes } from './claim-search.js';
import { claimRoutes } from './claims.js';
import { healthRoutes } from './health.js';
import { queueRoutes } from './queues.js';
import { remittanceRoutes } from './remittances.js';
import { reportRoutes } from './reports.js';
import { runRoutes } from './runs.js';
import { settingsRoutes } from './settings.js';
import { settingsPreviewRoutes } from './settings-preview.js';
import { statusInquiryRoutes } from './status-inquiries.js';
import { workItemRoutes } from './work-items.js';

export const routeDeclarations: readonly Route[] = [...healthRoutes, ...queueRoutes, ...workItemRoutes, ...claimSearchRoutes, ...claimRoutes, ...remittanceRoutes, ...runRoutes, ...reportRoutes, ...settingsRoutes, ...settingsPreviewRoutes, ...statusInquiryRoutes];
