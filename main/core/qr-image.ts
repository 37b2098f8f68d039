/**
 * Reads QR codes out of PNG and JPEG images (a screenshot, a saved file, the clipboard), in main.
 *
 * The image comes from the user's files or clipboard, so it is treated as hostile: the format is
 * sniffed from its bytes, its pixel size is read from the header and capped *before* decoding (a
 * tiny file can declare a huge image), and every decoder failure becomes a TwofoldError.
 */
import jpeg from 'jpeg-js';
import jsQR, { type QRCode } from 'jsqr';
import { PNG } from 'pngjs';
import { TwofoldError } from '../../common/errors';
import {
  drawGrid,
  readFormatMask,
  readVersion,
  rearrangeForJsQr,
  transposeGrid,
  VERSIONS_JSQR_MISREADS,
  type ModuleGrid,
} from './qr-module-grid';

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

/** Sniffs, size-checks and decodes a PNG or JPEG into RGBA; QR_IMAGE_INVALID for anything else. */
function readImage(bytes: Uint8Array): Rgba {
  const format = sniff(bytes);
  if (format === null) invalid('The image is not a PNG or JPEG file.');
  checkSize(format === 'png' ? pngSize(bytes) : jpegSize(bytes));
  return format === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
}

/**
 * Decodes the QR code in a PNG or JPEG image and returns its text (one code per image).
 *
 * Throws TwofoldError('QR_IMAGE_INVALID') for anything that is not a readable PNG or JPEG of at most
 * 40 megapixels, and TwofoldError('QR_NOT_FOUND') when the image holds no readable QR code.
 */
export function decodeQrImage(bytes: Uint8Array): string[] {
  const image = readImage(bytes);
  // Light-on-dark codes (dark mode screenshots) need the inverted attempt.
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  if (found !== null) return [found.data];
  // jsQR misreads some codes it does locate (every version 23 code); the finder search reads them.
  const texts = findCodes(image, 1, false);
  if (texts.length === 0) throw new TwofoldError('QR_NOT_FOUND', 'No QR code was found in the image.');
  return texts;
}

/** Most QR codes decodeAllQrCodes returns unless told otherwise. */
export const MAX_QR_CODES_PER_IMAGE = 20;

/*
 * Several codes in one image.
 *
 * jsQR decodes one code per call, and with several codes of the same size in view its locator
 * often pairs corner squares of different codes and finds none. So the image is searched first
 * for the codes' finder patterns (the three corner squares, a 1:1:3:1:1 run in both directions),
 * every three that form a code's corner are cropped out, and jsQR decodes each crop on its own.
 * A last whole-image jsQR pass, with every decoded code painted over, catches what the pattern
 * search missed (skewed photos); it runs only when something may be left.
 */

interface Point {
  x: number;
  y: number;
}

/** The four corners of a decoded code in image coordinates, in order around the code. */
type Quad = [Point, Point, Point, Point];

/** One finder pattern: its centre, module size in pixels, and whether its centre is dark. */
interface FinderPattern {
  x: number;
  y: number;
  module: number;
  dark: boolean;
  hits: number;
  lastRow: number;
}

/** A region that may hold one code: the crop, and the finder patterns that suggested it (corner first). */
interface Candidate {
  left: number;
  top: number;
  width: number;
  height: number;
  patterns: [FinderPattern, FinderPattern, FinderPattern];
}

/** Side of the square blocks the local threshold is computed over, in pixels. */
const BLOCK = 8;
/** Below this luminance range a block is flat (all background or all ink). */
const MIN_BLOCK_CONTRAST = 24;
/** Finder patterns considered when pairing them into codes; more means a hostile or noisy image. */
const MAX_PATTERNS = 400;
/** Candidate crops tried per image, which bounds the time spent on a noisy screenshot. */
const MAX_CANDIDATES = 80;
/** Total crop area decoded, in images' worth: jsQR's time grows with the pixels it is given. */
const MAX_CROP_AREA_IMAGES = 2;
/**
 * Beyond this many pattern-like squares the image is a texture or hostile, not a screen of a few
 * codes (20 dense codes show about 1,600), and the whole-image jsQR pass is skipped: jsQR takes
 * minutes on such an image.
 */
