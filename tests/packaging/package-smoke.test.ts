// electron-builder itself, run with electron-builder.yml and the hooks, on a small project and a
// stand-in Electron distribution (the real binary cannot be downloaded here): it must load the
// configuration, package the app, run afterPack, and leave the fuses flipped in the binary it would
// sign. Only the Linux "dir" target is built, which needs no extra tools.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project with Twofold's packaging files, a tiny built app, and a fake Electron to package it with. */
function project(): { dir: string; electronDist: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-package-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'twofold', productName: 'Twofold', version: '1.2.0', main: 'dist/main/index.cjs' }));
  for (const folder of ['main', 'preload', 'renderer']) mkdirSync(join(dir, 'dist', folder), { recursive: true });
  writeFileSync(join(dir, 'dist', 'main', 'index.cjs'), "require('electron');\n");
  writeFileSync(join(dir, 'dist', 'main', 'index.cjs.map'), '{}');
  writeFileSync(join(dir, 'dist', 'preload', 'index.cjs'), '\n');
  writeFileSync(join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html>\n');
  cpSync(join(root, 'electron-builder.yml'), join(dir, 'electron-builder.yml'));
  cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
  for (const hook of ['after-pack.cjs', 'notarize.cjs']) cpSync(join(root, 'scripts', hook), join(dir, 'scripts', hook));
  // The hooks require @electron/fuses and electron-builder from the project, as in the real one.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');

  // Electron's unpacked layout, with a binary that holds a real fuse wire at Electron's defaults.
  const electronDist = join(dir, 'electron-dist');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011')]);
  writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.from('\x7fELF stand-in '), wire]));
  chmodSync(join(electronDist, 'electron'), 0o755);
  for (const file of ['LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(electronDist, file), '');
  writeFileSync(join(electronDist, 'version'), '38.8.6');
  return { dir, electronDist };
}

function electronBuilder(dir: string, electronDist: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  const args = [cli, '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.electronVersion=38.8.6'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe.concurrent('packaging with electron-builder', () => {
  it('packages the app and flips the fuses in the binary it would sign', async () => {
    const { dir, electronDist } = project();
    const { code, output } = await electronBuilder(dir, electronDist, { ...process.env, TWOFOLD_UPDATE_URL: 'https://updates.example.com/twofold' });
    expect(output).toContain('after-pack: flipping Electron fuses');
    expect(code).toBe(0);

    const unpacked = join(dir, 'release', 'linux-unpacked');
    const binary = readFileSync(join(unpacked, 'twofold'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length + 2;
    // RunAsNode 0, cookies 1, NODE_OPTIONS 0, inspect 0, integrity 0 (Linux), only-asar 1,
    // V8 snapshot 0, file:// privileges 0, WASM trap handlers as Electron ships them (1).
    expect(binary.subarray(at, at + 9).toString('latin1')).toBe('010001001');

    // The asar header is JSON naming every file: the built bundles, no source maps, no node_modules.
    const asar = readFileSync(join(unpacked, 'resources', 'app.asar')).toString('latin1');
    expect(asar).toContain('"index.cjs"');
    expect(asar).toContain('"index.html"');
    expect(asar).not.toContain('"index.cjs.map"');
    expect(asar).not.toContain('"node_modules"');
    expect(existsSync(join(unpacked, 'resources', 'app'))).toBe(false);
    expect(readFileSync(join(unpacked, 'resources', 'app-update.yml'), 'utf8')).toMatch(/provider: generic\s+url: https:\/\/updates\.example\.com\/twofold/);
  });

  it('refuses to build without an update feed address, naming the variable', async () => {
    const { dir, electronDist } = project();
    const env = { ...process.env };
    delete env['TWOFOLD_UPDATE_URL'];
    const { code, output } = await electronBuilder(dir, electronDist, env);
    expect(code).not.toBe(0);
    expect(output).toContain('env TWOFOLD_UPDATE_URL is not defined');
  });
});
