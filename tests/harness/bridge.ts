/**
 * The end-to-end test bridge. It serves the built renderer (dist/renderer) from 127.0.0.1, opens it
 * in Debian's Chromium through playwright-core, and gives the page the same `window.twofold` the
 * preload gives it in Electron, backed by the REAL core running in this test process.
 *
 * The bridge replaces only what Electron provides: IPC (Playwright bindings), the clock (a manual
 * clock so tests move time), the clipboard (an in-memory port the test reads), the keychain
 * (unavailable, as on a Linux machine with no secret store, unless a test passes one), and, when a
 * test passes them, the screen capture and the native file dialogs (tempDirDialogs answers those
 * with paths in a temp folder).
 *
 * Usage:
 *   const browser = await launchChromium();
 *   const tf = await openTwofold(browser);           // fresh temp vault dir
 *   await tf.page.getByLabel('Passphrase').fill(...) // drive the real UI
 *   tf.advance(30_000);                              // move the clock and run the core's tick
 *   tf.clipboard.text                                // what main put on the clipboard
 *   await tf.close(); await browser.close();
 */
import { buildSync } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventChannel, events, listCalls, type EventName, type EventPayload } from '../../common/api-contract';
import { createCore, type Core, type CoreDeps } from '../../main/core/core';
import {
  unavailableKeychain,
  type Clipboard,
  type Clock,
  type FileDialogs,
  type FileFilter,
  type Keychain,
  type ScreenCapture,
} from '../../main/core/ports';
import { createMemorySettingsStore } from '../../main/core/settings-file';
import { loadAppResource } from '../../main/electron/app-request';
import { bindingName, EMIT_FUNCTION } from './bridge-names';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = resolve(here, '..', '..');
/** Where `npm run build` puts the renderer. */
export const rendererDir = join(repoRoot, 'dist', 'renderer');

/** Chromium flags for this closed-network machine (see README). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches Debian's Chromium (or CHROMIUM_PATH) headless. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Install it with: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * A clock that runs with real time, plus whatever the test has added. Push tests need it: the
 * identity provider checks the device's signed timestamps against its own (real) clock.
 */
