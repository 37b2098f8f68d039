/**
 * The account book: the decrypted list of OTP accounts held in memory while the vault is unlocked.
 * The vault persists `list()`; the API reads views and codes, which never carry the secret.
 */
import { z } from 'zod';
import {
  AlgorithmSchema,
  ColorSchema,
  OtpTypeSchema,
  type AccountView,
  type AddResult,
  type CodeView,
  type OnDuplicate,
} from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { normalizeIssuer, normalizeLabel, validateOtpParams, type OtpParams } from '../../common/otpauth-uri';
import { hotpCode, totpCounter, totpNow } from './otp';

/** An account as the vault stores it: the OTP parameters plus the user's presentation choices. */
export interface StoredAccount extends OtpParams {
  id: string;
  color: string | null;
  icon: string | null;
  pinned: boolean;
}

/** What remove() hands back so that restore() can undo it. */
export interface RemovedAccount {
  account: StoredAccount;
  index: number;
}

/** The fields update() may change. `undefined` leaves a field as it is; `color: null` clears it. */
export interface AccountPatch {
  issuer?: string | undefined;
  label?: string | undefined;
  color?: string | null | undefined;
  pinned?: boolean | undefined;
}

/** Options of add(): what to do with a duplicate, and the presentation of the new account. */
export interface AddOptions {
  onDuplicate: OnDuplicate;
  color?: string | null | undefined;
  icon?: string | null | undefined;
}

/** Seconds before a TOTP step ends during which the next code is shown too. */
export const NEXT_CODE_SECONDS = 5;

/**
 * A StoredAccount as read back from the decrypted vault payload. Beyond the shape, the OTP fields
 * must pass the rules new accounts pass; the output is in canonical form (trimmed names, canonical
 * secret), so a payload written by an older, looser version still loads.
 */
export const StoredAccountSchema = z
  .object({
    id: z.string().min(1).max(64),
    type: OtpTypeSchema,
    issuer: z.string().max(1000),
    label: z.string().max(1000),
    secret: z.string().max(4096),
    algorithm: AlgorithmSchema,
    digits: z.number(),
    period: z.number(),
    counter: z.number(),
    color: ColorSchema.nullable(),
    icon: z.string().max(4096).nullable(),
    pinned: z.boolean(),
  })
  .transform((a, ctx): StoredAccount => {
    try {
      return { ...a, ...validateOtpParams(a) };
    } catch (e) {
      // validateOtpParams' messages never contain the secret, so they are safe to pass on.
      const field = e instanceof TwofoldError && e.field !== undefined ? e.field : 'secret';
      ctx.addIssue({ code: 'custom', path: [field], message: e instanceof Error ? e.message : 'Invalid account' });
      return z.NEVER;
    }
  });

/** Lowercases and strips diacritics, so "ecole" finds "École". */
function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function notFound(): never {
  throw new TwofoldError('ACCOUNT_NOT_FOUND', 'This account no longer exists. It may have been removed; refresh the list.');
}

/** The in-memory list of accounts, in the user's order, with the operations the API offers. */
export class AccountBook {
  private accounts: StoredAccount[];
  private readonly newId: () => string;

  /** Takes ownership of a copy of `accounts` (already validated with StoredAccountSchema). */
  constructor(accounts: StoredAccount[], deps: { newId: () => string }) {
    this.accounts = accounts.map((a) => ({ ...a }));
    this.newId = deps.newId;
  }

  /** Every account, with its secret, in stored order: what the vault saves. */
  list(): StoredAccount[] {
    return this.accounts.map((a) => ({ ...a }));
  }

  /**
   * The accounts as the renderer sees them: pinned first, then stored order. A query keeps the
   * accounts whose issuer or name contains every word of it (case and accents ignored).
   */
  view(query = ''): AccountView[] {
    const words = searchKey(query).split(/\s+/).filter((w) => w !== '');
    const matches = (a: StoredAccount): boolean => {
      if (words.length === 0) return true;
      const issuer = searchKey(a.issuer);
      const label = searchKey(a.label);
      return words.every((w) => issuer.includes(w) || label.includes(w));
    };
    const found = this.accounts.filter(matches);
    return [...found.filter((a) => a.pinned), ...found.filter((a) => !a.pinned)].map((a) => this.toView(a));
  }

  /** One account, with its secret. Throws ACCOUNT_NOT_FOUND. */
  get(id: string): StoredAccount {
    return { ...this.find(id) };
  }

