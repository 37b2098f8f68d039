// `npm run audit:electron` (scripts/audit-electron.mjs) on two small built apps: one with a
// dangerous window, which must fail the audit, and one shaped like Twofold, which must pass.
// The real app is audited by `npm test` itself, after the build step.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'audit-electron.mjs');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const safeHtml = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'">
<script type="module" src="./assets/index.js"></script></head><body></body></html>`;

/** Writes a dist/ folder with the given main bundle and a minimal preload and renderer. */
function builtApp(mainBundle: string): string {
  const dist = mkdtempSync(join(tmpdir(), 'twofold-audit-test-'));
  dirs.push(dist);
  for (const folder of ['main', 'preload', 'renderer/assets']) mkdirSync(join(dist, folder), { recursive: true });
  writeFileSync(join(dist, 'main', 'index.cjs'), mainBundle);
  writeFileSync(join(dist, 'preload', 'index.cjs'), "const { contextBridge } = require('electron');\ncontextBridge.exposeInMainWorld('twofold', {});\n");
  writeFileSync(join(dist, 'renderer', 'index.html'), safeHtml);
  writeFileSync(join(dist, 'renderer', 'assets', 'index.js'), "document.body.textContent = 'ok';\n");
  return dist;
}

function audit(dist: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, '--dist', dist], { timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.concurrent('the electronegativity audit', () => {
  it('fails on a window without context isolation or navigation limits, naming the checks and the file', async () => {
    const dist = builtApp(`const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });
  win.loadURL('https://example.com/');
});
`);
    const { code, stdout, stderr } = await audit(dist);
    expect(code).toBe(1);
    expect(stdout).toMatch(/HIGH\s+\w+\s+CONTEXT_ISOLATION_JS_CHECK\s+main\/index\.cjs:3/);
    expect(stdout).toMatch(/HIGH\s+\w+\s+LIMIT_NAVIGATION_GLOBAL_CHECK\s+\(whole app\)/);
    expect(stderr).toMatch(/HIGH severity finding\(s\): .*CONTEXT_ISOLATION_JS_CHECK/);
  });

  it('passes a sandboxed, guarded window, and reads bundles that use class private fields', async () => {
    // The #field makes sure the bundle is lowered and parsed, not skipped: a skipped file fails.
    const dist = builtApp(`const { app, BrowserWindow, session } = require('electron');
class Vault { #key = null; get locked() { return this.#key === null; } }
app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  const win = new BrowserWindow({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, preload: __dirname + '/../preload/index.cjs' } });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.loadURL('app://twofold/index.html');
  console.log(new Vault().locked);
});
`);
    const { code, stdout, stderr } = await audit(dist);
    expect(stderr).not.toMatch(/could not parse/);
    expect(stdout).toContain('no HIGH severity findings');
    expect(code).toBe(0);
  });

  it('says to build first when there is no built app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'twofold-audit-test-'));
    dirs.push(empty);
    const { code, stderr } = await audit(empty);
    expect(code).toBe(2);
    expect(stderr).toContain('Run `npm run build` first');
  });
});
