/**
 * Applies the desktop settings (quick-search shortcut, start at login, close to tray) through the
 * DesktopIntegration port, and remembers what the OS refused so the settings form can show it at
 * the field. A shortcut the user has just typed and the OS refuses is an input error: it is not
 * saved and the previous one stays registered. A refusal with no form to answer (at start-up, or a
 * login item the system did not take) is kept as a problem until a later attempt succeeds.
 */
import type { DesktopProblems, Settings } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { DesktopIntegration, DesktopResult } from '../ports';

/** The settings that main applies to the desktop. */
export type DesktopSettings = Pick<Settings, 'quickSearchShortcut' | 'startAtLogin' | 'closeToTray'>;

const problemOf = (result: DesktopResult): string | null => (result.ok ? null : result.message);
const nothing = (): void => {};

/** The desktop side of settings; with no port (the CLI) it does nothing and reports no problem. */
export class DesktopSettingsApplier {
  private problems: DesktopProblems = { quickSearchShortcut: null, startAtLogin: null };

  constructor(private readonly desktop: DesktopIntegration | undefined) {}

  /** Applies every desktop setting, as at start-up. Refusals are kept, not thrown: no form is waiting for them. */
  applyAll(settings: DesktopSettings): void {
    const desktop = this.desktop;
    if (!desktop) return;
    this.problems = {
      quickSearchShortcut: problemOf(desktop.setQuickSearchShortcut(settings.quickSearchShortcut)),
      startAtLogin: problemOf(desktop.setStartAtLogin(settings.startAtLogin)),
    };
    desktop.setCloseToTray(settings.closeToTray);
  }

  /**
   * Before a save: registers a changed shortcut, throwing INPUT_INVALID at its field when the OS
   * refuses it. An unchanged shortcut that was refused earlier is tried again (the other app may
   * have let go), without failing the save. Returns how to undo the change if the save then fails.
   */
  beforeSave(before: DesktopSettings, after: DesktopSettings): () => void {
    const desktop = this.desktop;
    if (!desktop) return nothing;
    if (after.quickSearchShortcut === before.quickSearchShortcut) {
      if (this.problems.quickSearchShortcut !== null) this.problems.quickSearchShortcut = problemOf(desktop.setQuickSearchShortcut(after.quickSearchShortcut));
      return nothing;
    }
    const result = desktop.setQuickSearchShortcut(after.quickSearchShortcut);
    if (!result.ok) throw new TwofoldError('INPUT_INVALID', result.message, 'quickSearchShortcut');
    const previousProblem = this.problems.quickSearchShortcut;
    this.problems.quickSearchShortcut = null;
    return () => {
      desktop.setQuickSearchShortcut(before.quickSearchShortcut);
      this.problems.quickSearchShortcut = previousProblem;
    };
  }

  /** After a save: start at login and close to tray. A login item the system refuses stays a problem to show. */
  afterSave(before: DesktopSettings, after: DesktopSettings): void {
    const desktop = this.desktop;
    if (!desktop) return;
    if (after.startAtLogin !== before.startAtLogin || this.problems.startAtLogin !== null) {
      this.problems.startAtLogin = problemOf(desktop.setStartAtLogin(after.startAtLogin));
    }
    if (after.closeToTray !== before.closeToTray) desktop.setCloseToTray(after.closeToTray);
  }

  /** What the OS has refused, by setting. */
  current(): DesktopProblems {
    return { ...this.problems };
  }
}