const MAX_PATTERNS_FOR_WHOLE_IMAGE_PASS = 4000;

function toLuminance(image: Rgba): Uint8Array {
  const { data } = image;
  const out = new Uint8Array(image.width * image.height);
  for (let p = 0, i = 0; p < out.length; p++, i += 4) {
    // Rec. 709 weights in fixed point; exact colour science does not matter for black and white.
    out[p] = ((data[i] as number) * 54 + (data[i + 1] as number) * 183 + (data[i + 2] as number) * 19) >> 8;
  }
  return out;
}

/**
 * Local-threshold binarization (1 = dark). Each pixel is compared with the mean threshold of the
 * 5×5 blocks around it, so a code on a grey card, in dark mode or under uneven light still comes
 * out black and white. A flat block takes its neighbours' threshold, so the flat dark border of a
 * light-on-dark code stays dark instead of turning into background.
 */
function binarize(lum: Uint8Array, width: number, height: number): Uint8Array {
  const bw = Math.ceil(width / BLOCK);
  const bh = Math.ceil(height / BLOCK);
  const threshold = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    const y1 = Math.min(height, (by + 1) * BLOCK);
    for (let bx = 0; bx < bw; bx++) {
      const x0 = bx * BLOCK;
      const x1 = Math.min(width, x0 + BLOCK);
      let min = 255;
      let max = 0;
      let sum = 0;
      for (let y = by * BLOCK; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          const v = lum[i] as number;
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      let t = sum / ((y1 - by * BLOCK) * (x1 - x0));
      if (max - min < MIN_BLOCK_CONTRAST) {
        t = min / 2;
        if (bx > 0 && by > 0) {
          const around =
            ((threshold[(by - 1) * bw + bx] as number) +
              2 * (threshold[by * bw + bx - 1] as number) +
              (threshold[(by - 1) * bw + bx - 1] as number)) /
            4;
          if (min < around) t = around;
        }
      }
      threshold[by * bw + bx] = t;
    }
  }
  const out = new Uint8Array(width * height);
  for (let by = 0; by < bh; by++) {
    const cy = Math.min(Math.max(by, 2), Math.max(bh - 3, 0));
    const y1 = Math.min(height, (by + 1) * BLOCK);
    for (let bx = 0; bx < bw; bx++) {
      const cx = Math.min(Math.max(bx, 2), Math.max(bw - 3, 0));
      let sum = 0;
      let n = 0;
      for (let yy = Math.max(cy - 2, 0); yy <= Math.min(cy + 2, bh - 1); yy++) {
        for (let xx = Math.max(cx - 2, 0); xx <= Math.min(cx + 2, bw - 1); xx++) {
          sum += threshold[yy * bw + xx] as number;
          n++;
        }
      }
      const t = sum / n;
      const x0 = bx * BLOCK;
      const x1 = Math.min(width, x0 + BLOCK);
      for (let y = by * BLOCK; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) out[i] = (lum[i] as number) <= t ? 1 : 0;
      }
    }
  }
  return out;
}

/** True when five runs have the 1:1:3:1:1 proportions of a finder pattern (with pixel slack). */
function isFinderRatio(r0: number, r1: number, r2: number, r3: number, r4: number): boolean {
  if (r0 < 1 || r1 < 1 || r2 < 1 || r3 < 1 || r4 < 1) return false;
  const unit = (r0 + r1 + r2 + r3 + r4) / 7;
  const tolerance = unit * 0.5 + 0.5;
  return (
    Math.abs(r0 - unit) <= tolerance &&
    Math.abs(r1 - unit) <= tolerance &&
    Math.abs(r3 - unit) <= tolerance &&
    Math.abs(r4 - unit) <= tolerance &&
    Math.abs(r2 - 3 * unit) <= unit * 1.2 + 0.5
  );
}

