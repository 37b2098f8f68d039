import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startIdp } from './app';

let parent: string;
afterEach(() => rmSync(parent, { recursive: true, force: true }));

describe('startIdp', () => {
  it('creates a missing data folder owner-only on first start and keeps its key across restarts', async () => {
    parent = mkdtempSync(join(tmpdir(), 'twofold-idp-'));
    const dataDir = join(parent, 'not', 'there', 'yet');
    const first = await startIdp({ dataDir, port: 0 });
    const fingerprint = first.ctx.serverKey.thumbprint;
    const page = await fetch(`${first.origin}/signin`);
    expect(page.status).toBe(200);
    await first.close();
    expect(existsSync(join(dataDir, 'idp.sqlite'))).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const second = await startIdp({ dataDir, port: 0 });
    expect(second.ctx.serverKey.thumbprint).toBe(fingerprint);
    await second.close();
  });
});
