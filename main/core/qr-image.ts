/**
 * Reads QR codes out of PNG and JPEG images (a screenshot, a saved file, the clipboard), in main.
 *
 * The decoding is zxing-cpp's, compiled to WebAssembly (zxing-wasm) and run in a worker thread
 * (qr-reader.ts): it finds every code in an image, of any version, light-on-dark and mirrored
 * ones included. When it finds none, the same thread decodes the image once more to tell a damaged
 * file from one without a code. The main thread only sniffs the format and reads the header.
 *
 * The image comes from the user's files or clipboard, so it is treated as hostile: the format is
 * sniffed from its bytes, its pixel size is read from the header and capped *before* decoding (a
 * tiny file can declare a huge image), and every decoder failure becomes a TwofoldError.
 */
import { imageSize } from 'image-size';
import { TwofoldError } from '../../common/errors';
import { QrReaderThread, type ImageFormat } from './qr-reader';

/** Largest image decoded, in pixels (40 megapixels: RGBA needs 160 MB). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Most QR codes decodeAllQrCodes returns unless told otherwise. */
export const MAX_QR_CODES_PER_IMAGE = 20;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const DAMAGED = 'The image file is damaged or incomplete and could not be read. Save or copy the image again and retry.';

function invalid(message: string): never {
  throw new TwofoldError('QR_IMAGE_INVALID', message);
}

function sniff(bytes: Uint8Array): ImageFormat | null {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * The image's pixel count from its header. Refuses more than MAX_IMAGE_PIXELS, or none, before
 * anything decodes the image: a few kilobytes of PNG can declare gigabytes of pixels.
 */
function checkSize(bytes: Uint8Array): number {
  let size: { width: number; height: number };
  try {
    size = imageSize(bytes);
  } catch {
    return invalid(DAMAGED); // no readable header
  }
  const pixels = size.width * size.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    const mp = (pixels / 1_000_000).toFixed(1);
    invalid(
      `The image is ${size.width} × ${size.height} pixels (${mp} megapixels); the limit is ${MAX_IMAGE_PIXELS / 1_000_000} megapixels. Crop it to the QR code and try again.`,
    );
  }
  if (pixels === 0) invalid('The image has no pixels (its width or height is 0). Take a new screenshot of the QR code.');
  return pixels;
}

/*
 * One reader thread for the process, started on the first image: zxing's WebAssembly takes a
 * moment to start, and a thread of its own per image would pay that every time.
 */
let sharedReader: QrReaderThread | null = null;

/**
 * Time a read may take, the damage check of an image without a code included: far more than any
 * real image needs (a 4K screenshot takes about 0.1 s, 1 s without a code; a 40-megapixel PNG of
 * noise about 5 s), far less than an image built to stall zxing takes (a 4K screen of squares
 * shaped like a code's corners takes it over 20 s; it is stopped at 5).
 */
function deadlineMs(pixels: number): number {
  return 3_000 + (250 * pixels) / 1_000_000;
}

interface FoundCode {
  text: string;
  centreX: number;
  top: number;
  bottom: number;
}

/** The codes in a PNG or JPEG, at most `maxCodes`, in reading order; QR_IMAGE_INVALID for anything else. */
async function findCodes(bytes: Uint8Array, maxCodes: number): Promise<string[]> {
  const format = sniff(bytes);
  if (format === null) invalid('The image is not a PNG or JPEG file.');
  const pixels = checkSize(bytes);
  sharedReader ??= new QrReaderThread(import.meta.url);
  const symbols = await sharedReader.read({ image: bytes, format, maxCodes, maxPixels: MAX_IMAGE_PIXELS }, deadlineMs(pixels));
  if (symbols === null) invalid(DAMAGED);
  const found = symbols.map(({ text, corners }): FoundCode => {
    const ys = corners.map((p) => p.y);
    return { text, centreX: corners.reduce((s, p) => s + p.x, 0) / 4, top: Math.min(...ys), bottom: Math.max(...ys) };
  });
  return readingOrder(found).map((c) => c.text);
}

/**
 * Codes in reading order, whatever order they were found in: rows top to bottom, left to right in a
 * row. A code joins a row when most of its height overlaps the row's first code, so a row of codes
 * of different sizes, or slightly out of line, stays one row.
 */
function readingOrder(codes: FoundCode[]): FoundCode[] {
  const rows: FoundCode[][] = [];
  for (const code of [...codes].sort((a, b) => a.top - b.top)) {
    const row = rows.find((r) => {
      const first = r[0] as FoundCode;
      const overlap = Math.min(first.bottom, code.bottom) - Math.max(first.top, code.top);
      return overlap > Math.min(first.bottom - first.top, code.bottom - code.top) / 2;
    });
    if (row === undefined) rows.push([code]);
    else row.push(code);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.centreX - b.centreX));
}

/**
 * Decodes the QR code in a PNG or JPEG image and returns its text (one code per image).
 *
 * Rejects with TwofoldError('QR_IMAGE_INVALID') for anything that is not a readable PNG or JPEG of
 * at most 40 megapixels, and TwofoldError('QR_NOT_FOUND') when the image holds no readable QR code.
 */
export async function decodeQrImage(bytes: Uint8Array): Promise<string[]> {
  const texts = await findCodes(bytes, 1);
  if (texts.length === 0) throw new TwofoldError('QR_NOT_FOUND', 'No QR code was found in the image.');
  return texts;
}

/**
 * Decodes every QR code in a PNG or JPEG image (a screenshot of a whole display can show several),
 * and returns their texts in reading order, at most `maxCodes` of them, or [] when there is none.
 *
 * Rejects with TwofoldError('QR_IMAGE_INVALID') for anything that is not a readable PNG or JPEG of
 * at most 40 megapixels, like decodeQrImage.
 */
export async function decodeAllQrCodes(bytes: Uint8Array, maxCodes: number = MAX_QR_CODES_PER_IMAGE): Promise<string[]> {
  if (!Number.isInteger(maxCodes) || maxCodes < 1) {
    throw new TwofoldError('INPUT_INVALID', 'The most QR codes to read from one image must be a whole number from 1 up.');
  }
  // zxing holds the limit in a byte, and 0 means none; no screen shows more than 255 codes.
  return findCodes(bytes, Math.min(maxCodes, 255));
}