export class RunningClock extends ManualClock {
  private offset = 0;
  constructor() {
    super(0);
  }
  override now(): number {
    return Date.now() + this.offset;
  }
  override set(ms: number): void {
    this.offset = ms - Date.now();
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}

/** The clipboard as main sees it, held in memory so the test can read it. */
export class MemoryClipboard implements Clipboard {
  text = '';
  image: Uint8Array | null = null;
  readText(): string {
    return this.text;
  }
  writeText(text: string): void {
    this.text = text;
  }
  readImagePng(): Uint8Array | null {
    return this.image;
  }
}

/** File dialogs answered without a person: what tempDirDialogs gives, and what it was asked. */
export interface TempDirDialogs extends FileDialogs {
  /** The folder save dialogs put files in. */
  readonly dir: string;
  /** What folder dialogs answer; null answers like a cancelled dialog. Tests may change it. */
  folder: string | null;
  /** Every path a save dialog gave, in order. */
  readonly savedPaths: string[];
  /** The suggested names and filters save dialogs were opened with, in order. */
  readonly saveRequests: { suggestedName: string; filters: FileFilter[] }[];
  /** The titles of the folder dialogs opened, in order. */
  readonly folderRequests: string[];
}

/**
 * File dialogs for tests: a save dialog answers with the suggested name inside `dir` (numbered if
 * that file exists, as a person would pick a new name), a folder dialog answers with `folder`.
 */
export function tempDirDialogs(dir: string, folder: string | null = null): TempDirDialogs {
  const dialogs: TempDirDialogs = {
    dir,
    folder,
    savedPaths: [],
    saveRequests: [],
    folderRequests: [],
    async chooseSavePath(suggestedName, filters) {
      dialogs.saveRequests.push({ suggestedName, filters });
      const dot = suggestedName.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [suggestedName.slice(0, dot), suggestedName.slice(dot)] : [suggestedName, ''];
      let path = join(dir, suggestedName);
      for (let n = 2; existsSync(path) || dialogs.savedPaths.includes(path); n++) path = join(dir, `${stem} (${n})${ext}`);
      dialogs.savedPaths.push(path);
      return path;
    },
    async chooseFolder(title) {
      dialogs.folderRequests.push(title);
      return dialogs.folder;
    },
  };
  return dialogs;
}

/** One running Twofold page with its core. */
export interface TwofoldPage {
  page: Page;
  core: Core;
  clock: ManualClock;
  clipboard: MemoryClipboard;
  vaultDir: string;
  /** Moves the clock forward and runs the core's periodic duties, as main's 1-second timer would. */
  advance(ms: number): void;
  /**
   * Sends the page an event that main itself emits (e.g. `command`, from the menu, the tray or the
   * global shortcut), through the same forwarding path as the core's events. The payload is checked
   * against the contract first. Resolves once the page's listeners ran.
   */
  emitEvent<E extends EventName>(name: E, payload: EventPayload<E>): Promise<void>;
  close(): Promise<void>;
}

/** Options for openTwofold. */
export interface OpenOptions {
  /** Reuse a vault folder (e.g. to reopen the same vault); default: a fresh temp folder removed on close. */
  vaultDir?: string;
  /** Start time of the manual clock, ms since the epoch. Default: now. */
  startTime?: number;
  /** 'running' follows real time (plus advance()); needed when a real server checks timestamps. */
  clock?: 'manual' | 'running';
  /**
   * Extra core dependencies, e.g. shorter push reconnection backoff, cheaper backup keys, a managed
   * policy, an updater, the platform the global shortcut is checked for, the desktop (tests/fixtures/fake-desktop.ts).
   */
  core?: Pick<CoreDeps, 'pushOptions' | 'deviceName' | 'backupKdf' | 'backupTiming' | 'policy' | 'updater' | 'platform' | 'desktop'>;
  keychain?: Keychain;
  /** What "Scan screen" captures; without it the core says screen capture is unavailable. */
  screen?: ScreenCapture;
  /** The native save and folder dialogs (see tempDirDialogs); without them exports and the backup folder are unavailable. */
  dialogs?: FileDialogs;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}

let pageScript: string | undefined;
function bridgePageScript(): string {
  pageScript ??= buildSync({
    entryPoints: [join(here, 'bridge-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  }).outputFiles[0]!.text;
  return pageScript;
}

/** Serves dist/renderer exactly as the app:// protocol handler does, headers included. */
async function serveRenderer(): Promise<{ server: Server; origin: string }> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` first.');
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    loadAppResource(`app://twofold${url.pathname}`, rendererDir, req.method).then(
      (response) => {
        res.writeHead(response.status, response.headers);
        res.end(response.body ?? undefined);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

/** Opens the built renderer in a new page, wired to a fresh real core. */
export async function openTwofold(browser: Browser, options: OpenOptions = {}): Promise<TwofoldPage> {
  const ownDir = !options.vaultDir;
  const vaultDir = options.vaultDir ?? mkdtempSync(join(tmpdir(), 'twofold-e2e-'));
  const clock = options.clock === 'running' ? new RunningClock() : new ManualClock(options.startTime ?? Date.now());
  const clipboard = new MemoryClipboard();
  const core = createCore({
    vaultDir,
    clock,
    clipboard,
    keychain: options.keychain ?? unavailableKeychain('No OS secret store is running on this test machine.'),
    settings: createMemorySettingsStore(),
    screen: options.screen,
    dialogs: options.dialogs,
    ...options.core,
  });
  const { server, origin } = await serveRenderer();
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 900, height: 640 },
  });
  const page = await context.newPage();
  // Envelopes travel as JSON text: Playwright's own value serialiser is far slower than Electron's
  // structured clone for a list of 1,000 accounts, and would distort the renderer's timings.
  await Promise.all(
    listCalls().map(({ channel }) =>
      page.exposeBinding(bindingName(channel), async (_source, input: unknown) => JSON.stringify(await core.dispatch(channel, input))),
    ),
  );
  await page.addInitScript({ content: bridgePageScript() });
  const forward = (name: EventName, payload: unknown): Promise<void> =>
    page.evaluate(
      ([fn, channel, p]) => (window as unknown as Record<string, (c: string, p: unknown) => void>)[fn]!(channel, p),
      [EMIT_FUNCTION, eventChannel(name), payload] as const,
    );
  const unsubscribe = core.onEvent((name, payload) => {
    forward(name, payload).catch(() => {
      // The page may be closing; an event that can't be delivered has no one to inform.
    });
  });
  // main runs the core's duties once a second; so does the bridge.
  const timer = setInterval(() => core.tick(), 250);
  await page.goto(`${origin}/index.html`);
  return {
    page,
    core,
    clock,
    clipboard,
    vaultDir,
    advance(ms) {
      clock.advance(ms);
      core.tick();
    },
    emitEvent(name, payload) {
      return forward(name, events[name].parse(payload));
    },
    async close() {
      clearInterval(timer);
      unsubscribe();
      await context.close();
      await core.close();
      await new Promise((ok) => server.close(ok));
      if (ownDir) rmSync(vaultDir, { recursive: true, force: true });
    },
  };
}
