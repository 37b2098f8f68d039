/**
 * Worker-thread entry that reads QR codes for qr-reader.ts: zxing-wasm finds the codes, and when it
 * finds none, pngjs or jpeg-js decode the image to tell a damaged file from one without a code. Both
 * run here, under the read's deadline, so the main process never decodes an image itself.
 *
 * Built into its own bundle, qr-reader-thread.cjs beside dist/main/index.cjs and dist/cli/twofold.cjs,
 * by scripts/build.mjs (and in memory by esbuild when running from source). The reader's WebAssembly
 * binary comes in workerData, read from disk by the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/** The formats a ReadJob may hold, as qr-image.ts sniffs them from the file's first bytes. */
export type ImageFormat = 'png' | 'jpeg';

/** One read: a PNG or JPEG file and what to read from it. */
export interface ReadJob {
  image: Uint8Array;
  format: ImageFormat;
  /** The most codes to return, 1 to 255. */
  maxCodes: number;
  /** The most pixels a decoder may produce: a JPEG can hold a frame larger than the header qr-image.ts checked. */
  maxPixels: number;
}

/** A decoded code: its text and its four corners in image coordinates. */
export interface ReadSymbol {
  text: string;
  corners: { x: number; y: number }[];
}

/** What the thread answers a ReadJob with. */
export type ReadReply =
  /** `symbols` is null when the file could not be decoded: a damaged file, not one without a code. */
  | { symbols: ReadSymbol[] | null; memoryBytes: number }
  /** The name of the error only: nothing of the image may leave in an error. */
  | { failed: string };

/** RGBA pixels, in the shape of the DOM's ImageData that zxing-wasm reads (main has no DOM types). */
interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

// No network in this thread: zxing-wasm fetches its binary from a CDN whenever it is started
// without it, and nothing here should ever do that.
Reflect.deleteProperty(globalThis, 'fetch');

const { wasmBinary } = workerData as { wasmBinary: ArrayBuffer };
const ready = prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });

/** Size of the instance's WebAssembly memory (Emscripten's HEAPU8 view; main does not load @types/emscripten). */
function memoryBytes(reader: object): number {
  const heap: unknown = Reflect.get(reader, 'HEAPU8');
  return heap instanceof Uint8Array ? heap.byteLength : 0;
}

/** The codes zxing finds in a file or in pixels; null when it could not load the image at all. */
async function readCodes(image: Uint8Array | Pixels, maxCodes: number): Promise<ReadSymbol[] | null> {
  const results = await readBarcodes(image, { formats: ['QRCode'], maxNumberOfSymbols: maxCodes, tryHarder: true });
  const valid = results.filter((r) => r.isValid);
  // Without returnErrors zxing only reports an invalid result for an image it could not load.
  if (valid.length === 0 && results.length > 0) return null;
  return valid.map((r) => ({
    text: r.text,
    corners: [r.position.topLeft, r.position.topRight, r.position.bottomRight, r.position.bottomLeft].map(({ x, y }) => ({ x, y })),
  }));
}

/**
 * Decodes the file with the JavaScript decoders, which refuse a damaged file that zxing's loader
 * accepts (it fills in the missing part of a truncated JPEG). 'damaged' when they refuse it; for a
 * PNG with see-through pixels, those pixels composited over white (zxing drops the alpha channel,
 * and QR images with a transparent background often have black (0,0,0,0) pixels there, which would
 * hide the code); otherwise null, as there is nothing more to try.
 */
function decodeForRetry(job: ReadJob): Pixels | 'damaged' | null {
  const bytes = Buffer.from(job.image.buffer, job.image.byteOffset, job.image.byteLength);
  if (job.format === 'jpeg') {
    try {
      jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: job.maxPixels / 1_000_000 });
    } catch {
      return 'damaged';
    }
    return null;
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch {
    return 'damaged';
  }
  const data = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  if (!flattenOnWhite(data)) return null;
  return { data, width: png.width, height: png.height };
}

/** Composites see-through RGBA pixels over white, in place; false when every pixel was opaque. */
function flattenOnWhite(data: Uint8ClampedArray): boolean {
  let changed = false;
  for (let i = 3; i < data.length; i += 4) {
    const alpha = data[i] as number;
    if (alpha === 255) continue;
    changed = true;
    const white = 255 - alpha;
    data[i - 3] = ((data[i - 3] as number) * alpha) / 255 + white;
    data[i - 2] = ((data[i - 2] as number) * alpha) / 255 + white;
    data[i - 1] = ((data[i - 1] as number) * alpha) / 255 + white;
    data[i] = 255;
  }
  return changed;
}

/** The codes in the job's image; null when the file could not be decoded. */
async function findCodes(job: ReadJob): Promise<ReadSymbol[] | null> {
  const found = await readCodes(job.image, job.maxCodes);
  if (found === null || found.length > 0) return found;
  // Nothing found in an image zxing loaded: it may be damaged, or hide its code behind transparency.
  // Neither is worth the time when codes were found.
  const retry = decodeForRetry(job);
  if (retry === 'damaged') return null;
  if (retry === null) return [];
  return (await readCodes(retry, job.maxCodes)) ?? [];
}

async function read(job: ReadJob): Promise<ReadReply> {
  const reader = await ready;
  const symbols = await findCodes(job);
  return { symbols, memoryBytes: memoryBytes(reader) };
}

parentPort?.on('message', (job: ReadJob) => {
  read(job).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) => parentPort?.postMessage({ failed: error instanceof Error ? error.name : 'Error' } satisfies ReadReply),
  );
});
