/**
 * Deep links from the OS, over Electron's app: registers Twofold as the handler of otpauth:// and
 * twofold://, and feeds every link that arrives (macOS 'open-url', Windows/Linux argv of this or a
 * second instance) into the hand-off state machine of core/desktop/deep-link.ts. The adapter performs
 * its effects through `onEffects`. Links are never logged: they carry secrets.
 */
import path from 'node:path';
import type { App } from 'electron';
import { DEEP_LINK_SCHEMES, linkFromArgv, type HandoffEffect, type LinkHandoff } from '../core/desktop/deep-link';

/** How this process was started, as protocol registration needs it. */
export interface LaunchInfo {
  platform: NodeJS.Platform;
  /** process.defaultApp: true when run as `electron .` (development), where the app path must be passed too. */
  defaultApp: boolean;
  execPath: string;
  /** process.argv of this process. */
  argv: readonly string[];
}

/** The arguments to pass to setAsDefaultProtocolClient: none when packaged, the app path in development. */
export function protocolClientArgs(launch: LaunchInfo): { path: string; args: string[] } | null {
  if (!launch.defaultApp) return null;
  const appPath = launch.argv[1];
  // `electron .` with no app path can't be registered: the OS would start a bare Electron.
  return appPath ? { path: launch.execPath, args: [path.resolve(appPath)] } : null;
}

/** Registers Twofold for each deep-link scheme. Returns the schemes the OS refused (none normally). */
export function registerProtocolClients(app: Pick<App, 'setAsDefaultProtocolClient'>, launch: LaunchInfo): string[] {
  const refused: string[] = [];
  const dev = protocolClientArgs(launch);
  if (launch.defaultApp && !dev) return [...DEEP_LINK_SCHEMES];
  for (const scheme of DEEP_LINK_SCHEMES) {
    const ok = dev ? app.setAsDefaultProtocolClient(scheme, dev.path, dev.args) : app.setAsDefaultProtocolClient(scheme);
    if (!ok) refused.push(scheme);
  }
  return refused;
}

/** What listenForDeepLinks needs. */
export interface DeepLinkDeps {
  app: Pick<App, 'on' | 'removeListener'>;
  launch: LaunchInfo;
  handoff: LinkHandoff;
  /** Performs the hand-off's effects (focus the window, show a preview, show a refusal). */
  onEffects: (effects: HandoffEffect[]) => void;
}

/**
 * Listens for links. Call it before the app is ready (macOS delivers a cold-start link through
 * 'open-url' before 'ready'); it also takes a link from this process's own command line. Returns a
 * function that stops listening.
 */
export function listenForDeepLinks(deps: DeepLinkDeps): () => void {
  const { handoff, onEffects, launch } = deps;
  const onOpenUrl = (event: { preventDefault(): void }, url: string): void => {
    // Handled here: without preventDefault macOS treats the link as not opened.
    event.preventDefault();
    onEffects(handoff.receive(url));
  };
  const onSecondInstance = (_event: unknown, argv: string[]): void => {
    const link = linkFromArgv(argv, launch.platform);
    // A second start without a link still means "show me Twofold".
    onEffects(link === null ? handoff.activate() : handoff.receive(link));
  };
  deps.app.on('open-url', onOpenUrl);
  deps.app.on('second-instance', onSecondInstance);
  const own = linkFromArgv(launch.argv, launch.platform);
  if (own !== null) onEffects(handoff.receive(own));
  return () => {
    deps.app.removeListener('open-url', onOpenUrl);
    deps.app.removeListener('second-instance', onSecondInstance);
  };
}
