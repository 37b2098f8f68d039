/**
 * The ScreenCapture port over Electron's desktopCapturer: one full-resolution PNG per display, so
 * the core can look for QR codes on everything the user sees.
 */
import type { DesktopCapturer, Display, Screen, SystemPreferences } from 'electron';
import { TwofoldError } from '../../common/errors';
import type { ScreenCapture } from '../core/ports';

/** The thumbnail size that holds the largest display at its physical resolution. */
export function captureSize(displays: readonly Pick<Display, 'size' | 'scaleFactor'>[]): { width: number; height: number } {
  let width = 1;
  let height = 1;
  for (const d of displays) {
    width = Math.max(width, Math.round(d.size.width * d.scaleFactor));
    height = Math.max(height, Math.round(d.size.height * d.scaleFactor));
  }
  return { width, height };
}

/** What the adapter needs from Electron (passed in, so the composition root decides). */
export interface ScreenCaptureDeps {
  desktopCapturer: Pick<DesktopCapturer, 'getSources'>;
  screen: Pick<Screen, 'getAllDisplays'>;
  systemPreferences: Pick<SystemPreferences, 'getMediaAccessStatus'>;
  platform: NodeJS.Platform;
}

/** Captures every display. On macOS the user must allow Screen Recording; a refusal names the setting. */
export function createScreenCapture(deps: ScreenCaptureDeps): ScreenCapture {
  return {
    async captureDisplays() {
      if (deps.platform === 'darwin' && deps.systemPreferences.getMediaAccessStatus('screen') === 'denied') {
        throw new TwofoldError(
          'SCREEN_CAPTURE_UNAVAILABLE',
          'Twofold is not allowed to see the screen. Allow it in System Settings › Privacy & Security › Screen Recording, then try again.',
        );
      }
      const sources = await deps.desktopCapturer.getSources({
        types: ['screen'],
        thumbnailSize: captureSize(deps.screen.getAllDisplays()),
      });
      const images = sources.map((s) => s.thumbnail).filter((t) => !t.isEmpty());
      if (images.length === 0) {
        throw new TwofoldError(
          'SCREEN_CAPTURE_UNAVAILABLE',
          'The screen could not be captured. On Linux with Wayland, allow screen sharing when asked; otherwise open the QR code as an image file.',
        );
      }
      return images.map((image) => new Uint8Array(image.toPNG()));
    },
  };
}
