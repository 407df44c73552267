import { RequestMethod, VERSION_NEUTRAL, VersioningType, type VersioningOptions } from '@nestjs/common';
import type { ApplicationConfig } from '@nestjs/core';

/** A route version as `@Controller({ version })` takes it (Nest does not export this type). */
export type WebhookVersion = string | typeof VERSION_NEUTRAL | Array<string | typeof VERSION_NEUTRAL>;

/** How the module mounts its controller: its path and its version (`VERSION_NEUTRAL` unless the `version` option says otherwise). */
export interface WebhookRouteSpec {
  /** The `path` option. */
  readonly path: string;
  /** The `version` option. */
  readonly version: WebhookVersion;
}

/** What an app applies to every route: the global prefix (and its exclusions) and versioning. */
export interface AppRouting {
  readonly globalPrefix: string;
  /** Whether `path` (leading slash, no prefix) is excluded from the global prefix for `method`. */
  readonly isExcluded: (path: string, method: RequestMethod) => boolean;
  readonly versioning: VersioningOptions | undefined;
}

/** Where a request must go to reach the webhook, and which headers select its version. */
export interface WebhookTarget {
  /** The URL path, e.g. `/api/v2/webhook`. */
  readonly path: string;
  /** Headers that header or media-type versioning needs (empty otherwise). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Works out the URL path and the headers that reach the webhook's `method` route, as Nest's router builds it: global
 * prefix, then a URI version segment, then the path; or a header for header and media-type versioning. Pure.
 */
export function webhookTarget(spec: WebhookRouteSpec, routing: AppRouting, method: RequestMethod): WebhookTarget {
  const route = `/${trimSlashes(spec.path)}`;
  const version = routeVersion(spec.version);
  const { versioning } = routing;
  let versionSegment = '';
  const headers: Record<string, string> = {};
  if (versioning && version !== undefined) {
    if (versioning.type === VersioningType.URI) {
      versionSegment = `/${versioning.prefix === false ? '' : (versioning.prefix ?? 'v')}${version}`;
    } else if (versioning.type === VersioningType.HEADER) {
      headers[versioning.header] = version;
    } else if (versioning.type === VersioningType.MEDIA_TYPE) {
      headers.accept = `application/json;${versioning.key}${version}`;
    }
  }
  const prefix = trimSlashes(routing.globalPrefix);
  const versioned = `${versionSegment}${route}`;
  if (!prefix || routing.isExcluded(versioned, method)) return { path: versioned, headers };
  return { path: `/${prefix}${versioned}`, headers };
}

/** Reads an app's global prefix, its exclusions and its versioning from Nest's `ApplicationConfig` (public API). */
export function appRouting(config: ApplicationConfig | undefined): AppRouting {
  if (!config) return { globalPrefix: '', isExcluded: () => false, versioning: undefined };
  const exclusions = config.getGlobalPrefixOptions()?.exclude ?? [];
  return {
    globalPrefix: config.getGlobalPrefix() ?? '',
    isExcluded: (path, method) =>
      exclusions.some((rule) => (rule.requestMethod === RequestMethod.ALL || rule.requestMethod === method) && rule.pathRegex.test(path)),
    versioning: config.getVersioning(),
  };
}

/** Every URL path the webhook's `method` route is mounted at: one per version of a version list. */
export function webhookPaths(spec: WebhookRouteSpec, routing: AppRouting, method: RequestMethod): string[] {
  const versions: ReadonlyArray<string | typeof VERSION_NEUTRAL> = Array.isArray(spec.version) ? spec.version : [spec.version as string | typeof VERSION_NEUTRAL];
  return [...new Set(versions.map((version) => webhookTarget({ path: spec.path, version }, routing, method).path))];
}

/** The version a request should ask for: none when the route also answers unversioned requests. */
function routeVersion(version: WebhookVersion): string | undefined {
  const versions = Array.isArray(version) ? version : [version];
  if (versions.length === 0 || versions.includes(VERSION_NEUTRAL)) return undefined;
  return String(versions[0]);
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
