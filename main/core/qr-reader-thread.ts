/**
 * Worker-thread entry that runs zxing-wasm for qr-reader.ts. Built into its own bundle,
 * qr-reader-thread.cjs beside dist/main/index.cjs and dist/cli/twofold.cjs, by scripts/build.mjs
 * (and in memory by esbuild when running from source).
 *
 * The reader's WebAssembly binary comes in workerData, read from disk by the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/** RGBA pixels, in the shape of the DOM's ImageData that zxing-wasm reads (main has no DOM types). */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** One read: a PNG or JPEG file, or pixels, and the most codes to return (1 to 255). */
export interface ReadJob {
  image: Uint8Array | Pixels;
  maxCodes: number;
}

/** A decoded code: its text and its four corners in image coordinates. */
export interface ReadSymbol {
  text: string;
  corners: { x: number; y: number }[];
}

/** What the thread answers a ReadJob with. */
export type ReadReply =
  | { symbols: ReadSymbol[]; loadFailed: boolean; memoryBytes: number }
  /** The name of the error only: nothing of the image may leave in an error. */
  | { failed: string };

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

async function read(job: ReadJob): Promise<ReadReply> {
  const reader = await ready;
  const results = await readBarcodes(job.image, { formats: ['QRCode'], maxNumberOfSymbols: job.maxCodes, tryHarder: true });
  const valid = results.filter((r) => r.isValid);
  return {
    symbols: valid.map((r) => ({
      text: r.text,
      corners: [r.position.topLeft, r.position.topRight, r.position.bottomRight, r.position.bottomLeft].map(({ x, y }) => ({ x, y })),
    })),
    // Without returnErrors zxing only reports an invalid result for an image it could not load.
    loadFailed: valid.length === 0 && results.length > 0,
    memoryBytes: memoryBytes(reader),
  };
}

parentPort?.on('message', (job: ReadJob) => {
  read(job).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) => parentPort?.postMessage({ failed: error instanceof Error ? error.name : 'Error' } satisfies ReadReply),
  );
});
