import type { Route } from "./route.js";

type Segment = { readonly kind: "literal"; readonly text: string } | { readonly kind: "param"; readonly name: string };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly Segment[];
  /** Literal segments sort before parameters: `/sessions/stats` beats `/sessions/:id`. */
  readonly rank: string;
}

/** What the router found for a method and path. */
export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  /** The path exists with other methods: answer 405 with `Allow`. */
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" };

/** A compiled route table. */
export interface Router {
  /**
   * Finds the route for `method` and the raw (still percent-encoded) `path`. HEAD uses the
   * GET route. Parameters are percent-decoded.
   * @throws URIError if a parameter's percent-encoding is malformed.
   */
  match(method: string, path: string): RouteMatch;
  readonly routes: readonly Route[];
}

/**
 * Compiles a route table. Patterns are `/`-separated literal segments and `:name`
 * parameters (a parameter is a whole segment).
 * @throws Error on a malformed pattern or two routes with the same method and shape.
 */
export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map(compile);
  const shapes = new Set<string>();
  for (const c of compiled) {
    const shape = `${c.route.method} ${c.segments.map((s) => (s.kind === "literal" ? s.text : ":")).join("/")}`;
    if (shapes.has(shape)) throw new Error(`Duplicate route: ${c.route.method} ${c.route.path}`);
    shapes.add(shape);
  }
  compiled.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));

  return {
    routes,
    match(method, path) {
      const parts = path.split("/").slice(1);
      const lookup: string = method === "HEAD" ? "GET" : method;
      const allow = new Set<string>();
      for (const c of compiled) {
        if (!shapeMatches(c.segments, parts)) continue;
        if (c.route.method !== lookup) {
          allow.add(c.route.method);
          if (c.route.method === "GET") allow.add("HEAD");
          continue;
        }
        const params: Record<string, string> = {};
        c.segments.forEach((segment, i) => {
          if (segment.kind === "param") params[segment.name] = decodeURIComponent(parts[i] ?? "");
        });
        return { kind: "found", route: c.route, params };
      }
      return allow.size > 0 ? { kind: "method-not-allowed", allow: [...allow].sort() } : { kind: "not-found" };
    },
  };
}

function compile(route: Route): CompiledRoute {
  if (!route.path.startsWith("/")) throw new Error(`Route path must start with "/": ${route.path}`);
  const segments: Segment[] = route.path
    .split("/")
    .slice(1)
    .map((text) => {
      if (!text.startsWith(":")) return { kind: "literal", text };
      const name = text.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Bad parameter "${text}" in ${route.path}`);
      return { kind: "param", name };
    });
  return { route, segments, rank: segments.map((s) => (s.kind === "literal" ? "0" : "1")).join("") };
}

function shapeMatches(segments: readonly Segment[], parts: readonly string[]): boolean {
  if (segments.length !== parts.length) return false;
  return segments.every((segment, i) => {
    const part = parts[i] ?? "";
    return segment.kind === "literal" ? segment.text === part : part.length > 0;
  });
}
