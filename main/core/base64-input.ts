/**
 * Files and images the renderer sends as base64, decoded with the error a user can act on when
 * what arrived is not base64.
 */
import { TwofoldError } from '../../common/errors';
import { checkImportSize } from './import/import-registry';

/** A file sent by the renderer as base64 (optionally a data: URL). IMPORT_INVALID when it isn't base64. */
export function decodeBase64File(base64: string): Uint8Array {
  const cleaned = base64.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned) || cleaned.length % 4 === 1) {
    throw new TwofoldError('IMPORT_INVALID', 'The file could not be read: it was not sent as base64. Pick the file again.', 'source');
  }
  // Checked on the encoded length first, so an oversized upload is never decoded.
  checkImportSize(Math.floor((cleaned.length * 3) / 4) - (cleaned.endsWith('==') ? 2 : cleaned.endsWith('=') ? 1 : 0));
  return new Uint8Array(Buffer.from(cleaned, 'base64'));
}

/** An image sent by the renderer as base64 (optionally a data:image URL). QR_IMAGE_INVALID when it isn't base64. */
export function decodeBase64Image(base64: string): Uint8Array {
  const cleaned = base64.replace(/^data:image\/[a-z]+;base64,/i, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) {
    throw new TwofoldError('QR_IMAGE_INVALID', 'The image could not be read: it was not sent as base64.', 'image');
  }
  return new Uint8Array(Buffer.from(cleaned, 'base64'));
}
