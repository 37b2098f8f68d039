import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { expectTwofoldError } from '../../tests/fixtures/import-test-kit';
import { bundleForNode } from '../../tests/fixtures/node-bundle';
import { finderTexture } from '../../tests/fixtures/qr-images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwofoldError } from '../../common/errors';
import { locateReaderThread, locateReaderWasm, QrReaderThread, READER_THREAD_FILE, READER_WASM_FILE, type ImageFormat, type ReadJob } from './qr-reader';

const URI = 'otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const SOURCE_URL = new URL('./qr-reader.ts', import.meta.url).href;

let dir: string;
let qrPng: Uint8Array;

function file(name: string): string {
  return path.join(dir, name);
}

function read(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file(name)));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-qr-reader-'));
  execFileSync('qrencode', ['-s', '4', '-o', file('qr.png'), URI]);
  execFileSync('convert', [file('qr.png'), '-quality', '90', file('qr.jpg')]);
  // Light modules transparent black, as some exporters write them: without its alpha channel, which
  // zxing drops, the image is black all over.
  execFileSync('convert', [file('qr.png'), '-transparent', 'white', '-background', 'black', '-alpha', 'background', `PNG32:${file('transparent.png')}`]);
  execFileSync('convert', ['-size', '300x200', 'xc:white', file('blank.png')]);
  execFileSync('convert', [file('blank.png'), file('blank.jpg')]);
  qrPng = read('qr.png');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder laid out as scripts/build.mjs lays out dist/main, and the URL of its bundle. */
function bundleDir(files: { wasm?: boolean; thread?: boolean }): { folder: string; bundleUrl: string } {
  const folder = fs.mkdtempSync(path.join(dir, 'bundle-'));
  if (files.wasm) fs.copyFileSync(locateReaderWasm(SOURCE_URL), path.join(folder, READER_WASM_FILE));
  if (files.thread) bundleForNode(new URL('./qr-reader-thread.ts', import.meta.url).pathname, path.join(folder, READER_THREAD_FILE));
  return { folder, bundleUrl: pathToFileURL(path.join(folder, 'index.cjs')).href };
}

/** A read of up to 20 codes from a PNG or JPEG file, within qr-image.ts's pixel limit. */
function job(image: Uint8Array, format: ImageFormat = 'png'): ReadJob {
  return { image, format, maxCodes: 20, maxPixels: 40_000_000 };
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

  it('says the reader is missing when it is in neither place', async () => {
    const { bundleUrl } = bundleDir({});
    for (const locate of [locateReaderWasm, locateReaderThread]) {
      const e = await expectTwofoldError(() => locate(bundleUrl), 'INTERNAL');
      expect(e.message).toMatch(/QR code reader is missing \((zxing_reader\.wasm|qr-reader-thread\.cjs) is not next to .*index\.cjs\)/);
    }
  });
});

describe('QrReaderThread', () => {
  it('answers alike from the thread script built beside a bundle, as the app runs it, and from source', async () => {
    const png = read('qr.png');
    const jpg = read('qr.jpg');
    // A PNG signature and a valid header (IHDR) followed by noise: its size reads, its pixels don't.
    const noise = new Uint8Array([...png.subarray(0, 33), ...randomBytes(4000)]);
    const cases: [string, ReadJob, string[] | null][] = [
      ['a PNG with a code', job(png), [URI]],
      ['a JPEG with a code', job(jpg, 'jpeg'), [URI]],
      ['a code over a transparent black background', job(read('transparent.png')), [URI]],
      ['a PNG without a code', job(read('blank.png')), []],
      ['a JPEG without a code', job(read('blank.jpg'), 'jpeg'), []],
      // null, not [], for a damaged file. zxing loads a truncated JPEG, filling in what is missing; jpeg-js refuses it.
      ['a truncated PNG', job(png.subarray(0, png.length / 2)), null],
      ['a truncated JPEG', job(jpg.subarray(0, jpg.length / 2), 'jpeg'), null],
      ['noise behind a PNG header', job(noise), null],
    ];
    const readers = { bundled: new QrReaderThread(bundleDir({ wasm: true, thread: true }).bundleUrl), source: new QrReaderThread(SOURCE_URL) };
    try {
      for (const [name, reader] of Object.entries(readers)) {
        for (const [image, readJob, expected] of cases) {
          const texts = (await reader.read(readJob, 10_000))?.map((s) => s.text) ?? null;
          expect({ reader: name, image, texts }).toEqual({ reader: name, image, texts: expected });
        }
      }
    } finally {
      await Promise.all(Object.values(readers).map((reader) => reader.close()));
    }
  });

  it('stops a read that passes its deadline, and reads the next image with a new thread', async () => {
    // A screen of 9 × 9 px squares shaped like a QR code's corner squares: zxing spends seconds on
    // it (minutes at 4K), trying to pair them into codes.
    const texture = finderTexture(1920, 1080);
    const reader = new QrReaderThread(SOURCE_URL);
    try {
      const error = await reader.read(job(new Uint8Array(PNG.sync.write(texture))), 250).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwofoldError);
      expect((error as TwofoldError).code).toBe('QR_IMAGE_INVALID');
      expect((error as TwofoldError).message).toMatch(/took too long, so it was stopped\. Crop the image to the QR code/);
      expect((await reader.read(job(qrPng), 10_000))?.map((s) => s.text)).toEqual([URI]);
    } finally {
      await reader.close();
    }
  });

  it('ends the thread after a read that grew its memory past the limit, and still reads the next image', async () => {
    const reader = new QrReaderThread(SOURCE_URL, { keepMemoryBytes: 0, idleMs: 60_000 });
    try {
      for (let i = 0; i < 2; i++) expect((await reader.read(job(qrPng), 10_000))?.map((s) => s.text)).toEqual([URI]);
    } finally {
      await reader.close();
    }
  });
});
