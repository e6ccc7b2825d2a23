import { ResolvedConnection } from './auth';
import { callKestra, isKestraApiError } from './client';

// A 404 means "this object is gone" only when it comes from Kestra's own routes. A wrong URL prefix
// (`https://host/kestra` without the proxy path), a server that predates the `{tenant}` path segment
// (Kestra before 0.23 serves `/api/v1/flows/...`) or a proxy's default page also answer 404: read as
// "gone", refresh would drop every object from the state and delete would report success on nothing.
// Micronaut answers an unknown route with 404 "Not Found" too (ErrorController.notFound in
// kestra-io/kestra webserver/src/main/java/io/kestra/webserver/controllers/ErrorController.java),
// so the body cannot tell them apart: a route that always answers 200 for any namespace can.

// Connections (base URL + tenant) whose API answered, for as long as the provider process lives.
// A plain object: the provider is serialized by value and must not capture a Map's internals.
const answering: Record<string, true> = {};

/**
 * Confirms that a connection reaches Kestra's API for its tenant before a 404 is believed: one
 * `GET /api/v1/{tenant}/flows/{namespace}` (listFlowsByNamespace, 200 with a list for any namespace),
 * cached per connection. Throws an error that names the URL and tenant when it does not answer.
 */
export async function confirmApiAnswers(conn: ResolvedConnection, namespace: string): Promise<void> {
  const key = `${conn.baseUrl} ${conn.tenant}`;
  if (answering[key]) return;
  try {
    await callKestra(conn, { method: 'GET', route: 'flows/{namespace}', segments: ['flows', namespace] });
  } catch (err) {
    if (!isKestraApiError(err) || err.status !== 404) throw err;
    throw new Error(`Kestra's API did not answer at ${conn.baseUrl}/api/v1/${conn.tenant}/ (HTTP 404 for a route every Kestra 0.23+ serves), `
      + 'so a 404 for the object cannot be trusted and nothing was dropped: check connection.url (no path after the host unless Kestra '
      + 'is served under one; a trailing /api/v1 is fine) and connection.tenant, and that the server is Kestra 0.23 or later.');
  }
  answering[key] = true;
}
