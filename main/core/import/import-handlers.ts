/**
 * The `import` contract group: reading an import source (a file, pasted text, images, the
 * clipboard, the screen, an automatic backup) into a preview held by the core's ImportSession,
 * then confirming, cancelling, or enrolling a push account the preview found. Every entry passes
 * the managed policy first; refused entries show in the preview's errors.
 */
import type { ApiImplementation, ImportPreview, ImportSource } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import { decodeBase64File, decodeBase64Image } from '../base64-input';
import type { CoreContext, Unlocked } from '../core-context';
import { describeIoError } from '../core-messages';
import { applyImportPolicy, checkEnrollmentServer } from '../policy/policy-refusals';
import { decodeAllQrCodes } from '../qr-image';
import { detectImporter, importInput, readImport, unknownFormat } from './import-registry';
import type { PreviewSource } from './import-session';
import { parseTwofoldBackup } from './twofold-backup';
import { parseLinks } from './uri-list';

/** What the import handlers use of the core. */
export type ImportHandlersContext = Pick<
  CoreContext,
  'requireUnlocked' | 'replaceAccounts' | 'imports' | 'policy' | 'clipboard' | 'screen' | 'deriveEnteKey'
>;

/** Builds the `import` group's handlers. */
export function createImportHandlers(ctx: ImportHandlersContext): ApiImplementation['import'] {
  const { requireUnlocked, imports, policy } = ctx;

  /** Reads an import source into accounts (and, for QR codes and links, the links themselves). */
  async function readSource(source: ImportSource, passphrase: string | null, state: Unlocked): Promise<PreviewSource> {
    switch (source.kind) {
      case 'file': {
        const input = importInput(decodeBase64File(source.dataBase64), { fileName: source.name, passphrase });
        const importer = detectImporter(input);
        // A file of links is read as pasted links are, so more scans can be added to it later.
        if (importer && isLinkFormat(importer.format) && input.text !== null) return linksSource(splitLines(input.text));
        return { parsed: await readImport(input, { backupKey: state.backupConfig.key, deriveEnteKey: ctx.deriveEnteKey }), lines: null };
      }
      case 'text': {
        const input = importInput(new TextEncoder().encode(source.text), { fileName: null, passphrase });
        const importer = detectImporter(input);
        // Pasted JSON of another app is read as that app's export; anything else as links.
        if (importer && !isLinkFormat(importer.format)) {
          return { parsed: await readImport(input, { backupKey: state.backupConfig.key, deriveEnteKey: ctx.deriveEnteKey }), lines: null };
        }
        const lines = splitLines(input.text ?? '');
        if (!lines.some(isLink)) throw unknownFormat(input);
        return linksSource(lines);
      }
      case 'images': {
        const texts: string[] = [];
        for (const [i, base64] of source.imagesBase64.entries()) {
          const prefix = source.imagesBase64.length > 1 ? `Image ${i + 1}: ` : '';
          texts.push(...(await withPrefix(prefix, () => decodeAllQrCodes(decodeBase64Image(base64)))));
        }
        const plural = source.imagesBase64.length > 1;
        return linksFromQr(texts, {
          none: `No QR code was found in the ${plural ? 'images' : 'image'}. Use a sharper, uncropped image of the code.`,
          noLinks: `No QR code in the ${plural ? 'images' : 'image'} holds an account or enrollment link.`,
        });
      }
      case 'clipboard-image': {
        const png = ctx.clipboard.readImagePng();
        if (!png) throw new TwofoldError('QR_IMAGE_INVALID', 'The clipboard holds no image. Copy a QR code image first.');
        return linksFromQr(await decodeAllQrCodes(png), {
          none: 'No QR code was found in the image on the clipboard.',
          noLinks: 'The QR code on the clipboard holds no account or enrollment link.',
        });
      }
      case 'screen': {
        if (!ctx.screen) {
          throw new TwofoldError('SCREEN_CAPTURE_UNAVAILABLE', 'Scanning the screen is not available here. Import an image or a file instead.');
        }
        let displays: Uint8Array[];
        try {
          displays = await ctx.screen.captureDisplays();
        } catch (error) {
          if (error instanceof TwofoldError) throw error;
          throw new TwofoldError(
            'SCREEN_CAPTURE_UNAVAILABLE',
            `The screen could not be captured (${describeIoError(error)}). Allow Twofold to record the screen in your system settings, or import an image instead.`,
          );
        }
        const texts = (await Promise.all(displays.map((png) => decodeAllQrCodes(png)))).flat();
        return linksFromQr(texts, {
          none: 'No QR code was found on your screen. Show the code on screen and try again.',
          noLinks: 'The QR codes on your screen hold no account or enrollment link. Show the code on screen and try again.',
        });
      }
      case 'backup': {
        const bytes = await state.backups.readBackup(source.name);
        const input = importInput(bytes, { fileName: source.name, passphrase });
        // The stored key opens the user's own backups; a passphrase covers those made before it changed.
        return { parsed: await parseTwofoldBackup(input, state.backupConfig.key), lines: null };
      }
    }
  }

  async function preview(source: ImportSource, passphrase: string | null, addTo: string | null): Promise<ImportPreview> {
    const state = requireUnlocked();
    const raw = await readSource(source, passphrase, state);
    const read: PreviewSource = { ...raw, parsed: applyImportPolicy(policy, raw.parsed) };
    // The vault may have locked while a large file was read.
    const current = requireUnlocked();
    if (current !== state) throw new TwofoldError('VAULT_LOCKED', 'The vault was locked during the import. Unlock it and start again.');
    return addTo === null ? imports.preview(read, state.book) : imports.addTo(addTo, read, state.book);
  }

  return {
    preview: ({ source, passphrase, addTo }) => preview(source, passphrase, addTo),
    confirm: ({ previewId, duplicates, exclude }) => {
      requireUnlocked();
      return imports.confirm(previewId, { duplicates, exclude }, ctx.replaceAccounts);
    },
    cancel: async ({ previewId }) => {
      imports.cancel(previewId);
      return {};
    },
    enrollFound: ({ previewId, index }) => {
      const state = requireUnlocked();
      const uri = imports.enrollmentUri(previewId, index);
      checkEnrollmentServer(policy, uri);
      return state.push.enroll(uri);
    },
  };
}

