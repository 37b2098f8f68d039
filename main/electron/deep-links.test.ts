import { EventEmitter } from 'node:events';
import type { App } from 'electron';
import { describe, expect, it } from 'vitest';
import { createLinkHandoff, type HandoffEffect } from '../core/desktop/deep-link';
import { listenForDeepLinks, protocolClientArgs, registerProtocolClients, type LaunchInfo } from './deep-links';

const LINK = 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
const packaged: LaunchInfo = { platform: 'win32', defaultApp: false, execPath: 'C:\\Twofold\\Twofold.exe', argv: ['C:\\Twofold\\Twofold.exe'] };

/** An app stand-in: an EventEmitter, typed as the part of App the adapter uses. */
const fakeApp = (): EventEmitter & Pick<App, 'on' | 'removeListener'> => new EventEmitter() as EventEmitter & Pick<App, 'on' | 'removeListener'>;

/** A running instance: hand-off ready, collecting effects. */
function listening(launch: LaunchInfo) {
  const app = fakeApp();
  const handoff = createLinkHandoff({ now: () => 0 });
  handoff.appReady();
  handoff.windowReady();
  handoff.unlocked();
  const effects: HandoffEffect[] = [];
  const stop = listenForDeepLinks({ app, launch, handoff, onEffects: (e) => effects.push(...e) });
  return { app, effects, stop };
}

const kinds = (effects: HandoffEffect[]): string[] => effects.map((e) => (e.type === 'show-link' ? `show-${e.link.kind}` : e.type));

describe('listenForDeepLinks', () => {
  it('shows the add preview for a link in a second instance’s command line', () => {
    const { app, effects } = listening(packaged);
    app.emit('second-instance', {}, ['C:\\Twofold\\Twofold.exe', '--original-process-start-time=1', LINK], 'C:\\', null);
    expect(kinds(effects)).toEqual(['focus-window', 'show-add']);
  });

  it('only brings the window up for a second start without a link', () => {
    const { app, effects } = listening(packaged);
    app.emit('second-instance', {}, ['C:\\Twofold\\Twofold.exe'], 'C:\\', null);
    expect(kinds(effects)).toEqual(['focus-window']);
  });

  it('takes a macOS open-url link and marks the event handled', () => {
    const { app, effects } = listening({ ...packaged, platform: 'darwin' });
    let prevented = false;
    app.emit('open-url', { preventDefault: () => (prevented = true) }, LINK);
    expect(prevented).toBe(true);
    expect(kinds(effects)).toEqual(['focus-window', 'show-add']);
  });

  it('takes the link this instance was started with', () => {
    const { effects } = listening({ ...packaged, argv: [...packaged.argv, LINK] });
    expect(kinds(effects)).toEqual(['focus-window', 'show-add']);
  });

  it('stops listening', () => {
    const { app, stop } = listening(packaged);
    stop();
    expect(app.listenerCount('open-url') + app.listenerCount('second-instance')).toBe(0);
  });
});

describe('registerProtocolClients', () => {
  it('registers both schemes for the packaged app', () => {
    const calls: unknown[][] = [];
    const refused = registerProtocolClients({ setAsDefaultProtocolClient: (...args: unknown[]) => (calls.push(args), true) } as Pick<App, 'setAsDefaultProtocolClient'>, packaged);
    expect(refused).toEqual([]);
    expect(calls).toEqual([['otpauth'], ['twofold']]);
  });

  it('passes the app path in development, where the executable is Electron itself', () => {
    const dev: LaunchInfo = { platform: 'linux', defaultApp: true, execPath: '/x/electron', argv: ['/x/electron', '/repo'] };
    expect(protocolClientArgs(dev)).toEqual({ path: '/x/electron', args: ['/repo'] });
  });

  it('reports the schemes the OS refused', () => {
    const refused = registerProtocolClients({ setAsDefaultProtocolClient: (scheme: string) => scheme !== 'otpauth' } as Pick<App, 'setAsDefaultProtocolClient'>, packaged);
    expect(refused).toEqual(['otpauth']);
  });
});
