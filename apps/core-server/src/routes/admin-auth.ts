import { bearerTokenOf, secretsEqual, unauthorized } from "../http/bearer-token.js";
import type { RequestContext } from "../http/route.js";

/**
 * Checks the operator bearer token (`Authorization: Bearer <admin token>`), in constant time.
 * @throws HttpProblem 401 when it is missing or wrong (or no token is in force yet).
 */
export function requireAdmin(ctx: RequestContext, adminToken: () => string | undefined): void {
  const expected = adminToken();
  const given = bearerTokenOf(ctx.req);
  if (given === undefined) throw unauthorized("Send the operator token as Authorization: Bearer <token> (see <data-dir>/admin-token)");
  if (expected === undefined || !secretsEqual(given, expected)) throw unauthorized("Wrong operator token");
}