const LINK_SCHEMES = ['otpauth://', 'otpauth-migration://', 'twofold://'];

/** True for a line or QR text that parseLinks reads as a link (an account, a batch, an enrollment). */
function isLink(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return LINK_SCHEMES.some((scheme) => lower.startsWith(scheme));
}

/** Formats read as lists of links, which more scans can be added to. */
function isLinkFormat(format: string): boolean {
  return format === 'uri-list' || format === 'google-migration';
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function linksSource(lines: string[]): PreviewSource {
  return { parsed: parseLinks(lines), lines };
}

/**
 * The links among QR code texts. Other codes (a web page's own QR code during a screen scan) are
 * not the user's accounts and are left out; the same code seen twice (mirrored displays) counts once.
 */
function linksFromQr(texts: string[], messages: { none: string; noLinks: string }): PreviewSource {
  if (texts.length === 0) throw new TwofoldError('QR_NOT_FOUND', messages.none);
  const links = [...new Set(texts.map((t) => t.trim()))].filter(isLink);
  if (links.length === 0) throw new TwofoldError('QR_NOT_FOUND', messages.noLinks);
  return linksSource(links);
}

/** Runs `read`, prefixing the message of a TwofoldError it throws (which image of several was bad). */
async function withPrefix<T>(prefix: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (prefix !== '' && error instanceof TwofoldError) throw new TwofoldError(error.code, `${prefix}${error.message}`, error.field);
    throw error;
  }
}
