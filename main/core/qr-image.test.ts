import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TwofoldError, type ErrorCode } from '../../common/errors';
import { composePngs, finderTexture, noisePng, placeOnCanvas, qrencodePng } from '../../tests/fixtures/qr-images';
import { decodeAllQrCodes, decodeQrImage, MAX_QR_CODES_PER_IMAGE } from './qr-image';

const URI = 'otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co';

let dir: string;

function file(name: string): string {
  return path.join(dir, name);
}

function read(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file(name)));
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: 'pipe' });
}

async function expectError(fn: () => Promise<unknown>, code: ErrorCode): Promise<TwofoldError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TwofoldError);
  expect((caught as TwofoldError).code).toBe(code);
  return caught as TwofoldError;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-qr-'));
  run('qrencode', ['-s', '6', '-o', file('qr.png'), URI]);
  run('convert', [file('qr.png'), '-quality', '90', file('qr.jpg')]);
  run('convert', [file('qr.png'), '-negate', file('inverted.png')]);
  run('convert', [file('qr.png'), '-colorspace', 'Gray', '-depth', '16', file('gray16.png')]);
  run('convert', ['-size', '1600x1000', 'xc:#d0d0d0', file('qr.png'), '-geometry', '+700+300', '-composite', file('screenshot.png')]);
  run('convert', ['-size', '300x200', 'xc:white', file('blank.png')]);
  run('convert', [file('blank.png'), file('blank.jpg')]);
  run('qrencode', ['-s', '4', '-o', file('unicode.png'), 'Grüße, 日本']);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('decodeQrImage', () => {
  it('reads the otpauth URI from a PNG made by qrencode', async () => {
    expect(await decodeQrImage(read('qr.png'))).toEqual([URI]);
  });

  it('reads the same code from a JPEG', async () => {
    expect(await decodeQrImage(read('qr.jpg'))).toEqual([URI]);
  });

  it('reads a light-on-dark (inverted) code', async () => {
    expect(await decodeQrImage(read('inverted.png'))).toEqual([URI]);
  });

  it('reads a 16-bit greyscale PNG', async () => {
    expect(await decodeQrImage(read('gray16.png'))).toEqual([URI]);
  });

  it('finds a code inside a larger screenshot', async () => {
    expect(await decodeQrImage(read('screenshot.png'))).toEqual([URI]);
  });

  it('reads a code whose background is transparent black', async () => {
    const png = PNG.sync.read(Buffer.from(read('qr.png')));
    for (let i = 0; i < png.data.length; i += 4) {
      // Light pixels become fully transparent black, as some exporters write them.
      if ((png.data[i] as number) > 128) png.data.set([0, 0, 0, 0], i);
    }
    fs.writeFileSync(file('transparent.png'), PNG.sync.write(png));
    expect(await decodeQrImage(read('transparent.png'))).toEqual([URI]);
  });

  it('returns non-ASCII text as decoded', async () => {
    expect(await decodeQrImage(read('unicode.png'))).toEqual(['Grüße, 日本']);
  });

  it('accepts a Uint8Array that is a view into a larger buffer', async () => {
    const bytes = read('qr.png');
    const padded = new Uint8Array(bytes.length + 20);
    padded.set(bytes, 10);
    expect(await decodeQrImage(padded.subarray(10, 10 + bytes.length))).toEqual([URI]);
  });

  it('says when there is no QR code', async () => {
    for (const name of ['blank.png', 'blank.jpg']) {
      const e = await expectError(() => decodeQrImage(read(name)), 'QR_NOT_FOUND');
      expect(e.message).toBe('No QR code was found in the image.');
    }
  });

  it('refuses files that are not PNG or JPEG', async () => {
    run('convert', [file('qr.png'), file('qr.gif')]);
    for (const bytes of [read('qr.gif'), new TextEncoder().encode(URI), new Uint8Array(0), new Uint8Array([0x89, 0x50])]) {
      const e = await expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
      expect(e.message).toBe('The image is not a PNG or JPEG file.');
    }
  });

  it('refuses truncated or corrupt images with a clear message', async () => {
    const png = read('qr.png');
    const jpg = read('qr.jpg');
    const corruptPng = png.slice();
    corruptPng.fill(0x41, 40, 200);
    const cases = [png.subarray(0, png.length / 2), png.subarray(0, 30), jpg.subarray(0, jpg.length / 2), jpg.subarray(0, 3), corruptPng];
    for (const bytes of cases) {
      const e = await expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
      expect(e.message).toMatch(/damaged or incomplete/);
    }
  });

  it('refuses a PNG that declares more than 40 megapixels, before decoding it', async () => {
    const bytes = read('qr.png').slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(16, 20_000);
    view.setUint32(20, 10_000);
    const e = await expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
    expect(e.message).toMatch(/20000 × 10000 pixels \(200\.0 megapixels\); the limit is 40 megapixels/);
  });

  it('refuses a JPEG that declares more than 40 megapixels', async () => {
    const bytes = read('qr.jpg').slice();
    // Find the baseline/progressive start-of-frame marker and patch its height and width.
    let sof = -1;
    for (let i = 2; i < bytes.length - 1; i++) {
      if (bytes[i] === 0xff && (bytes[i + 1] === 0xc0 || bytes[i + 1] === 0xc2)) {
        sof = i;
        break;
      }
    }
    expect(sof).toBeGreaterThan(0);
    const view = new DataView(bytes.buffer);
    view.setUint16(sof + 5, 9000);
    view.setUint16(sof + 7, 9000);
    const e = await expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
    expect(e.message).toMatch(/9000 × 9000 pixels \(81\.0 megapixels\)/);
  });

  it('refuses an image with no pixels', async () => {
    const bytes = read('qr.png').slice();
    new DataView(bytes.buffer).setUint32(16, 0);
    await expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
  });
});

