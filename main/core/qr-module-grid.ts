/**
 * A QR code's module grid, read from an image along its finder patterns and redrawn clean for jsQR.
 *
 * jsQR 1.4.0 (the latest release) cannot decode any version 23 code, 109 × 109 modules: its table
 * puts that version's fourth alignment-pattern row and column at 74 where ISO/IEC 18004 (Annex E)
 * has 78 (cozmo/jsQR issue #251), so it takes data bits from the wrong modules and error correction
 * gives up. A Google Authenticator export of ten accounts is often exactly that size. Redrawing such
 * a code with each data module moved to the place jsQR reads it from, re-masked for that place, lets
 * jsQR's own error correction and data parsing decode it unchanged.
 */

/** A code's modules, row by row: 1 for a dark module, 0 for a light one. */
export interface ModuleGrid {
  /** Modules per side, 17 + 4 × version. */
  size: number;
  modules: Uint8Array;
}

/** Alignment-pattern rows and columns (both the same) that jsQR 1.4.0 has wrong, by version. */
const JSQR_WRONG_ALIGNMENT: ReadonlyMap<number, { spec: number[]; jsqr: number[] }> = new Map([
  [23, { spec: [6, 30, 54, 78, 102], jsqr: [6, 30, 54, 74, 102] }],
]);

/** The versions whose codes jsQR reads from the wrong modules and that redrawForJsQr rearranges. */
export const VERSIONS_JSQR_MISREADS: readonly number[] = [...JSQR_WRONG_ALIGNMENT.keys()];

/** Remainder of `value` divided by the generator polynomial `poly` over GF(2) (BCH check bits). */
function bchRemainder(value: number, poly: number): number {
  const degree = Math.floor(Math.log2(poly));
  let r = value;
  for (let bit = Math.floor(Math.log2(Math.max(r, 1))); bit >= degree; bit--) {
    if ((r >> bit) & 1) r ^= poly << (bit - degree);
  }
  return r;
}

/** The 18-bit version information a code of version 7 to 40 carries twice (BCH(18,6)). */
export function versionInfoBits(version: number): number {
  return (version << 12) | bchRemainder(version << 12, 0x1f25);
}

function bitsDiffering(a: number, b: number): number {
  let x = a ^ b;
  let n = 0;
  while (x !== 0) {
    x &= x - 1;
    n++;
  }
  return n;
}

const at = (grid: ModuleGrid, x: number, y: number): number => grid.modules[y * grid.size + x] as number;

/**
 * The version a grid's version information names, when either copy is within 3 bits of the code
 * for `size` (the codes are 8 bits apart, so 3 wrong bits are still unambiguous); null otherwise.
 */
export function readVersion(grid: ModuleGrid): number | null {
  const version = (grid.size - 17) / 4;
  if (!Number.isInteger(version) || version < 7 || version > 40) return null;
  let topRight = 0;
  let bottomLeft = 0;
  for (let i = 17; i >= 0; i--) {
    topRight = (topRight << 1) | at(grid, grid.size - 11 + (i % 3), Math.floor(i / 3));
    bottomLeft = (bottomLeft << 1) | at(grid, Math.floor(i / 3), grid.size - 11 + (i % 3));
  }
  const expected = versionInfoBits(version);
  return bitsDiffering(topRight, expected) <= 3 || bitsDiffering(bottomLeft, expected) <= 3 ? version : null;
}

/**
 * The data mask (0 to 7) the format information names, read as jsQR reads it: from either copy
 * within 3 bits of a valid code (the codes are 7 bits apart). Null when neither copy is that close.
 */
export function readFormatMask(grid: ModuleGrid): number | null {
  const { size } = grid;
  let topLeft = 0;
  for (let x = 0; x <= 8; x++) if (x !== 6) topLeft = (topLeft << 1) | at(grid, x, 8);
  for (let y = 7; y >= 0; y--) if (y !== 6) topLeft = (topLeft << 1) | at(grid, 8, y);
  let other = 0;
  for (let y = size - 1; y >= size - 7; y--) other = (other << 1) | at(grid, 8, y);
  for (let x = size - 8; x < size; x++) other = (other << 1) | at(grid, x, 8);
  let best: number | null = null;
  let bestDifference = 4;
  // Five data bits (error correction level, then mask), ten BCH(15,5) bits, XOR a fixed pattern.
  for (let data = 0; data < 32; data++) {
    const code = ((data << 10) | bchRemainder(data << 10, 0x537)) ^ 0x5412;
    const difference = Math.min(bitsDiffering(code, topLeft), bitsDiffering(code, other));
    if (difference < bestDifference) {
      best = data & 7;
      bestDifference = difference;
    }
  }
  return best;
}

