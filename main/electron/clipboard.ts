/** The Clipboard port over Electron's clipboard. */
import type { Clipboard as ElectronClipboard } from 'electron';
import type { Clipboard } from '../core/ports';

/** Wraps Electron's clipboard (passed in, so the composition root decides which one). */
export function createClipboard(clipboard: ElectronClipboard): Clipboard {
  return {
    readText: () => clipboard.readText(),
    writeText: (text) => clipboard.writeText(text),
    readImagePng() {
      const image = clipboard.readImage();
      if (image.isEmpty()) return null;
      return new Uint8Array(image.toPNG());
    },
  };
}
