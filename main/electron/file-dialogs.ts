/**
 * The FileDialogs port over Electron's native dialogs. Paths reach the core only from these
 * dialogs, never from the renderer.
 */
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { FileDialogs } from '../core/ports';

/** What the adapter needs: the dialog module, the window to attach to, and a default folder. */
export interface FileDialogDeps {
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>;
  window: () => BrowserWindow | null;
  /** Where save dialogs start (the Documents folder). */
  defaultDir: string;
}

/** Native save and folder dialogs, attached to the main window when there is one. */
export function createFileDialogs(deps: FileDialogDeps): FileDialogs {
  return {
    async chooseSavePath(suggestedName, filters) {
      const options = { defaultPath: path.join(deps.defaultDir, suggestedName), filters, properties: ['showOverwriteConfirmation' as const, 'createDirectory' as const] };
      const window = deps.window();
      const result = window ? await deps.dialog.showSaveDialog(window, options) : await deps.dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseFolder(title) {
      const options = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const window = deps.window();
      const result = window ? await deps.dialog.showOpenDialog(window, options) : await deps.dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