  /** The first account with the same issuer and name (trimmed, case ignored) and the same secret. */
  findDuplicate(p: OtpParams): StoredAccount | undefined {
    const found = this.accounts.find(
      (a) => a.secret === p.secret && sameName(a.issuer, p.issuer) && sameName(a.label, p.label),
    );
    return found === undefined ? undefined : { ...found };
  }

  /**
   * Adds an account (`p` already validated). For a duplicate, `onDuplicate` decides: 'ask' reports
   * it, 'skip' leaves the book as is, 'replace' swaps the OTP fields of the existing account in
   * place (same id, position and pin), 'add-anyway' adds a second account.
   */
  add(p: OtpParams, opts: AddOptions): AddResult {
    const existing = this.accounts.findIndex(
      (a) => a.secret === p.secret && sameName(a.issuer, p.issuer) && sameName(a.label, p.label),
    );
    const old = this.accounts[existing];
    if (old !== undefined) {
      if (opts.onDuplicate === 'ask') return { status: 'duplicate', existing: this.toView(old) };
      if (opts.onDuplicate === 'skip') return { status: 'skipped', existing: this.toView(old) };
      if (opts.onDuplicate === 'replace') {
        const replaced: StoredAccount = {
          ...otpFields(p),
          id: old.id,
          color: opts.color !== undefined ? opts.color : old.color,
          icon: opts.icon !== undefined ? opts.icon : old.icon,
          pinned: old.pinned,
        };
        this.accounts[existing] = replaced;
        return { status: 'replaced', account: this.toView(replaced) };
      }
    }
    const added: StoredAccount = {
      ...otpFields(p),
      id: this.unusedId(),
      color: opts.color ?? null,
      icon: opts.icon ?? null,
      pinned: false,
    };
    this.accounts.push(added);
    return { status: 'added', account: this.toView(added) };
  }

  /** Renames, recolours or (un)pins an account. Throws ACCOUNT_NOT_FOUND or ACCOUNT_INVALID. */
  update(id: string, patch: AccountPatch): AccountView {
    const index = this.indexOf(id);
    const current = this.accounts[index] as StoredAccount;
    if (patch.color !== undefined && patch.color !== null && !ColorSchema.safeParse(patch.color).success) {
      throw new TwofoldError('ACCOUNT_INVALID', 'The colour must look like #3366ff.', 'color');
    }
    const next: StoredAccount = {
      ...current,
      issuer: patch.issuer !== undefined ? normalizeIssuer(patch.issuer) : current.issuer,
      label: patch.label !== undefined ? normalizeLabel(patch.label) : current.label,
      color: patch.color !== undefined ? patch.color : current.color,
      pinned: patch.pinned ?? current.pinned,
    };
    this.accounts[index] = next;
    return this.toView(next);
  }

  /** Removes an account and says where it was, for restore(). Throws ACCOUNT_NOT_FOUND. */
  remove(id: string): RemovedAccount {
    const index = this.indexOf(id);
    const [account] = this.accounts.splice(index, 1);
    return { account: { ...(account as StoredAccount) }, index };
  }

  /** Puts a removed account back at its old position (or the end, if the list got shorter). */
  restore(removed: RemovedAccount): AccountView {
    if (this.accounts.some((a) => a.id === removed.account.id)) {
      throw new TwofoldError('INPUT_INVALID', 'This account is already back in the list.');
    }
    const index = Math.min(Math.max(0, Math.trunc(removed.index)), this.accounts.length);
    const account = { ...removed.account };
    this.accounts.splice(index, 0, account);
    return this.toView(account);
  }

  /** Sets the stored order. `ids` must list every account exactly once; else INPUT_INVALID. */
  reorder(ids: string[]): void {
    const byId = new Map(this.accounts.map((a) => [a.id, a]));
    const seen = new Set<string>();
    for (const id of ids) {
      if (!byId.has(id)) {
        throw new TwofoldError('INPUT_INVALID', 'The new order names an account that does not exist. Refresh the list and try again.', 'ids');
      }
      if (seen.has(id)) {
        throw new TwofoldError('INPUT_INVALID', 'The new order lists the same account twice. Refresh the list and try again.', 'ids');
      }
      seen.add(id);
    }
    const missing = this.accounts.length - seen.size;
    if (missing > 0) {
      throw new TwofoldError(
        'INPUT_INVALID',
        `The new order leaves out ${missing} account${missing === 1 ? '' : 's'}. Refresh the list and try again.`,
        'ids',
      );
    }
    this.accounts = ids.map((id) => byId.get(id) as StoredAccount);
  }