/** The eight data masks: true where a data module is inverted. */
const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/**
 * The data modules (as y × size + x) in the order they are read: column pairs from the right,
 * zigzagging up and down, skipping function patterns placed with the given alignment rows/columns.
 */
function dataModuleOrder(size: number, alignment: number[]): number[] {
  const isFunction = new Uint8Array(size * size);
  const mark = (left: number, top: number, w: number, h: number): void => {
    for (let y = top; y < top + h; y++) isFunction.fill(1, y * size + left, y * size + left + w);
  };
  mark(0, 0, 9, 9); // finder, separator and format information, top left
  mark(size - 8, 0, 8, 9);
  mark(0, size - 8, 9, 8);
  const last = size - 7;
  for (const x of alignment) {
    for (const y of alignment) {
      if (!((x === 6 && y === 6) || (x === 6 && y === last) || (x === last && y === 6))) mark(x - 2, y - 2, 5, 5);
    }
  }
  mark(6, 9, 1, size - 17); // timing patterns
  mark(9, 6, size - 17, 1);
  mark(size - 11, 0, 3, 6); // version information
  mark(0, size - 11, 6, 3);
  const order: number[] = [];
  let up = true;
  for (let column = size - 1; column > 0; column -= 2) {
    if (column === 6) column--; // the vertical timing pattern takes a whole column
    for (let i = 0; i < size; i++) {
      const y = up ? size - 1 - i : i;
      for (const x of [column, column - 1]) if (isFunction[y * size + x] === 0) order.push(y * size + x);
    }
    up = !up;
  }
  return order;
}

/**
 * The grid as jsQR 1.4.0 needs it drawn: unchanged for the versions it reads right, and for the
 * version it misreads, every data bit moved from its place in the standard to the place jsQR reads
 * that bit from, re-masked there. Null when the grid's format information is unreadable.
 */
export function rearrangeForJsQr(grid: ModuleGrid): ModuleGrid | null {
  const wrong = JSQR_WRONG_ALIGNMENT.get((grid.size - 17) / 4);
  if (wrong === undefined) return grid;
  const maskIndex = readFormatMask(grid);
  if (maskIndex === null) return null;
  const mask = MASKS[maskIndex] as (x: number, y: number) => boolean;
  const masked = (i: number): number => (mask(i % grid.size, Math.floor(i / grid.size)) ? 1 : 0);
  const from = dataModuleOrder(grid.size, wrong.spec);
  const to = dataModuleOrder(grid.size, wrong.jsqr);
  const modules = grid.modules.slice();
  // Both tables mark the same number of modules as function patterns, so `from` and `to` pair up.
  for (let k = 0; k < from.length && k < to.length; k++) {
    const source = from[k] as number;
    const target = to[k] as number;
    modules[target] = (grid.modules[source] as number) ^ masked(source) ^ masked(target);
  }
  return { size: grid.size, modules };
}

/** The grid mirrored about its main diagonal: what sampling a mirror image of the code gives. */
export function transposeGrid(grid: ModuleGrid): ModuleGrid {
  const { size } = grid;
  const modules = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) modules[x * size + y] = grid.modules[y * size + x] as number;
  return { size, modules };
}

/** Pixels per module, and quiet-zone modules around the code, of a redrawn code. */
const DRAW_SCALE = 4;
const DRAW_QUIET_ZONE = 4;

/** Draws a grid as a black-on-white RGBA image with a quiet zone, as clean as jsQR could want. */
export function drawGrid(grid: ModuleGrid): { data: Uint8ClampedArray; width: number; height: number } {
  const side = (grid.size + 2 * DRAW_QUIET_ZONE) * DRAW_SCALE;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < grid.size; y++) {
    for (let x = 0; x < grid.size; x++) {
      if (at(grid, x, y) === 0) continue;
      for (let dy = 0; dy < DRAW_SCALE; dy++) {
        const row = (y + DRAW_QUIET_ZONE) * DRAW_SCALE + dy;
        for (let dx = 0; dx < DRAW_SCALE; dx++) {
          const i = (row * side + (x + DRAW_QUIET_ZONE) * DRAW_SCALE + dx) * 4;
          data[i] = 0;
          data[i + 1] = 0;
          data[i + 2] = 0;
        }
      }
    }
  }
  return { data, width: side, height: side };
}
