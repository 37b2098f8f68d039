/**
 * Reads QR codes out of PNG and JPEG images (a screenshot, a saved file, the clipboard), in main.
 *
 * The image comes from the user's files or clipboard, so it is treated as hostile: the format is
 * sniffed from its bytes, its pixel size is read from the header and capped *before* decoding (a
 * tiny file can declare a huge image), and every decoder failure becomes a TwofoldError.
 */
import jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { TwofoldError } from '../../common/errors';

/** Largest image decoded, in pixels (40 megapixels: RGBA needs 160 MB). */
export const MAX_IMAGE_PIXELS = 40_000_000;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

type ImageFormat = 'png' | 'jpeg';

interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

function invalid(message: string): never {
  throw new TwofoldError('QR_IMAGE_INVALID', message);
}

function sniff(bytes: Uint8Array): ImageFormat | null {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
}

function readUint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

/** Width and height from the PNG IHDR chunk, which the format requires to come first. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const isIhdr = bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52;
  if (bytes.length < 24 || !isIhdr) return null;
  return { width: readUint32(bytes, 16), height: readUint32(bytes, 20) };
}

/** Width and height from the JPEG start-of-frame segment, walking the segments before it. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = readUint16(bytes, at + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (at + 9 > bytes.length) return null;
      return { height: readUint16(bytes, at + 5), width: readUint16(bytes, at + 7) };
    }
    if (marker === 0xda || length < 2) return null;
    at += 2 + length;
  }
  return null;
}

function checkSize(size: { width: number; height: number } | null): void {
  if (size === null) return; // the decoder reports the damage, with its own size limit as a backstop
  const pixels = size.width * size.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    const mp = (pixels / 1_000_000).toFixed(1);
    invalid(
      `The image is ${size.width} × ${size.height} pixels (${mp} megapixels); the limit is ${MAX_IMAGE_PIXELS / 1_000_000} megapixels. Crop it to the QR code and try again.`,
    );
  }
  if (pixels === 0) invalid('The image has no pixels (its width or height is 0). Take a new screenshot of the QR code.');
}

const DAMAGED = 'The image file is damaged or incomplete and could not be read. Save or copy the image again and retry.';

function decodePng(bytes: Uint8Array): Rgba {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    invalid(DAMAGED);
  }
  const data = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  flattenOnWhite(data);
  return { data, width: png.width, height: png.height };
}

/**
 * Composites transparent pixels over white. jsQR ignores alpha, and QR images with a transparent
 * background often have black (0,0,0,0) pixels there, which would hide the code.
 */
function flattenOnWhite(data: Uint8ClampedArray): void {
  for (let i = 3; i < data.length; i += 4) {
    const alpha = data[i] as number;
    if (alpha === 255) continue;
    const white = 255 - alpha;
    data[i - 3] = ((data[i - 3] as number) * alpha) / 255 + white;
    data[i - 2] = ((data[i - 2] as number) * alpha) / 255 + white;
    data[i - 1] = ((data[i - 1] as number) * alpha) / 255 + white;
    data[i] = 255;
  }
}

function decodeJpeg(bytes: Uint8Array): Rgba {
  try {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1_000_000,
    });
    return {
      data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength),
      width: image.width,
      height: image.height,
    };
  } catch {
    return invalid(DAMAGED);
  }
}

/**
 * Decodes the QR code in a PNG or JPEG image and returns its text (one code per image).
 *
 * Throws TwofoldError('QR_IMAGE_INVALID') for anything that is not a readable PNG or JPEG of at most
 * 40 megapixels, and TwofoldError('QR_NOT_FOUND') when the image holds no readable QR code.
 */
export function decodeQrImage(bytes: Uint8Array): string[] {
  const format = sniff(bytes);
  if (format === null) invalid('The image is not a PNG or JPEG file.');
  checkSize(format === 'png' ? pngSize(bytes) : jpegSize(bytes));
  const image = format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
  // Light-on-dark codes (dark mode screenshots) need the inverted attempt.
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  if (found === null) {
    throw new TwofoldError('QR_NOT_FOUND', 'No QR code was found in the image.');
  }
  return [found.data];
}
