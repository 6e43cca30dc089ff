/**
 * Route keys as API Gateway HTTP APIs write them (`GET /v1/messages/{id}`,
 * `ANY /files/{path+}`) and the matching of a request against them.
 */

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

export interface CompiledRoute<T> {
  readonly routeKey: string;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly target: T;
}

export interface RouteMatch<T> {
  readonly route: CompiledRoute<T>;
  readonly pathParameters: Record<string, string>;
}

function splitPath(path: string): string[] {
  return path.split('/').slice(1);
}

function parseSegment(text: string, routeKey: string, isLast: boolean): Segment {
  const template = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(text);
  if (template === null) {
    if (text.includes('{') || text.includes('}')) {
      throw new Error(`route ${routeKey}: a path variable must be a whole segment`);
    }
    return { kind: 'literal', text };
  }
  const [, name, plus] = template as unknown as [string, string, string];
  if (plus === '' || isLast) return { kind: plus ? 'greedy' : 'param', name };
  throw new Error(`route ${routeKey}: {${name}+} must be the last segment`);
}

/** Parses `METHOD /path` and rejects forms API Gateway would reject. */
export function compileRoute<T>(routeKey: string, target: T): CompiledRoute<T> {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (match === null) throw new Error(`route key "${routeKey}" is not "METHOD /path"`);
  const [, method, path] = match as unknown as [string, string, string];
  const parts = splitPath(path);
  const segments = parts.map((part, i) => parseSegment(part, routeKey, i === parts.length - 1));
  return { routeKey, method, segments, target };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function matchSegments<T>(route: CompiledRoute<T>, parts: string[]): Record<string, string> | null {
  const parameters: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i];
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return null;
      parameters[segment.name] = decode(rest.join('/'));
      return parameters;
    }
    if (part === undefined) return null;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return null;
    } else {
      if (part === '') return null;
      parameters[segment.name] = decode(part);
    }
  }
  return parts.length === route.segments.length ? parameters : null;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** Negative when `a` is more specific: literals beat variables beat greedy ones. */
function specificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const diff = RANK[(a.segments[i] as Segment).kind] - RANK[(b.segments[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  if (a.method !== b.method) return a.method === 'ANY' ? 1 : -1;
  return b.segments.length - a.segments.length;
}

/**
 * The most specific route for a method and raw path, with its path
 * parameters URL-decoded, as API Gateway selects among matching routes.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export function matchRoute<T>(
  routes: readonly CompiledRoute<T>[],
  method: string,
  rawPath: string,
): RouteMatch<T> | undefined {
  const parts = splitPath(rawPath);
  let best: RouteMatch<T> | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pathParameters = matchSegments(route, parts);
    if (pathParameters === null) continue;
    if (best === undefined || specificity(route, best.route) < 0) best = { route, pathParameters };
  }
  return best;
}