  /**
   * The codes of the given accounts at `timeMs` (unknown ids are skipped). TOTP codes carry the
   * next code only during the last 5 seconds of their period; HOTP codes are for the stored counter.
   */
  codes(ids: string[], timeMs: number): CodeView[] {
    const byId = new Map(this.accounts.map((a) => [a.id, a]));
    const out: CodeView[] = [];
    for (const id of ids) {
      const a = byId.get(id);
      if (a !== undefined) out.push(this.codeOf(a, timeMs));
    }
    return out;
  }

  /** Advances an HOTP account's counter by one and returns the new counter's code. */
  nextHotp(id: string): CodeView {
    const index = this.indexOf(id);
    const current = this.accounts[index] as StoredAccount;
    if (current.type !== 'hotp') {
      throw new TwofoldError('INPUT_INVALID', 'Only counter-based (HOTP) accounts have a next code; this account is time-based.');
    }
    if (current.counter >= Number.MAX_SAFE_INTEGER) {
      throw new TwofoldError('ACCOUNT_INVALID', 'This account’s counter cannot go any higher. Set the account up again with the service.', 'counter');
    }
    const next = { ...current, counter: current.counter + 1 };
    this.accounts[index] = next;
    return this.codeOf(next, 0);
  }

  /** The renderer's view of an account: everything but the secret. */
  toView(a: StoredAccount): AccountView {
    return {
      id: a.id,
      type: a.type,
      issuer: a.issuer,
      label: a.label,
      algorithm: a.algorithm,
      digits: a.digits,
      period: a.period,
      counter: a.counter,
      color: a.color,
      icon: a.icon,
      pinned: a.pinned,
    };
  }

  private codeOf(a: StoredAccount, timeMs: number): CodeView {
    if (a.type === 'hotp') {
      return { id: a.id, code: hotpCode(a, a.counter), nextCode: null, secondsLeft: null, period: null, counter: a.counter };
    }
    // Only compute the second HMAC when it will be shown: this runs for every account every second.
    const now = totpNow(a, timeMs);
    if (now.secondsLeft > NEXT_CODE_SECONDS) {
      return { id: a.id, code: now.code, nextCode: null, secondsLeft: now.secondsLeft, period: a.period, counter: null };
    }
    // RFC 6238: a TOTP code is the HOTP code of the time step, so the next code is the next step's.
    const nextCode = hotpCode(a, totpCounter(a, timeMs) + 1);
    return { id: a.id, code: now.code, nextCode, secondsLeft: now.secondsLeft, period: a.period, counter: null };
  }

  private find(id: string): StoredAccount {
    return this.accounts[this.indexOf(id)] as StoredAccount;
  }

  private indexOf(id: string): number {
    const index = this.accounts.findIndex((a) => a.id === id);
    if (index < 0) notFound();
    return index;
  }

  private unusedId(): string {
    // An id generator is random in practice; the check makes a collision impossible, not just unlikely.
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = this.newId();
      if (!this.accounts.some((a) => a.id === id)) return id;
    }
    throw new TwofoldError('INTERNAL', 'Could not pick a new account id. Try again.');
  }
}

/** The OTP fields of an account and nothing else, copied field by field. */
export function otpFields(p: OtpParams): OtpParams {
  return {
    type: p.type,
    issuer: p.issuer,
    label: p.label,
    secret: p.secret,
    algorithm: p.algorithm,
    digits: p.digits,
    period: p.period,
    counter: p.counter,
  };
}

/**
 * A StoredAccount from OTP parameters and presentation choices. Built field by field, not by
 * object spread: V8 keeps such objects in its fast representation, and the account list is
 * scanned on every tick and search.
 */
export function storedAccount(p: OtpParams, extra: { id: string; color: string | null; icon: string | null; pinned: boolean }): StoredAccount {
  return {
    id: extra.id,
    type: p.type,
    issuer: p.issuer,
    label: p.label,
    secret: p.secret,
    algorithm: p.algorithm,
    digits: p.digits,
    period: p.period,
    counter: p.counter,
    color: extra.color,
    icon: extra.icon,
    pinned: extra.pinned,
  };
}
