/**
 * The `app://` protocol the renderer is served from (instead of file://, which would give the page
 * an opaque origin and read access to the whole disk).
 */
import { protocol } from 'electron';
import { APP_SCHEME, loadAppResource } from './app-request';

/** Registers app:// as a privileged scheme. Must run before the app is ready, exactly once. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        // standard: real origin (app://twofold) and relative URL resolution, like https.
        standard: true,
        // secure: a secure context, so the page is treated like https and mixed content is refused.
        secure: true,
        // supportFetchAPI off: the page has no business fetching anything (CSP connect-src 'none' too).
        supportFetchAPI: false,
        // bypassCSP, corsEnabled, allowServiceWorkers, stream stay off (defaults): none is needed.
      },
    },
  ]);
}

/** Serves app://twofold/... from `rendererDir` only (default session). Call after the app is ready. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const response = await loadAppResource(request.url, rendererDir, request.method);
    // Copy into a fresh ArrayBuffer: Response wants a BodyInit, and this keeps the bytes detached
    // from any pooled Buffer memory.
    const body = response.body ? response.body.slice().buffer : null;
    return new Response(body, { status: response.status, headers: response.headers });
  });
}
