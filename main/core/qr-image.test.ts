import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwofoldError, type ErrorCode } from '../../common/errors';
import { decodeQrImage } from './qr-image';

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

function expectError(fn: () => unknown, code: ErrorCode): TwofoldError {
  let caught: unknown;
  try {
    fn();
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
  it('reads the otpauth URI from a PNG made by qrencode', () => {
    expect(decodeQrImage(read('qr.png'))).toEqual([URI]);
  });

  it('reads the same code from a JPEG', () => {
    expect(decodeQrImage(read('qr.jpg'))).toEqual([URI]);
  });

  it('reads a light-on-dark (inverted) code', () => {
    expect(decodeQrImage(read('inverted.png'))).toEqual([URI]);
  });

  it('reads a 16-bit greyscale PNG', () => {
    expect(decodeQrImage(read('gray16.png'))).toEqual([URI]);
  });

  it('finds a code inside a larger screenshot', () => {
    expect(decodeQrImage(read('screenshot.png'))).toEqual([URI]);
  });

  it('reads a code whose background is transparent black', () => {
    const png = PNG.sync.read(Buffer.from(read('qr.png')));
    for (let i = 0; i < png.data.length; i += 4) {
      // Light pixels become fully transparent black, as some exporters write them.
      if ((png.data[i] as number) > 128) png.data.set([0, 0, 0, 0], i);
    }
    fs.writeFileSync(file('transparent.png'), PNG.sync.write(png));
    expect(decodeQrImage(read('transparent.png'))).toEqual([URI]);
  });

  it('returns non-ASCII text as decoded', () => {
    expect(decodeQrImage(read('unicode.png'))).toEqual(['Grüße, 日本']);
  });

  it('accepts a Uint8Array that is a view into a larger buffer', () => {
    const bytes = read('qr.png');
    const padded = new Uint8Array(bytes.length + 20);
    padded.set(bytes, 10);
    expect(decodeQrImage(padded.subarray(10, 10 + bytes.length))).toEqual([URI]);
  });

  it('says when there is no QR code', () => {
    for (const name of ['blank.png', 'blank.jpg']) {
      const e = expectError(() => decodeQrImage(read(name)), 'QR_NOT_FOUND');
      expect(e.message).toBe('No QR code was found in the image.');
    }
  });

  it('refuses files that are not PNG or JPEG', () => {
    run('convert', [file('qr.png'), file('qr.gif')]);
    for (const bytes of [read('qr.gif'), new TextEncoder().encode(URI), new Uint8Array(0), new Uint8Array([0x89, 0x50])]) {
      const e = expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
      expect(e.message).toBe('The image is not a PNG or JPEG file.');
    }
  });

  it('refuses truncated or corrupt images with a clear message', () => {
    const png = read('qr.png');
    const jpg = read('qr.jpg');
    const corruptPng = png.slice();
    corruptPng.fill(0x41, 40, 200);
    const cases = [png.subarray(0, png.length / 2), png.subarray(0, 30), jpg.subarray(0, jpg.length / 2), jpg.subarray(0, 3), corruptPng];
    for (const bytes of cases) {
      const e = expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
      expect(e.message).toMatch(/damaged or incomplete/);
    }
  });

  it('refuses a PNG that declares more than 40 megapixels, before decoding it', () => {
    const bytes = read('qr.png').slice();
    const view = new DataView(bytes.buffer);
    view.setUint32(16, 20_000);
    view.setUint32(20, 10_000);
    const e = expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
    expect(e.message).toMatch(/20000 × 10000 pixels \(200\.0 megapixels\); the limit is 40 megapixels/);
  });

  it('refuses a JPEG that declares more than 40 megapixels', () => {
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
    const e = expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
    expect(e.message).toMatch(/9000 × 9000 pixels \(81\.0 megapixels\)/);
  });

  it('refuses an image with no pixels', () => {
    const bytes = read('qr.png').slice();
    new DataView(bytes.buffer).setUint32(16, 0);
    expectError(() => decodeQrImage(bytes), 'QR_IMAGE_INVALID');
  });
});