/**
 * Checks the column through a horizontal finder-pattern hit. Returns the pattern's vertical centre
 * and its total height, or null when the column does not show the same pattern.
 */
function crossCheckColumn(
  bin: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  colour: number,
  horizontalTotal: number,
): { centreY: number; total: number } | null {
  const limit = horizontalTotal * 2;
  const run = (from: number, step: number, want: number): number => {
    let n = 0;
    for (let yy = from; yy >= 0 && yy < height && n <= limit && bin[yy * width + x] === want; yy += step) n++;
    return n;
  };
  const centreUp = run(y, -1, colour);
  const innerUp = run(y - centreUp, -1, colour ^ 1);
  const outerUp = run(y - centreUp - innerUp, -1, colour);
  const centreDown = run(y + 1, 1, colour);
  const innerDown = run(y + 1 + centreDown, 1, colour ^ 1);
  const outerDown = run(y + 1 + centreDown + innerDown, 1, colour);
  const centre = centreUp + centreDown;
  if (!isFinderRatio(outerUp, innerUp, centre, innerDown, outerDown)) return null;
  const total = outerUp + innerUp + centre + innerDown + outerDown;
  if (total < horizontalTotal * 0.5 || total > horizontalTotal * 2) return null;
  return { centreY: y - centreUp + 1 + centre / 2, total };
}

/** Width of the column buckets that find the pattern a hit belongs to without a scan of them all. */
const BUCKET = 16;

/**
 * Scans every row for finder patterns, light-on-dark ones included, and merges the hits into
 * patterns. Patterns still being hit are bucketed by column, so an image tiled with thousands of
 * pattern-like squares (hostile, or a texture) costs time in proportion to its pixels.
 */
function findFinderPatterns(bin: Uint8Array, width: number, height: number): FinderPattern[] {
  const done: FinderPattern[] = [];
  let active: FinderPattern[] = [];
  let buckets = new Map<number, FinderPattern[]>();
  const addToBucket = (p: FinderPattern): void => {
    const key = Math.floor(p.x / BUCKET);
    const list = buckets.get(key);
    if (list === undefined) buckets.set(key, [p]);
    else list.push(p);
  };
  const nearPattern = (x: number, y: number, module: number, dark: boolean): FinderPattern | undefined => {
    // A match is within 2 modules of a pattern at most twice this hit's module size.
    const reach = 4 * module + BUCKET;
    for (let key = Math.floor((x - reach) / BUCKET); key <= Math.floor((x + reach) / BUCKET); key++) {
      const found = buckets
        .get(key)
        ?.find(
          (p) =>
            p.dark === dark &&
            Math.abs(p.x - x) <= p.module * 2 &&
            Math.abs(p.y - y) <= p.module * 2 &&
            module < p.module * 2 &&
            module > p.module / 2,
        );
      if (found !== undefined) return found;
    }
    return undefined;
  };

  for (let y = 0; y < height; y++) {
    const row = y * width;
    let colour = bin[row] as number;
    let length = 0;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    let r4 = 0;
    for (let x = 0; x <= width; x++) {
      // A virtual pixel of the other colour past the edge ends the last run.
      const v = x < width ? (bin[row + x] as number) : colour ^ 1;
      if (v === colour) {
        length++;
        continue;
      }
      r0 = r1;
      r1 = r2;
      r2 = r3;
      r3 = r4;
      r4 = length;
      // The run just ended has `colour`; runs alternate, so the centre run r2 has it too.
      if (isFinderRatio(r0, r1, r2, r3, r4)) {
        const horizontalTotal = r0 + r1 + r2 + r3 + r4;
        const centreX = x - r4 - r3 - r2 / 2;
        const checked = crossCheckColumn(bin, width, height, Math.floor(centreX), y, colour, horizontalTotal);
        if (checked !== null) {
          const module = (horizontalTotal + checked.total) / 14;
          const dark = colour === 1;
          const near = nearPattern(centreX, checked.centreY, module, dark);
          if (near === undefined) {
            const p = { x: centreX, y: checked.centreY, module, dark, hits: 1, lastRow: y };
            active.push(p);
            addToBucket(p);
          } else {
            const n = near.hits;
            near.x = (near.x * n + centreX) / (n + 1);
            near.y = (near.y * n + checked.centreY) / (n + 1);
            near.module = (near.module * n + module) / (n + 1);
            near.hits = n + 1;
            near.lastRow = y;
          }
        }
      }
      colour = v;
      length = 1;
    }
    if (active.length > 0) {
      const still: FinderPattern[] = [];
      for (const p of active) (y - p.lastRow > Math.max(3, p.module) ? done : still).push(p);
      if (still.length !== active.length) {
        buckets = new Map();
        still.forEach(addToBucket);
      }
      active = still;
    }
  }
  return done.concat(active);
}

