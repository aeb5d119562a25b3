import { CliError, EXIT } from "./cli-error.js";
import type { Connection } from "./connection.js";

/** A JSON object as the server answers it. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * Calls the server's HTTP API as the operator. Errors become {@link CliError}s with the
 * server's problem detail: unreachable → exit 3, 401 → exit 4, any other error status → 1.
 */
export async function callApi(connection: Connection, method: "GET" | "POST", path: string, timeoutMs = 30_000): Promise<JsonObject> {
  const url = `${connection.serverUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${connection.adminToken()}`, accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliError(`cannot reach the server at ${connection.serverUrl} (${cause}); is it running? (--server / RETROVUE_URL)`, EXIT.unavailable, { cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new CliError(`${method} ${path}: the server answered ${response.status} with a body that is not JSON`, EXIT.failed);
  }
  if (!response.ok) {
    const problem = body as { title?: string; detail?: string };
    const what = [problem.title, problem.detail].filter((s) => s !== undefined && s !== "").join(": ");
    const code = response.status === 401 ? EXIT.unauthorized : EXIT.failed;
    throw new CliError(`${method} ${path}: ${response.status} ${what || response.statusText}`, code);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new CliError(`${method} ${path}: expected a JSON object from the server`, EXIT.failed);
  }
  return body as JsonObject;
}
