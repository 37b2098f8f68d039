/** Session-wide refusals: the app needs no browser permission, device or download. */
import type { Session } from 'electron';

/**
 * Denies every permission request and check, device access and download in `session`.
 * The page only renders codes; camera, notifications, geolocation, clipboard-read, HID, USB,
 * serial and the rest would only be useful to a compromised renderer.
 */
export function denyAllPermissions(session: Session, log: (line: string) => void = () => {}): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request: ${permission}`);
    callback(false);
  });
  // The check handler answers synchronous queries (navigator.permissions, clipboard APIs) the same way.
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Nothing in the app downloads files; a download prompt would come only from a compromised page.
  session.on('will-download', (event) => {
    event.preventDefault();
    log('blocked a download');
  });
}