/** Distinct account links, as a page listing several accounts would show them. */
function links(n: number, prefix = 'Service'): string[] {
  return Array.from(
    { length: n },
    (_, i) => `otpauth://totp/${prefix}%20${i}:user${i}@example.com?secret=JBSWY3DPEHPK3PXP${'A'.repeat(i % 5)}&issuer=${prefix}%20${i}`,
  );
}

function inverted(png: Uint8Array): Uint8Array {
  const image = PNG.sync.read(Buffer.from(png));
  for (let i = 0; i < image.data.length; i += 4) {
    for (let c = 0; c < 3; c++) image.data[i + c] = 255 - (image.data[i + c] as number);
  }
  return new Uint8Array(PNG.sync.write(image));
}

describe('decodeAllQrCodes', () => {
  it('reads the single codes decodeQrImage reads', async () => {
    for (const name of ['qr.png', 'qr.jpg', 'inverted.png', 'gray16.png', 'screenshot.png', 'unicode.png']) {
      expect(await decodeAllQrCodes(read(name))).toEqual(await decodeQrImage(read(name)));
    }
  });

  it('finds every code of an image holding several, in reading order', async () => {
    const texts = links(6);
    const pngs = await Promise.all(texts.map((t) => qrencodePng(t, dir)));
    const grid = await composePngs(pngs, dir, { columns: 3 });
    expect(await decodeAllQrCodes(grid)).toEqual(texts);
  });

  it('finds codes of different sizes and light-on-dark codes side by side', async () => {
    const texts = links(4, 'Mixed');
    const pngs = [
      await qrencodePng(texts[0] as string, dir, { moduleSize: 2 }),
      inverted(await qrencodePng(texts[1] as string, dir, { moduleSize: 5 })),
      await qrencodePng(texts[2] as string, dir, { moduleSize: 8, level: 'H' }),
      inverted(await qrencodePng(texts[3] as string, dir, { moduleSize: 3 })),
    ];
    const row = await composePngs(pngs, dir, { background: '#808080' });
    expect(await decodeAllQrCodes(row)).toEqual(texts);
  });

  it('finds the codes of a rotated photo of several', async () => {
    const texts = links(4, 'Tilted');
    const grid = await composePngs(await Promise.all(texts.map((t) => qrencodePng(t, dir))), dir, { columns: 2 });
    fs.writeFileSync(file('grid.png'), grid);
    run('convert', [file('grid.png'), '-background', 'white', '-rotate', '17', file('tilted.png')]);
    expect((await decodeAllQrCodes(read('tilted.png'))).sort()).toEqual([...texts].sort());
  });

  it('finds every code on a 3840 × 2160 screenshot with text around them, as PNG and JPEG', async () => {
    const texts = [...links(5, 'Screen'), 'otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B'];
    const pngs = await Promise.all(texts.map((t) => qrencodePng(t, dir, { moduleSize: 5 })));
    const text = Array.from({ length: 30 }, (_, i) => `Line ${i}: Lorem ipsum dolor sit amet ||| lll mmm IIII 1:1:3:1:1 ■ ▪ consectetur`);
    const positions = [
      { x: 1400, y: 100 },
      { x: 2000, y: 100 },
      { x: 2600, y: 100 },
      { x: 1400, y: 1200 },
      { x: 2300, y: 1500 },
      { x: 3300, y: 1700 },
    ];
    const screenshot = await placeOnCanvas(pngs, dir, { width: 3840, height: 2160, positions, text });
    expect(await decodeAllQrCodes(screenshot)).toEqual(texts);
    fs.writeFileSync(file('4k.png'), screenshot);
    run('convert', [file('4k.png'), '-quality', '85', file('4k.jpg')]);
    expect(await decodeAllQrCodes(read('4k.jpg'))).toEqual(texts);
  });

  it('reads version 23 codes (109 modules a side)', async () => {
    // A regression test: jsQR 1.4.0, used before zxing, has version 23's alignment patterns in the
    // wrong place and never decoded one; a Google Authenticator export of ten accounts is often that size.
    const texts = links(4, 'Version23');
    const pngs = await Promise.all(texts.map((t) => qrencodePng(t, dir, { moduleSize: 3, version: 23 })));
    // 109 modules and a 4-module quiet zone each side, 3 pixels each: the codes really are version 23.
    for (const png of pngs) expect(PNG.sync.read(Buffer.from(png)).width).toBe((109 + 8) * 3);
    expect(await decodeAllQrCodes(await composePngs(pngs, dir, { columns: 2 }))).toEqual(texts);
    expect(await decodeQrImage(pngs[0] as Uint8Array)).toEqual([texts[0]]);
    // Light on dark, and mirrored as a selfie camera shows it.
    expect(await decodeAllQrCodes(inverted(pngs[1] as Uint8Array))).toEqual([texts[1]]);
    fs.writeFileSync(file('v23.png'), pngs[2] as Uint8Array);
    run('convert', [file('v23.png'), '-flop', file('v23-mirrored.png')]);
    expect(await decodeAllQrCodes(read('v23-mirrored.png'))).toEqual([texts[2]]);
  });

  it('keeps reading order in a grid of codes of different sizes', async () => {
    const texts = links(6, 'Order');
    const sizes = [3, 5, 2, 4, 2, 6];
    const pngs = await Promise.all(texts.map((t, i) => qrencodePng(t, dir, { moduleSize: sizes[i] })));
    expect(await decodeAllQrCodes(await composePngs(pngs, dir, { columns: 2 }))).toEqual(texts);
    expect(await decodeAllQrCodes(await composePngs(pngs, dir, { columns: 3 }))).toEqual(texts);
  });

  it('returns the same code twice when the image shows it twice', async () => {
    const [text] = links(1, 'Twice');
    const png = await qrencodePng(text as string, dir);
    expect(await decodeAllQrCodes(await composePngs([png, png], dir))).toEqual([text, text]);
  });

  it('stops at maxCodes', async () => {
    const texts = links(6, 'Many');
    const grid = await composePngs(await Promise.all(texts.map((t) => qrencodePng(t, dir))), dir, { columns: 3 });
    expect(await decodeAllQrCodes(grid, 2)).toHaveLength(2);
    expect(MAX_QR_CODES_PER_IMAGE).toBe(20);
    for (const bad of [0, -1, 1.5]) await expectError(() => decodeAllQrCodes(grid, bad), 'INPUT_INVALID');
  });

  it('still finds a code beside a texture of thousands of finder-like squares', async () => {
    // 9 × 9 px tiles of a finder pattern (dark ring, light ring, dark 3 × 3 centre) on a light border: 13,000 of them.
    const texture = finderTexture(1200, 900);
    const [text] = links(1, 'Textured');
    const code = await qrencodePng(text as string, dir, { moduleSize: 6 });
    const image = await composePngs([new Uint8Array(PNG.sync.write(texture)), code], dir);
    expect(await decodeAllQrCodes(image)).toEqual([text]);
  });

  it('returns no codes for an image without one, a blank screen included', async () => {
    expect(await decodeAllQrCodes(read('blank.png'))).toEqual([]);
    expect(await decodeAllQrCodes(read('blank.jpg'))).toEqual([]);
    const empty = await placeOnCanvas([], dir, { width: 3840, height: 2160, positions: [] });
    expect(await decodeAllQrCodes(empty)).toEqual([]);
  });

  it('refuses what is not a readable PNG or JPEG as decodeQrImage does', async () => {
    const png = read('qr.png');
    const huge = png.slice();
    new DataView(huge.buffer).setUint32(16, 20_000);
    new DataView(huge.buffer).setUint32(20, 10_000);
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode(URI), /not a PNG or JPEG/],
      [png.subarray(0, png.length / 2), /damaged or incomplete/],
      [huge, /200\.0 megapixels/],
    ];
    for (const [bytes, message] of cases) {
      expect((await expectError(() => decodeAllQrCodes(bytes), 'QR_IMAGE_INVALID')).message).toMatch(message);
    }
  });
});

