/**
 * `twofold push ...` over a real vault and the real core, against the fake push server of
 * main/core/push/test-push-server.ts on 127.0.0.1. Most runs are in-process (runCli with injected
 * I/O); `push listen` also runs as a real process and stops on a real SIGINT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../main/cli/twofold';
import { systemClock } from '../../main/core/ports';
import { TestPushServer } from '../../main/core/push/test-push-server';
import { repoRoot } from '../harness/bridge';

const PASSPHRASE = 'a long and fine passphrase';

let dir: string;
let server: TestPushServer;
let deviceId: string;

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function twofold(args: string[], extra: Partial<CliIo> = {}, onOut?: (line: string) => void, onErr?: (line: string) => void): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--vault', dir], {
    out: (line) => {
      out.push(line);
      onOut?.(line);
    },
    err: (line) => {
      err.push(line);
      onErr?.(line);
    },
    env: { TWOFOLD_PASSPHRASE: PASSPHRASE },
    askPassphrase: () => Promise.reject(new Error('no prompt in tests')),
    ...extra,
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-push-cli-'));
  server = await TestPushServer.start({ clock: systemClock });
  const init = await twofold(['init']);
  expect(init.code).toBe(0);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('twofold push', () => {
  it('refuses a bad enrollment link, naming what is wrong', async () => {
    const run = await twofold(['push', 'enroll', 'twofold://enroll?v=1&server=http%3A%2F%2Fidp.example.com']);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain('The server address must use https');
    expect(server.devices.size).toBe(0);
  });

  it('enrolls from a link', async () => {
    const run = await twofold(['push', 'enroll', server.enrollmentUri()]);
    expect(run.err).toEqual([]);
    expect(run.out).toEqual([`Enrolled for push sign-in: Example (alice@example.com) at ${server.origin}`]);
    expect(run.code).toBe(0);
    expect(server.devices.size).toBe(1);
    deviceId = [...server.devices.keys()][0]!;
  });

  it('lists pending requests, one line each, fetched by the poll', async () => {
    const empty = await twofold(['push', 'pending']);
    expect(empty).toEqual({ code: 0, out: [], err: ['No sign-in requests are waiting.'] });
    const { jws, claims } = await server.signRequest(deviceId);
    server.queue(deviceId, jws);
    const run = await twofold(['push', 'pending']);
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const columns = run.out[0]!.split('\t');
    expect(columns.slice(0, 6)).toEqual([claims.jti, 'Example:alice@example.com', 'Example Mail', 'Firefox 140 on Linux', '203.0.113.7', 'Lyon, France']);
    expect(columns[6]).toMatch(/^expires in (5\d|60)s$/);
    server.unqueue(deviceId, claims.jti);
  });

  it('approves with the number, by id prefix', async () => {
    const { jws, claims } = await server.signRequest(deviceId);
    server.queue(deviceId, jws);
    const missing = await twofold(['push', 'approve', claims.jti]);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toContain('asks for the number shown on the sign-in page');
    const badNumber = await twofold(['push', 'approve', claims.jti, '--number', 'forty']);
    expect(badNumber.code).toBe(2);
    expect(server.decisions).toEqual([]);

    const run = await twofold(['push', 'approve', claims.jti.slice(0, 6), '--number', '42']);
    expect(run.err).toEqual([]);
    expect(run.out).toEqual(['Approved the sign-in to Example:alice@example.com.']);
    expect(run.code).toBe(0);
    expect(server.decisions.at(-1)).toMatchObject({ decision: 'approve', number: 42, requestId: claims.jti, sub: deviceId });
    // It is gone, and the vault remembers it was answered.
    expect((await twofold(['push', 'pending'])).out).toEqual([]);
    const again = await twofold(['push', 'approve', claims.jti, '--number', '42']);
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toContain('is waiting');
  });

  it('says so when the number is wrong', async () => {
    const { jws, claims } = await server.signRequest(deviceId);
    server.queue(deviceId, jws);
    server.decisionReply = () => ({ status: 400, body: { error: 'wrong_number', message: 'Wrong number.' } });
    try {
      const run = await twofold(['push', 'approve', claims.jti, '--number', '7']);
      expect(run.code).toBe(1);
      expect(run.err).toEqual(["twofold: That number doesn't match the one on the sign-in page."]);
    } finally {
      server.decisionReply = (c) => ({ status: 200, body: { v: 1, status: c.decision === 'approve' ? 'approved' : 'denied' } });
    }
    expect((await twofold(['push', 'pending'])).out).toHaveLength(1);
    server.unqueue(deviceId, claims.jti);
  });

  it('denies, and reports "not me"', async () => {
    const first = await server.signRequest(deviceId);
    const second = await server.signRequest(deviceId);
    server.queue(deviceId, first.jws);
    server.queue(deviceId, second.jws);
    const denied = await twofold(['push', 'deny', first.claims.jti]);
    expect(denied.out).toEqual(['Denied the sign-in to Example:alice@example.com.']);
    const fraud = await twofold(['push', 'deny', second.claims.jti, '--not-me']);
    expect(fraud.out).toEqual(['Denied the sign-in to Example:alice@example.com and reported it as not you.']);
    expect(server.decisions.slice(-2).map((d) => d.decision === 'deny' && d.reason)).toEqual(['cancelled', 'not-me']);
  });

  it('refuses misuse with the help text', async () => {
    for (const args of [['push'], ['push', 'frobnicate'], ['push', 'deny'], ['push', 'pending', '--not-me'], ['push', 'listen', 'extra']]) {
      const run = await twofold(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err.join('\n')).toContain('push approve <id> --number NN');
    }
  });

  it('listens: prints waiting and arriving requests until interrupted', async () => {
    const waiting = await server.signRequest(deviceId);
    server.queue(deviceId, waiting.jws);
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const lines: string[] = [];
    let arrived!: () => void;
    const second = new Promise<void>((resolve) => (arrived = resolve));
    const done = twofold(
      ['push', 'listen'],
      { untilInterrupted: () => interrupted },
      (line) => {
        lines.push(line);
        if (lines.length === 2) arrived();
      },
      (line) => line.startsWith('Listening') && listening(),
    );
    await ready;
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${waiting.claims.jti}\t`)).toBe(true);
    const fresh = await server.signRequest(deviceId, { context: { application: 'Wiki', browser: 'Chromium', os: 'macOS', ip: '198.51.100.4', location: 'Oslo, Norway' } });
    expect(server.send(deviceId, { type: 'request', jws: fresh.jws })).toBe(true);
    await second;
    expect(lines[1]!.split('\t').slice(0, 6)).toEqual([fresh.claims.jti, 'Example:alice@example.com', 'Wiki', 'Chromium on macOS', '198.51.100.4', 'Oslo, Norway']);
    interrupt();
    expect((await done).code).toBe(0);
    server.unqueue(deviceId, waiting.claims.jti);
  });

  it('listen runs as a process and stops on SIGINT', async () => {
    // `node -e` leaves no script path in argv; main() reads argv from index 2, as under bin/twofold.cjs.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "process.argv.splice(1, 0, 'twofold'); import('./main/cli/twofold.ts').then((m) => m.main())", 'push', 'listen', '--vault', dir], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], TWOFOLD_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const listening = new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Listening for sign-in requests')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await listening;
    const request = await server.signRequest(deviceId);
    const printed = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes(request.claims.jti) && resolve()));
    server.send(deviceId, { type: 'request', jws: request.jws });
    await printed;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toContain(`${request.claims.jti}\tExample:alice@example.com\tExample Mail`);
  });
});
