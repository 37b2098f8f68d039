/**
 * Steps of the import, export and backup specs: what a user does (open the menu's Import… and
 * Export…, drop files on the window, paste an image) and the files they bring (QR PNGs made by
 * Debian's qrencode).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Opens "More actions" → `item` in the toolbar and returns the dialog it opens. */
export async function openFromMenu(page: Page, item: 'Import…' | 'Export…'): Promise<Locator> {
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menu', { name: 'More actions' }).getByRole('menuitem', { name: item }).click();
  const dialog = page.getByRole('dialog', { name: item === 'Import…' ? 'Import accounts' : 'Export accounts' });
  await dialog.waitFor();
  return dialog;
}

/** Writes a QR code PNG of `text` with qrencode into `dir` and returns its path. */
export function qrencodeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  execFileSync('qrencode', ['-o', path, '-s', '6', '-m', '4', text]);
  return path;
}

/** A file as the page builds it: name, MIME type and base64 bytes. */
interface PageFile {
  name: string;
  type: string;
  base64: string;
}

function pageFile(path: string): PageFile {
  const name = basename(path);
  const type = name.endsWith('.png') ? 'image/png' : name.endsWith('.jpg') ? 'image/jpeg' : '';
  return { name, type, base64: readFileSync(path).toString('base64') };
}

/**
 * Drops files on the window as a file manager would: a drag that enters the page, then the drop,
 * with the files in the event's DataTransfer.
 */
export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const files = paths.map(pageFile);
  const dataTransfer = await page.evaluateHandle((list: PageFile[]) => {
    const data = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    return data;
  }, files);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

/** Pastes an image file (Ctrl+V with the image on the clipboard) onto whatever has focus. */
export async function pasteImage(page: Page, path: string): Promise<void> {
  await page.evaluate((file: PageFile) => {
    const data = new DataTransfer();
    const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
    data.items.add(new File([bytes], file.name, { type: file.type }));
    const target = document.activeElement ?? document.body;
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, pageFile(path));
}

/** The entry of the import preview for `name` ("GitHub (alice@example.com)"). */
export function previewEntry(dialog: Locator, name: string): Locator {
  return dialog.getByRole('list', { name: 'Accounts in this import' }).getByRole('listitem').filter({ hasText: name });
}

/** The names of every entry the preview shows, in order. */
export async function previewEntryNames(dialog: Locator): Promise<string[]> {
  return dialog.getByRole('list', { name: 'Accounts in this import' }).locator('.import-entry-name').allTextContents();
}