/**
 * True for a finder pattern seen on enough rows to be one: a real pattern's centre is 3 modules
 * tall, so it is hit on about 3 × module rows, while a chance 1:1:3:1:1 in a code's data (common
 * in a dense code) lines up on a module's height or so.
 */
function isSolidPattern(p: FinderPattern): boolean {
  return p.hits >= Math.max(2, Math.floor(2 * p.module));
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** True when two patterns could belong to one code (same polarity, similar module size). */
function samePatternKind(a: FinderPattern, b: FinderPattern): boolean {
  const ratio = a.module / b.module;
  return a.dark === b.dark && ratio > 0.6 && ratio < 1.6;
}

/**
 * How well the timing patterns fit a code whose top-left finder is `a`: every QR code has modules
 * alternating dark and light along row 6 (from `a` towards `b`) and column 6 (towards `c`).
 * Returns the share of those modules with the expected colour, on the worse of the two lines;
 * three finder patterns of neighbouring codes that happen to form a right angle score about half.
 */
function timingFit(bin: Uint8Array, width: number, height: number, a: FinderPattern, b: FinderPattern, c: FinderPattern): number {
  const line = (to: Point, side: Point): number => {
    const length = distance(a, to);
    // Finder centres are 10 + 4 × version modules apart.
    const modules = Math.max(14, Math.round((length / a.module - 10) / 4) * 4 + 10);
    const step = length / modules;
    const ux = (to.x - a.x) / length;
    const uy = (to.y - a.y) / length;
    const sideLength = distance(a, side);
    const wx = ((side.x - a.x) / sideLength) * 3 * step;
    const wy = ((side.y - a.y) / sideLength) * 3 * step;
    let matches = 0;
    let samples = 0;
    // Columns 8 to size − 9 of row 6; the finder centre is column 3, so k = column − 3.
    for (let k = 5; k <= modules - 5; k++) {
      const x = Math.round(a.x + ux * k * step + wx - 0.5);
      const y = Math.round(a.y + uy * k * step + wy - 0.5);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const on = bin[y * width + x] === (a.dark ? 1 : 0);
      samples++;
      if (on === ((k + 3) % 2 === 0)) matches++;
    }
    return samples === 0 ? 0 : matches / samples;
  };
  return Math.min(line(b, c), line(c, b));
}

/**
 * Groups finder patterns into possible codes: three similar patterns where two legs of about the
 * same length meet at a right angle (the top-left corner of a code), 10 to 170 modules apart as
 * QR versions 1 to 40 have them, with timing patterns between them. Returns the crops, smallest first.
 */
function findCandidates(all: FinderPattern[], bin: Uint8Array, width: number, height: number): Candidate[] {
  const patterns = all.length > MAX_PATTERNS ? [...all].sort((a, b) => b.hits - a.hits).slice(0, MAX_PATTERNS) : all;
  const candidates: Candidate[] = [];
  for (const a of patterns) {
    const near = patterns
      .filter((b) => {
        if (b === a || !samePatternKind(a, b)) return false;
        const modules = distance(a, b) / ((a.module + b.module) / 2);
        return modules >= 10 && modules <= 175;
      })
      .sort((p, q) => distance(a, p) - distance(a, q))
      .slice(0, 12);
    for (let j = 0; j < near.length; j++) {
      for (let k = j + 1; k < near.length; k++) {
        const b = near[j] as FinderPattern;
        const c = near[k] as FinderPattern;
        const ab = { x: b.x - a.x, y: b.y - a.y };
        const ac = { x: c.x - a.x, y: c.y - a.y };
        const lab = Math.hypot(ab.x, ab.y);
        const lac = Math.hypot(ac.x, ac.y);
        if (Math.abs(lab / lac - 1) > 0.3) continue;
        if (Math.abs((ab.x * ac.x + ab.y * ac.y) / (lab * lac)) > 0.25) continue;
        if (timingFit(bin, width, height, a, b, c) < 0.7) continue;
        // Finder centres sit 3.5 modules inside the code; 3 more keep part of the quiet zone.
        const module = (a.module + b.module + c.module) / 3;
        const grow = 6.5 * module;
        const e1 = { x: (ab.x / lab) * grow, y: (ab.y / lab) * grow };
        const e2 = { x: (ac.x / lac) * grow, y: (ac.y / lac) * grow };
        const d = { x: b.x + ac.x, y: b.y + ac.y };
        const corners = [
          { x: a.x - e1.x - e2.x, y: a.y - e1.y - e2.y },
          { x: b.x + e1.x - e2.x, y: b.y + e1.y - e2.y },
          { x: c.x - e1.x + e2.x, y: c.y - e1.y + e2.y },
          { x: d.x + e1.x + e2.x, y: d.y + e1.y + e2.y },
        ];
        const left = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))));
        const top = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))));
        const right = Math.min(width, Math.ceil(Math.max(...corners.map((p) => p.x))));
        const bottom = Math.min(height, Math.ceil(Math.max(...corners.map((p) => p.y))));
        if (right - left < 21 || bottom - top < 21) continue;
        candidates.push({ left, top, width: right - left, height: bottom - top, patterns: [a, b, c] });
      }
    }
  }
  return candidates.sort((p, q) => p.width * p.height - q.width * q.height);
}

