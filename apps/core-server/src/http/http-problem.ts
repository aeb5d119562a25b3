/** JSON values allowed in a problem's extension members. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The closed list of problems the server reports over HTTP, with their status and title.
 * One place to read every error a client can get (like fastify's error catalogue).
 */
export const PROBLEM_CATALOGUE = {
  "bad-request": { status: 400, title: "Bad request" },
  "invalid-json": { status: 400, title: "Request body is not valid JSON" },
  unauthorized: { status: 401, title: "Missing or invalid credentials" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  "route-not-found": { status: 404, title: "No such route" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "request-timeout": { status: 408, title: "Request not received in time" },
  conflict: { status: 409, title: "Conflict" },
  "session-gone": { status: 410, title: "Session terminated" },
  "payload-too-large": { status: 413, title: "Request body too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "expectation-failed": { status: 417, title: "Expectation not supported" },
  "too-many-requests": { status: 429, title: "Too many requests" },
  "headers-too-large": { status: 431, title: "Request headers too large" },
  internal: { status: 500, title: "Internal server error" },
  "engine-error": { status: 502, title: "Playout engine error" },
  "service-unavailable": { status: 503, title: "Service unavailable" },
  "no-tuner-available": { status: 503, title: "No tuner available" },
  "channel-start-failed": { status: 503, title: "Channel could not be started" },
  "shutting-down": { status: 503, title: "Server is shutting down" },
  "not-implemented": { status: 501, title: "Not implemented" },
} as const satisfies Record<string, { status: number; title: string }>;

/** A problem code from {@link PROBLEM_CATALOGUE}. */
export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

/** Optional parts of an {@link HttpProblem}. */
export interface HttpProblemOptions {
  /** Human-readable explanation for this occurrence (never a stack trace). */
  readonly detail?: string;
  /** Extra members of the problem body, e.g. `sessionId`, `reason`, `limit`. */
  readonly extensions?: Readonly<Record<string, JsonValue>>;
  /** Extra response headers, e.g. `Allow`, `Retry-After`, `WWW-Authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the catalogue title (e.g. GOVERNANCE.md's "Session terminated" stays as is). */
  readonly title?: string;
  /** The error that caused it; logged, never sent. */
  readonly cause?: unknown;
}

/**
 * An HTTP error response as a typed error: a closed `code`, its status, and an RFC 9457
 * problem body. Route handlers throw it (or a domain error that `toHttpProblem` maps);
 * the server writes it as `application/problem+json`.
 */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Readonly<Record<string, JsonValue>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ProblemCode, options: HttpProblemOptions = {}) {
    const entry = PROBLEM_CATALOGUE[code];
    super(`[${code}] ${options.detail ?? entry.title}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = entry.status;
    this.title = options.title ?? entry.title;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  /** `urn:retrovue:problem:<code>`: the problem `type` URI. */
  get type(): string {
    return problemType(this.code);
  }

  /** The response body: `{type, title, status, detail?, instance?, requestId, ...extensions}`. */
  toBody(context: { readonly instance?: string; readonly requestId?: string } = {}): Record<string, JsonValue> {
    const body: Record<string, JsonValue> = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) body.detail = this.detail;
    if (context.instance !== undefined) body.instance = context.instance;
    if (context.requestId !== undefined) body.requestId = context.requestId;
    // Extensions cannot overwrite the standard members.
    for (const [key, value] of Object.entries(this.extensions)) if (!(key in body)) body[key] = value;
    return body;
  }
}

/** The `type` URI of a problem code. */
export function problemType(code: ProblemCode): string {
  return `urn:retrovue:problem:${code}`;
}

/** Media type of every error body. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";
