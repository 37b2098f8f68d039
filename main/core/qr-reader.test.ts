import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { PNG } from 'pngjs';
import { finderTexture } from '../../tests/fixtures/qr-images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwofoldError } from '../../common/errors';
import { locateReaderThread, locateReaderWasm, QrReaderThread, READER_THREAD_FILE, READER_WASM_FILE } from './qr-reader';

const URI = 'otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const SOURCE_URL = new URL('./qr-reader.ts', import.meta.url).href;

let dir: string;
let qrPng: Uint8Array;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-qr-reader-'));
  execFileSync('qrencode', ['-s', '4', '-o', path.join(dir, 'qr.png'), URI]);
  qrPng = new Uint8Array(fs.readFileSync(path.join(dir, 'qr.png')));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder laid out as scripts/build.mjs lays out dist/main, and the URL of its bundle. */
function bundleDir(files: { wasm?: boolean; thread?: boolean }): { folder: string; bundleUrl: string } {
  const folder = fs.mkdtempSync(path.join(dir, 'bundle-'));
  if (files.wasm) fs.copyFileSync(locateReaderWasm(SOURCE_URL), path.join(folder, READER_WASM_FILE));
  if (files.thread) {
    buildSync({
      entryPoints: [new URL('./qr-reader-thread.ts', import.meta.url).pathname],
      outfile: path.join(folder, READER_THREAD_FILE),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      define: { 'import.meta.url': 'importMetaUrl' },
      banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  }
  return { folder, bundleUrl: pathToFileURL(path.join(folder, 'index.cjs')).href };
}

function caught(fn: () => unknown): TwofoldError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TwofoldError);
    return e as TwofoldError;
  }
  throw new Error('expected a TwofoldError');
}

describe('locating the reader', () => {
  it('prefers the zxing binary and the thread script beside the running bundle, where a packaged app has them', () => {
    const { folder, bundleUrl } = bundleDir({ wasm: true, thread: true });
    expect(locateReaderWasm(bundleUrl)).toBe(path.join(folder, READER_WASM_FILE));
    expect(locateReaderThread(bundleUrl)).toEqual({ script: path.join(folder, READER_THREAD_FILE) });
  });

  it('falls back to the installed package and the thread source when running from source', () => {
    expect(locateReaderWasm(SOURCE_URL)).toBe(path.resolve('node_modules/zxing-wasm/dist/reader', READER_WASM_FILE));
    expect(locateReaderThread(SOURCE_URL)).toEqual({ source: path.resolve('main/core/qr-reader-thread.ts') });
  });

  it('says the reader is missing when it is in neither place', () => {
    const { bundleUrl } = bundleDir({});
    for (const locate of [locateReaderWasm, locateReaderThread]) {
      const e = caught(() => locate(bundleUrl));
      expect(e.code).toBe('INTERNAL');
      expect(e.message).toMatch(/QR code reader is missing \((zxing_reader\.wasm|qr-reader-thread\.cjs) is not next to .*index\.cjs\)/);
    }
  });
});

describe('QrReaderThread', () => {
  it('reads codes with the thread script and binary beside a bundle', async () => {
    const reader = new QrReaderThread(bundleDir({ wasm: true, thread: true }).bundleUrl);
    try {
      const symbols = await reader.read(qrPng, 20, 10_000);
      expect(symbols?.map((s) => s.text)).toEqual([URI]);
      expect(symbols?.[0]?.corners).toHaveLength(4);
      // null, not an empty list, for what zxing could not load at all.
      expect(await reader.read(qrPng.subarray(0, 100), 20, 10_000)).toBeNull();
    } finally {
      await reader.close();
    }
  });

  it('stops a read that passes its deadline, and reads the next image with a new thread', async () => {
    // A screen of 9 × 9 px squares shaped like a QR code's corner squares: zxing spends seconds on
    // it (minutes at 4K), trying to pair them into codes.
    const texture = finderTexture(1920, 1080);
    const reader = new QrReaderThread(SOURCE_URL);
    try {
      const started = performance.now();
      const error = await reader.read(new Uint8Array(PNG.sync.write(texture)), 20, 250).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(TwofoldError);
      expect((error as TwofoldError).code).toBe('QR_IMAGE_INVALID');
      expect((error as TwofoldError).message).toMatch(/took too long, so it was stopped\. Crop the image to the QR code/);
      expect((await reader.read(qrPng, 20, 10_000))?.map((s) => s.text)).toEqual([URI]);
    } finally {
      await reader.close();
    }
  });

  it('ends the thread after a read that grew its memory past the limit, and still reads the next image', async () => {
    const reader = new QrReaderThread(SOURCE_URL, { keepMemoryBytes: 0, idleMs: 60_000 });
    try {
      for (let i = 0; i < 2; i++) expect((await reader.read(qrPng, 20, 10_000))?.map((s) => s.text)).toEqual([URI]);
    } finally {
      await reader.close();
    }
  });
});
