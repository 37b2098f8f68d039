/**
 * Runs zxing-wasm (zxing-cpp's barcode reader compiled to WebAssembly) in a worker thread, for
 * qr-image.ts, together with the JavaScript decoders that tell a damaged file from one without a
 * code when zxing finds none.
 *
 * In a thread because neither has a time limit of its own: an image made of thousands of shapes
 * like a QR code's corner squares takes zxing minutes, and a 40-megapixel PNG of noise takes pngjs
 * seconds, either of which would freeze the Electron main process. Each read has a deadline, and
 * the thread is ended when it passes. The thread is also ended after a read that grew its
 * WebAssembly memory past `keepMemoryBytes` (that memory is only given back when the thread ends)
 * and after a while unused; the next read starts a new one.
 *
 * Neither the thread nor zxing's binary is ever fetched: both are read from beside the running
 * bundle (scripts/build.mjs puts them there), or, running from source, from the source tree and
 * node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { TwofoldError } from '../../common/errors';
import type { ReadJob, ReadSymbol } from './qr-reader-thread';

export type { ImageFormat, ReadJob, ReadSymbol } from './qr-reader-thread';

/** File name of zxing-wasm's reader binary, which scripts/build.mjs copies beside each bundle. */
export const READER_WASM_FILE = 'zxing_reader.wasm';

/** File name of the reader thread's bundle, which scripts/build.mjs writes beside each bundle. */
export const READER_THREAD_FILE = 'qr-reader-thread.cjs';

function missing(file: string, moduleUrl: string): TwofoldError {
  return new TwofoldError('INTERNAL', `The QR code reader is missing (${file} is not next to ${fileURLToPath(moduleUrl)}). Reinstall Twofold.`);
}

/**
 * Where zxing_reader.wasm is for code running from `moduleUrl`: beside it in a built bundle
 * (dist/main, dist/cli, where no node_modules ships), else in node_modules (runs from source).
 */
export function locateReaderWasm(moduleUrl: string): string {
  const beside = fileURLToPath(new URL(`./${READER_WASM_FILE}`, moduleUrl));
  if (existsSync(beside)) return beside;
  try {
    return createRequire(moduleUrl).resolve(`zxing-wasm/reader/${READER_WASM_FILE}`);
  } catch {
    throw missing(READER_WASM_FILE, moduleUrl);
  }
}

/**
 * Where the reader thread's code is for code running from `moduleUrl`: the built script beside
 * it, else (running from source) qr-reader-thread.ts beside it.
 */
export function locateReaderThread(moduleUrl: string): { script: string } | { source: string } {
  const beside = fileURLToPath(new URL(`./${READER_THREAD_FILE}`, moduleUrl));
  if (existsSync(beside)) return { script: beside };
  const source = fileURLToPath(new URL('./qr-reader-thread.ts', moduleUrl));
  if (existsSync(source)) return { source };
  throw missing(READER_THREAD_FILE, moduleUrl);
}

/**
 * The reader thread's code, as one CommonJS script. It is evaluated rather than loaded by path,
 * because a worker thread can't load a path inside the packaged app's asar archive. From source,
 * esbuild (a development dependency, absent from the packaged app) bundles it the way
 * scripts/build.mjs does.
 */
function readerThreadCode(moduleUrl: string): string {
  const found = locateReaderThread(moduleUrl);
  if ('script' in found) return readFileSync(found.script, 'utf8');
  const esbuild = createRequire(moduleUrl)('esbuild') as typeof import('esbuild');
  const built = esbuild.buildSync({
    entryPoints: [found.source],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const [file] = built.outputFiles;
  if (file === undefined) throw missing(READER_THREAD_FILE, moduleUrl);
  return file.text;
}

const PointSchema = z.object({ x: z.number(), y: z.number() });
const ReplySchema = z.union([
  z.object({
    symbols: z.array(z.object({ text: z.string(), corners: z.array(PointSchema).length(4) })).nullable(),
    memoryBytes: z.number(),
  }),
  z.object({ failed: z.string() }),
]);

function tooLong(): TwofoldError {
  return new TwofoldError(
    'QR_IMAGE_INVALID',
    'Searching the image for QR codes took too long, so it was stopped. Crop the image to the QR code and try again.',
  );
}

function stopped(): TwofoldError {
  return new TwofoldError('QR_IMAGE_INVALID', 'The QR code reader stopped while reading the image. Crop the image to the QR code and try again.');
}

/** When the reader thread is ended to give its memory back. */
export interface QrReaderLimits {
  /** WebAssembly memory a thread may keep after a read (a 4K screenshot needs about 75 MB). */
  keepMemoryBytes: number;
  /** Time a thread is kept unused. */
  idleMs: number;
}

const DEFAULT_LIMITS: QrReaderLimits = { keepMemoryBytes: 128 * 1024 * 1024, idleMs: 30_000 };

/** A zxing QR reader in a worker thread, started on the first read; reads run one at a time. */
export class QrReaderThread {
  private worker: Worker | null = null;
  private code: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;

  /** `moduleUrl`: the running module's URL, where the thread's code and zxing's binary are looked for. */
  constructor(
    private readonly moduleUrl: string,
    private readonly limits: QrReaderLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * The QR codes in the job's PNG or JPEG file, at most `job.maxCodes`: [] when it holds none, null
   * when the file is damaged (it could not be decoded). Rejects with QR_IMAGE_INVALID when the read,
   * damage check included, takes longer than `deadlineMs` or the thread fails.
   */
  read(job: ReadJob, deadlineMs: number): Promise<ReadSymbol[] | null> {
    const run = this.queue.then(() => this.readNow(job, deadlineMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the thread now; a later read starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker !== null) await this.stop(worker);
  }

  private async readNow(job: ReadJob, deadlineMs: number): Promise<ReadSymbol[] | null> {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.worker ?? (await this.start());
    worker.ref(); // a read in progress keeps the process (the CLI) alive
    let reply: unknown;
    try {
      reply = await this.exchange(worker, job, deadlineMs);
    } catch (error) {
      void this.stop(worker);
      throw error;
    }
    const parsed = ReplySchema.safeParse(reply);
    if (!parsed.success || 'failed' in parsed.data) {
      void this.stop(worker);
      throw stopped();
    }
    if (parsed.data.memoryBytes > this.limits.keepMemoryBytes) {
      void this.stop(worker);
    } else {
      worker.unref();
      this.idleTimer = setTimeout(() => void this.stop(worker), this.limits.idleMs);
      this.idleTimer.unref();
    }
    return parsed.data.symbols;
  }

  private async start(): Promise<Worker> {
    this.code ??= readerThreadCode(this.moduleUrl);
    const file = await readFile(locateReaderWasm(this.moduleUrl));
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    const worker = new Worker(this.code, { eval: true, workerData: { wasmBinary }, transferList: [wasmBinary] });
    // A thread's failure between reads ends it; the next read starts another.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  /** Sends one job and waits for its answer, the thread's end, or the deadline. */
  private exchange(worker: Worker, job: ReadJob, deadlineMs: number): Promise<unknown> {
    // The image travels as a copy of its own, handed over rather than copied again.
    const image = job.image.slice();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onMessage = (message: unknown): void => {
        done();
        resolve(message);
      };
      const onExit = (): void => {
        done();
        reject(stopped());
      };
      const timer = setTimeout(() => {
        done();
        reject(tooLong());
      }, deadlineMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ ...job, image } satisfies ReadJob, [image.buffer]);
    });
  }

  private async stop(worker: Worker): Promise<void> {
    if (this.worker === worker) this.worker = null;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await worker.terminate();
  }
}