function crop(image: Rgba, c: Candidate): Uint8ClampedArray {
  const out = new Uint8ClampedArray(c.width * c.height * 4);
  for (let y = 0; y < c.height; y++) {
    const from = ((c.top + y) * image.width + c.left) * 4;
    out.set(image.data.subarray(from, from + c.width * 4), y * c.width * 4);
  }
  return out;
}

/** A candidate's modules as sampled from the image, its outline in the image and its version. */
interface SampledGrid {
  grid: ModuleGrid;
  outline: Quad;
  version: number;
}

/**
 * Reads a candidate's modules straight from the binarized image, along the lines between its three
 * finder centres. Only versions 7 to 40 are read: they carry version information, which confirms
 * the module count. Null when the candidate is smaller or its version information does not match;
 * a skewed photo, which these straight lines do not fit, is left to the whole-image pass.
 */
function sampleGrid(bin: Uint8Array, width: number, height: number, candidate: Candidate): SampledGrid | null {
  const [a, p, q] = candidate.patterns;
  // Top right is clockwise from top left (image y grows downwards); a mirrored code is caught later.
  const clockwise = (p.x - a.x) * (q.y - a.y) - (p.y - a.y) * (q.x - a.x) > 0;
  const b = clockwise ? p : q;
  const c = clockwise ? q : p;
  const dark = a.dark ? 1 : 0;
  const module = (a.module + b.module + c.module) / 3;
  // Finder centres are 10 + 4 × version modules apart.
  const estimate = Math.round(((distance(a, b) + distance(a, c)) / 2 / module - 10) / 4);
  for (const version of [estimate, estimate - 1, estimate + 1]) {
    if (version < 7 || version > 40) continue;
    const size = 17 + 4 * version;
    // Image position of a point given in modules from the code's top-left corner.
    const place = (mx: number, my: number): Point => {
      const u = (mx - 3.5) / (size - 7);
      const v = (my - 3.5) / (size - 7);
      return { x: a.x + (b.x - a.x) * u + (c.x - a.x) * v, y: a.y + (b.y - a.y) * u + (c.y - a.y) * v };
    };
    const modules = new Uint8Array(size * size);
    for (let my = 0; my < size; my++) {
      for (let mx = 0; mx < size; mx++) {
        const at = place(mx + 0.5, my + 0.5);
        const x = Math.floor(at.x);
        const y = Math.floor(at.y);
        if (x >= 0 && y >= 0 && x < width && y < height && bin[y * width + x] === dark) modules[my * size + mx] = 1;
      }
    }
    const grid: ModuleGrid = { size, modules };
    if (readVersion(grid) === version) {
      return { grid, outline: [place(0, 0), place(size, 0), place(size, size), place(0, size)], version };
    }
  }
  return null;
}

