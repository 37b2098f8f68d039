import { describe, expect, it } from 'vitest';
import { isQrImageFile, readImportFiles, type PickedFile } from './qr-image-file';

function file(name: string, type: string, bytes: number[] | number = [1, 2, 3]): PickedFile {
  const data = typeof bytes === 'number' ? new Uint8Array(0) : Uint8Array.from(bytes);
  return {
    name,
    type,
    size: typeof bytes === 'number' ? bytes : data.length,
    arrayBuffer: async () => data.buffer,
  };
}

describe('qr-image-file', () => {
  it('takes PNG and JPEG by type, or by extension when the type is missing', () => {
    expect(isQrImageFile({ name: 'a.bin', type: 'image/png' })).toBe(true);
    expect(isQrImageFile({ name: 'shot.JPG', type: '' })).toBe(true);
    expect(isQrImageFile({ name: 'vault.json', type: 'application/json' })).toBe(false);
    expect(isQrImageFile({ name: 'fake.png', type: 'text/plain' })).toBe(false);
  });

  it('turns several QR images into one images source, and one export file into a file source', async () => {
    const images = await readImportFiles([file('1.png', 'image/png', [1]), file('2.jpg', 'image/jpeg', [2])]);
    expect(images).toEqual({ ok: true, source: { kind: 'images', imagesBase64: ['AQ==', 'Ag=='] } });
    const exported = await readImportFiles([file('aegis.json', 'application/json', [123, 125])]);
    expect(exported).toEqual({ ok: true, source: { kind: 'file', name: 'aegis.json', dataBase64: 'e30=' } });
  });

  it('says what is wrong before anything is sent', async () => {
    const mixed = await readImportFiles([file('1.png', 'image/png'), file('a.json', 'application/json')]);
    expect(mixed).toMatchObject({ ok: false, message: expect.stringContaining('one export file at a time') });
    const huge = await readImportFiles([file('big.json', 'application/json', 17 * 1024 * 1024)]);
    expect(huge).toMatchObject({ ok: false, message: expect.stringContaining('big.json is larger than 16 MB') });
    const empty = await readImportFiles([file('empty.2fas', '', [])]);
    expect(empty).toMatchObject({ ok: false, message: expect.stringContaining('empty.2fas is empty') });
    const many = await readImportFiles(Array.from({ length: 51 }, (_, i) => file(`${i}.png`, 'image/png')));
    expect(many).toMatchObject({ ok: false, message: expect.stringContaining('at most 50') });
    expect(await readImportFiles([])).toMatchObject({ ok: false });
  });
});