describe('an image without a readable code', () => {
  it('tells a damaged or foreign file from an image without a code, decoding neither in the calling thread', async () => {
    const damaged = 'The image file is damaged or incomplete and could not be read. Save or copy the image again and retry.';
    const png = read('qr.png');
    const jpg = read('qr.jpg');
    const junk = randomBytes(4000);
    junk[0] = 0; // never a PNG or JPEG signature by chance
    const refused: [string, Uint8Array, string][] = [
      ['a truncated PNG', png.subarray(0, png.length / 2), damaged],
      // zxing loads this one, filling in what is missing: only the damage check tells.
      ['a truncated JPEG', jpg.subarray(0, jpg.length / 2), damaged],
      ['random bytes', junk, 'The image is not a PNG or JPEG file.'],
      ['random bytes behind a valid PNG header', new Uint8Array([...png.subarray(0, 33), ...junk]), damaged],
    ];
    const codeless: [string, Uint8Array][] = [
      ['a blank PNG', read('blank.png')],
      ['a blank JPEG', read('blank.jpg')],
      ['a 4K screen of noise', noisePng(3840, 2160)],
    ];
    // The image decoders the damage check uses: in this thread they would stall the app's main process.
    const pngDecodes = vi.spyOn(PNG.sync, 'read');
    const jpegDecodes = vi.spyOn(jpeg, 'decode');
    try {
      for (const [image, bytes, message] of refused) {
        for (const decode of [decodeQrImage, decodeAllQrCodes]) {
          const e = await expectError(() => decode(bytes), 'QR_IMAGE_INVALID');
          expect({ image, message: e.message }).toEqual({ image, message });
        }
      }
      for (const [image, bytes] of codeless) {
        const e = await expectError(() => decodeQrImage(bytes), 'QR_NOT_FOUND');
        expect({ image, message: e.message }).toEqual({ image, message: 'No QR code was found in the image.' });
        expect({ image, codes: await decodeAllQrCodes(bytes) }).toEqual({ image, codes: [] });
      }
      // Counted, not listed: a failure would print every decoded image.
      expect({ pngDecodes: pngDecodes.mock.calls.length, jpegDecodes: jpegDecodes.mock.calls.length }).toEqual({ pngDecodes: 0, jpegDecodes: 0 });
    } finally {
      pngDecodes.mockRestore();
      jpegDecodes.mockRestore();
    }
  });
});

describe('the reader', () => {
  it('reads a 20-megapixel image and the images after it', async () => {
    // An RGBA image this large grows the reader's memory past what is kept (to about 165 MB), so its
    // thread is ended and the next read starts a new one, from the binary on disk again.
    run('convert', ['-size', '5000x4000', 'xc:white', file('qr.png'), '-geometry', '+3000+2500', '-composite', `PNG32:${file('large.png')}`]);
    expect(await decodeAllQrCodes(read('large.png'))).toEqual([URI]);
    expect(await decodeQrImage(read('qr.png'))).toEqual([URI]);
    expect(await decodeAllQrCodes(read('qr.jpg'))).toEqual([URI]);
  });
});
