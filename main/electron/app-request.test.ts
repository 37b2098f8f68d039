import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY, loadAppResource, resolveAppRequest } from './app-request';

let tmp: string;
let root: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-app-request-'));
  root = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Twofold</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'data.bin'), 'x');
  // The secret sits right next to the served folder: a traversal would reach it.
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'TOP-SECRET');
  fs.writeFileSync(path.join(tmp, 'secret.js'), 'TOP-SECRET');
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const text = (body: Uint8Array | null): string => new TextDecoder().decode(body ?? new Uint8Array());

describe('resolveAppRequest', () => {
  it('maps app://twofold/ paths to files inside the renderer folder with their content type', () => {
    expect(resolveAppRequest('app://twofold/index.html', root)).toEqual({
      filePath: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://twofold/assets/index-abc.js', root)).toEqual({
      filePath: path.join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://twofold/assets/app.css?v=1#x', root)).toMatchObject({ contentType: 'text/css; charset=utf-8' });
  });

  it('serves index.html for the bare origin', () => {
    expect(resolveAppRequest('app://twofold/', root)).toMatchObject({ filePath: path.join(root, 'index.html') });
  });

  it.each([
    ['other host', 'app://evil/index.html'],
    ['other scheme', 'file:///etc/passwd'],
    ['https', 'https://twofold/index.html'],
    ['port', 'app://twofold:8080/index.html'],
    ['credentials', 'app://user:pw@twofold/index.html'],
    ['encoded dot-dot with encoded slash', 'app://twofold/%2e%2e%2fsecret.txt'],
    ['dot-dot then encoded slash', 'app://twofold/..%2f..%2fsecret.txt'],
    ['encoded backslash', 'app://twofold/..%5csecret.txt'],
    ['encoded NUL', 'app://twofold/index.html%00.js'],
    ['drive letter', 'app://twofold/C:/Windows/win.ini'],
    ['double slash', 'app://twofold//etc/passwd'],
    ['malformed escape', 'app://twofold/%E0%A4%A'],
    ['unknown file type', 'app://twofold/assets/data.bin'],
    ['not a URL', 'not a url'],
  ])('refuses %s with 404', (_name, url) => {
    expect(resolveAppRequest(url, root)).toEqual({ status: 404 });
  });
});

describe('loadAppResource', () => {
  it('returns the file with the strict CSP and nosniff', async () => {
    const response = await loadAppResource('app://twofold/index.html', root);
    expect(response.status).toBe(200);
    expect(text(response.body)).toContain('<title>Twofold</title>');
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(response.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it.each([
    'app://twofold/../secret.txt',
    'app://twofold/%2e%2e/secret.txt',
    'app://twofold/%2E%2E/secret.js',
    'app://twofold/assets/../../secret.js',
    'app://twofold/%2e%2e%2fsecret.txt',
    'app://other/../secret.txt',
  ])('never reads outside the renderer folder: %s', async (url) => {
    const response = await loadAppResource(url, root);
    expect(response.status).toBe(404);
    expect(text(response.body)).not.toContain('TOP-SECRET');
  });

  it('answers 404 for a missing file and for a folder', async () => {
    expect((await loadAppResource('app://twofold/missing.js', root)).status).toBe(404);
    fs.mkdirSync(path.join(root, 'folder.js'));
    expect((await loadAppResource('app://twofold/folder.js', root)).status).toBe(404);
  });

  it('does not follow a symlink that leads out of the renderer folder', async () => {
    try {
      fs.symlinkSync(path.join(tmp, 'secret.js'), path.join(root, 'assets', 'link.js'));
    } catch {
      return; // Creating symlinks needs a privilege on Windows; the check is then moot.
    }
    const response = await loadAppResource('app://twofold/assets/link.js', root);
    expect(response.status).toBe(404);
    expect(text(response.body)).not.toContain('TOP-SECRET');
  });

  it('refuses methods other than GET and HEAD, and sends no body for HEAD', async () => {
    expect((await loadAppResource('app://twofold/index.html', root, 'POST')).status).toBe(404);
    const head = await loadAppResource('app://twofold/index.html', root, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });
});