/**
 * Has jsQR decode a sampled grid redrawn clean, rearranged where jsQR misreads the version (see
 * qr-module-grid). A mirror image of a code (a selfie camera's photo) samples as the transposed
 * grid, which the format information tells apart.
 */
function decodeGrid(grid: ModuleGrid): string | null {
  for (const oriented of [grid, transposeGrid(grid)]) {
    if (readFormatMask(oriented) === null) continue;
    const drawable = rearrangeForJsQr(oriented);
    if (drawable === null) continue;
    const drawn = drawGrid(drawable);
    const found = jsQR(drawn.data, drawn.width, drawn.height, { inversionAttempts: 'dontInvert' });
    if (found !== null) return found.data;
  }
  return null;
}

/** True when `p` lies inside the convex quadrilateral `q` (corners in order around it). */
function insideQuad(p: Point, q: Quad): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** The corners of a code jsQR decoded, in image coordinates (the crop's offset added). */
function outlineOf(found: QRCode, offset: Point): Quad {
  const l = found.location;
  return [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner].map((p) => ({
    x: p.x + offset.x,
    y: p.y + offset.y,
  })) as Quad;
}

/** A code's outline grown by `modules` modules on every side, as a quad around its centre. */
function grownQuad(outline: Quad, version: number, modules: number): Quad {
  const cx = outline.reduce((s, p) => s + p.x, 0) / 4;
  const cy = outline.reduce((s, p) => s + p.y, 0) / 4;
  const scale = 1 + (2 * modules) / (17 + 4 * version);
  return outline.map((p) => ({ x: cx + (p.x - cx) * scale, y: cy + (p.y - cy) * scale })) as Quad;
}

/** Paints a quad white, so the next whole-image pass does not find that code again. */
function paintWhite(image: Rgba, q: Quad): void {
  const left = Math.max(0, Math.floor(Math.min(...q.map((p) => p.x))));
  const right = Math.min(image.width - 1, Math.ceil(Math.max(...q.map((p) => p.x))));
  const top = Math.max(0, Math.floor(Math.min(...q.map((p) => p.y))));
  const bottom = Math.min(image.height - 1, Math.ceil(Math.max(...q.map((p) => p.y))));
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      if (insideQuad({ x: x + 0.5, y: y + 0.5 }, q)) image.data.fill(255, (y * image.width + x) * 4, (y * image.width + x) * 4 + 4);
    }
  }
}

/**
 * Decodes every QR code in a PNG or JPEG image (a screenshot of a whole display can show several),
 * and returns their texts, at most `maxCodes` of them, or [] when there is none.
 *
 * Throws TwofoldError('QR_IMAGE_INVALID') for anything that is not a readable PNG or JPEG of at most
 * 40 megapixels, like decodeQrImage.
 */
