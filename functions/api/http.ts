// The biller API's answers: JSON replies and RFC 9457 problem details naming each bad field, as routes, middleware
// and the router's error handlers give them, and their conversion to and from the web Response the Router carries.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';

export type Result = APIGatewayProxyStructuredResultV2;

/** An error answered as RFC 9457 problem details. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(title);
  }
}

/** Largest request body: settings are the biggest and must fit one DynamoDB item (400 KB) once stored. */
export const maxBodyBytes = 256 * 1024;

export const json = (statusCode: number, body: unknown): Result => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const noContent = (): Result => ({ statusCode: 204, headers: {} });

export const notFound = (): HttpProblem => new HttpProblem(404, 'Not Found');

/** A problem about one field: `detail` and `errors[0]` both name it. */
export const fieldProblem = (field: string, message: string, detail = `${field}: ${message}`, status = 400, title = 'Bad Request'): HttpProblem =>
  new HttpProblem(status, title, detail, { errors: [{ field, message }] });

/** A 422 problem: the request is well formed, but the work does not allow it (the field and what to do instead). */
export const unprocessable = (field: string, message: string): HttpProblem => fieldProblem(field, message, `${field}: ${message}`, 422, 'Unprocessable Content');

/** A 400 problem naming each field zod refused. */
export const badRequest = (error: z.ZodError): HttpProblem => {
  const errors = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  return new HttpProblem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
};

/** Parses a path or query value; a bad value is a 400 naming the parameter and its first issue. */
export const param = <T>(schema: z.ZodType<T>, value: string | undefined, name: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw fieldProblem(name, result.error.issues[0]?.message ?? 'invalid');
  return result.data;
};

export const problemResult = (p: HttpProblem, instance: string): Result => ({
  statusCode: p.status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.detail, instance, ...p.extra }),
});

/** No answer of this API may be cached: every one is about a caller and their tenants, at this moment. */
export const noStore = (response: Response): Response => {
  response.headers.set('cache-control', 'no-store');
  return response;
};

/** A result as the web Response the Router carries; an empty body is none (a 204 may not have one). */
export const webResponse = (result: Result): Response =>
  new Response(result.body ? result.body : null, { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string> });

/** What a web Response says, for the idempotency record; the Response is read, so a fresh one comes back with it. */
export const settle = async (response: Response): Promise<{ result: Required<Pick<Result, 'statusCode' | 'body'>> & { headers: Record<string, string> }; response: Response }> => {
  const result = { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  return { result, response: webResponse(result) };
};
