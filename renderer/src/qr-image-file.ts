/**
 * Reading files the user picked, dropped or pasted, for the calls that send them to main: QR
 * images (add by QR image, push enrollment, import) and export files of other authenticators.
 * Size and type checks happen here, so the user hears about a wrong file before it is sent; main
 * checks everything again.
 */
import { MAX_IMPORT_BYTES, MAX_IMPORT_IMAGES, type ImportSource } from '../../common/api-contract';

/** The largest image sent (the contract refuses more than ~15 MB of base64). */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/** What the import file picker offers: the export formats Twofold reads, and QR images. */
export const IMPORT_FILE_ACCEPT = '.json,.2fas,.txt,.twofold,.png,.jpg,.jpeg,image/png,image/jpeg';

/** Encodes bytes as base64 without building one huge argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The part of a File these checks read (a plain object in unit tests). */
export interface PickedFile {
  name: string;
  type: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * True for a PNG or JPEG. Dropped files sometimes come without a MIME type (it depends on the OS),
 * so the extension counts too.
 */
export function isQrImageFile(file: Pick<PickedFile, 'name' | 'type'>): boolean {
  if (file.type === 'image/png' || file.type === 'image/jpeg') return true;
  return file.type === '' && /\.(png|jpe?g)$/i.test(file.name);
}

/** A read that either gives what to send or says what was wrong with the file. */
export type FileReadResult<T> = { ok: true } & T | { ok: false; message: string };

/**
 * Checks and reads a picked image. `what` names the QR code in the message ("the QR code",
 * "the enrollment QR code").
 */
export async function readQrImageFile(file: PickedFile, what: string): Promise<FileReadResult<{ imageBase64: string }>> {
  if (file.size > MAX_IMAGE_BYTES) {
    return { ok: false, message: `That image is larger than 15 MB. Choose a smaller screenshot of ${what}.` };
  }
  if (!isQrImageFile(file)) {
    return { ok: false, message: `Choose a PNG or JPEG image of ${what}.` };
  }
  return { ok: true, imageBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

/**
 * Turns the files of one pick, drop or paste into an import source: QR images (one or several)
 * become an `images` source; any other file is read as an export file, one at a time.
 */
export async function readImportFiles(files: readonly PickedFile[]): Promise<FileReadResult<{ source: ImportSource }>> {
  if (files.length === 0) return { ok: false, message: 'No file was given. Choose an export file or a QR code image.' };
  const images = files.filter(isQrImageFile);
  if (images.length === files.length) {
    if (images.length > MAX_IMPORT_IMAGES) {
      return { ok: false, message: `That is ${images.length} images. Import at most ${MAX_IMPORT_IMAGES} QR code images at a time.` };
    }
    const imagesBase64: string[] = [];
    for (const image of images) {
      const read = await readQrImageFile(image, `the QR code in ${image.name}`);
      if (!read.ok) return read;
      imagesBase64.push(read.imageBase64);
    }
    return { ok: true, source: { kind: 'images', imagesBase64 } };
  }
  if (files.length > 1) {
    return {
      ok: false,
      message: 'Import one export file at a time. Several files at once work only when they are all QR code images (PNG or JPEG).',
    };
  }
  const file = files[0]!;
  if (file.size > MAX_IMPORT_BYTES) {
    return { ok: false, message: `${file.name} is larger than 16 MB, more than any authenticator export. Check that it is the right file.` };
  }
  if (file.size === 0) return { ok: false, message: `${file.name} is empty. Export your accounts again and choose the new file.` };
  return {
    ok: true,
    source: { kind: 'file', name: file.name.slice(0, 260), dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())) },
  };
}