export function decodeAllQrCodes(bytes: Uint8Array, maxCodes: number = MAX_QR_CODES_PER_IMAGE): string[] {
  if (!Number.isInteger(maxCodes) || maxCodes < 1) {
    throw new TwofoldError('INPUT_INVALID', 'The most QR codes to read from one image must be a whole number from 1 up.');
  }
  return findCodes(readImage(bytes), maxCodes, true);
}

interface FoundCode {
  text: string;
  centre: Point;
  top: number;
  bottom: number;
}

/**
 * The codes in an image, in reading order: the finder-pattern search, then (with `wholeImagePass`)
 * whole-image jsQR passes for what it missed. Paints over decoded codes in `image`.
 */
function findCodes(image: Rgba, maxCodes: number, wholeImagePass: boolean): string[] {
  const codes: FoundCode[] = [];
  const quads: Quad[] = [];
  const covered = (p: Point): boolean => quads.some((q) => insideQuad(p, q));
  const keep = (text: string, outline: Quad, version: number): void => {
    const centre = { x: outline.reduce((s, p) => s + p.x, 0) / 4, y: outline.reduce((s, p) => s + p.y, 0) / 4 };
    if (covered(centre)) return; // the same code, reached through another crop
    const ys = outline.map((p) => p.y);
    codes.push({ text, centre, top: Math.min(...ys), bottom: Math.max(...ys) });
    quads.push(grownQuad(outline, version, 2));
  };

  const bin = binarize(toLuminance(image), image.width, image.height);
  const seen = findFinderPatterns(bin, image.width, image.height);
  const patterns = seen.filter(isSolidPattern);
  const candidates = findCandidates(patterns, bin, image.width, image.height);
  let cropArea = 0;
  for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
    if (codes.length >= maxCodes) break;
    // A pattern inside a decoded code belongs to it, so this corner is not another code.
    if (candidate.patterns.some(covered)) continue;
    cropArea += candidate.width * candidate.height;
    if (cropArea > MAX_CROP_AREA_IMAGES * image.width * image.height) break;
    const sampled = sampleGrid(bin, image.width, image.height, candidate);
    // jsQR spends over 100 ms failing on a code of a version it misreads, so such a code goes
    // straight to the redrawn grid; any other goes to jsQR, and to the grid only if jsQR fails.
    const misread = sampled !== null && VERSIONS_JSQR_MISREADS.includes(sampled.version);
    const found = misread ? null : jsQR(crop(image, candidate), candidate.width, candidate.height, { inversionAttempts: 'attemptBoth' });
    if (found !== null) {
      keep(found.data, outlineOf(found, { x: candidate.left, y: candidate.top }), found.version);
      continue;
    }
    const text = sampled === null ? null : decodeGrid(sampled.grid);
    if (sampled !== null && text !== null) keep(text, sampled.outline, sampled.version);
  }

  // Whole-image passes, only when a code may be left: a solid pattern no decoded code explains, or,
  // with none decoded, any hint of a pattern (jsQR tolerates more blur). A blank screen skips them.
  const mayHoldMore = codes.length === 0 ? seen.length > 0 : patterns.some((p) => !covered(p));
  if (wholeImagePass && mayHoldMore && seen.length <= MAX_PATTERNS_FOR_WHOLE_IMAGE_PASS) {
    for (const q of quads) paintWhite(image, q);
    for (let attempt = 0; attempt < maxCodes && codes.length < maxCodes; attempt++) {
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
      if (found === null) break;
      const outline = outlineOf(found, { x: 0, y: 0 });
      keep(found.data, outline, found.version);
      paintWhite(image, grownQuad(outline, found.version, 2));
    }
  }
  return readingOrder(codes).map((c) => c.text);
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
  return rows.flatMap((row) => row.sort((a, b) => a.centre.x - b.centre.x));
}
