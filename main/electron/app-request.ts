/**
 * The pure part of the `app://` protocol: which file a request URL may read, with which headers.
 * No Electron import, so it runs (and is tested) in plain Node.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The custom scheme the renderer is served from. */
export const APP_SCHEME = 'app';
/** The one host of the app scheme; any other host is refused. */
export const APP_HOST = 'twofold';
/** The URL the main window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The page's Content Security Policy: only the app's own scripts, styles, images and fonts; no network. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Only types the renderer build produces are served; anything else is a 404 rather than a guess.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where a request may read from, or why it may not. */
export type AppRequestResolution = { filePath: string; contentType: string } | { status: 404 };

/** A response for the protocol handler: status, headers, and the body of a found file. */
export interface AppResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** Headers sent with every app:// response. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    // The CSP travels as a header too, so a page that lost its meta tag is still locked down.
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    // nosniff: a file must never be executed as a type other than the one declared.
    'X-Content-Type-Options': 'nosniff',
    // no-referrer: app paths never leak to anything the page might reach.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/**
 * Maps an app:// URL to a file inside `rootDir`, or 404.
 *
 * Refused: other schemes or hosts, ports or credentials, and any path segment that could leave
 * the root after decoding (`..`, `.`, encoded slashes or backslashes, NUL, drive letters).
 */
export function resolveAppRequest(rawUrl: string, rootDir: string): AppRequestResolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST) return { status: 404 };
  if (url.port !== '' || url.username !== '' || url.password !== '') return { status: 404 };

  // Work on the raw path, not url.pathname alone: the URL parser already folds `..`, and we also
  // refuse anything that would only turn into `..` or a separator after percent-decoding.
  const rawPath = url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname;
  const segments: string[] = [];
  for (const encoded of rawPath.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { status: 404 };
    }
    if (segment === '' || segment === '.' || segment === '..') return { status: 404 };
    if (/[/\\\0:]/.test(segment)) return { status: 404 };
    segments.push(segment);
  }
  if (segments.length === 0) return { status: 404 };

  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, ...segments);
  if (!isInside(filePath, root)) return { status: 404 };

  const contentType = CONTENT_TYPES[path.extname(filePath).toLowerCase()];
  if (!contentType) return { status: 404 };
  return { filePath, contentType };
}

/**
 * Resolves and reads one app:// request. Symlinks are followed only when the real path stays
 * inside the root, so a link in the renderer folder cannot expose the rest of the disk.
 */
export async function loadAppResource(rawUrl: string, rootDir: string, method = 'GET'): Promise<AppResponse> {
  const notFound: AppResponse = {
    status: 404,
    headers: appResponseHeaders('text/plain; charset=utf-8'),
    body: new TextEncoder().encode('Not found'),
  };
  if (method !== 'GET' && method !== 'HEAD') return notFound;
  const resolved = resolveAppRequest(rawUrl, rootDir);
  if ('status' in resolved) return notFound;
  try {
    const realRoot = await fs.realpath(rootDir);
    const realFile = await fs.realpath(resolved.filePath);
    if (!isInside(realFile, realRoot)) return notFound;
    const stat = await fs.stat(realFile);
    if (!stat.isFile()) return notFound;
    const body = method === 'HEAD' ? null : new Uint8Array(await fs.readFile(realFile));
    return { status: 200, headers: appResponseHeaders(resolved.contentType), body };
  } catch {
    // A missing or unreadable file is a plain 404; the path is not echoed back to the page.
    return notFound;
  }
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
