/**
 * The `twofold` command line: the same core and the same vault file as the app, for terminal
 * users and scripts.
 *
 *   twofold init                 create a vault protected by a passphrase
 *   twofold add <otpauth-uri>    add an account
 *   twofold list                 list accounts (issuer, label, type)
 *   twofold code <query>         print the current code of the one account matching <query>
 *   twofold push <subcommand>    push sign-in: enroll, pending, approve, deny, listen (push-commands.ts)
 *   twofold import <file|link>   preview and add accounts from another app (import-export-commands.ts)
 *   twofold export --format F    encrypted backup, otpauth links or migration QR codes (import-export-commands.ts)
 *   --vault <dir>                vault folder (default: the app's own)
 *
 * The vault passphrase comes from TWOFOLD_PASSPHRASE or a hidden prompt on the terminal.
 */
import { parseArgs } from 'node:util';
import { homedir, hostname } from 'node:os';
import { TwofoldError } from '../../common/errors';
import type { AccountView } from '../../common/api-contract';
import { createCore, type Core } from '../core/core';
import { unavailableKeychain, systemClock, type Clipboard } from '../core/ports';
import { createFileSettingsStore } from '../core/settings-file';
import { defaultVaultDir } from '../core/vault-location';
import { readPassphrase } from './passphrase-prompt';
import { PUSH_USAGE, PushUsageError, runPushCommand } from './push-commands';
import {
  IMPORT_EXPORT_OPTIONS_USAGE,
  IMPORT_EXPORT_OPTION_NAMES,
  IMPORT_EXPORT_USAGE,
  ImportExportUsageError,
  askYesNo,
  createCliFileDialogs,
  readAllStdin,
  runExportCommand,
  runImportCommand,
  type ImportExportContext,
} from './import-export-commands';

const USAGE = `Usage: twofold <command> [options]

Commands:
  init                  Create a new vault protected by a passphrase
  add <otpauth-uri>     Add an account from an otpauth:// URI
  list                  List accounts
  code <query>          Print the current code of the account matching <query>
                        (issuer or label; use "Issuer:label" when several match)
${PUSH_USAGE}
${IMPORT_EXPORT_USAGE}

Options:
  --vault <dir>         Vault folder (default: ${defaultVaultDir(process.platform, process.env, homedir())})
  --next                With code: advance an HOTP counter and print the new code
  --number NN           With push approve: the number shown on the sign-in page
  --not-me              With push deny: report the sign-in as an attempt that wasn't you
${IMPORT_EXPORT_OPTIONS_USAGE}
  -h, --help            Show this help

The vault's passphrase is read from TWOFOLD_PASSPHRASE, or asked for on the terminal.
An encrypted import file's passphrase is read from TWOFOLD_IMPORT_PASSPHRASE, and a new
backup's from TWOFOLD_EXPORT_PASSPHRASE (or the variable --passphrase-env names), or asked for.`;

/** The CLI's I/O, injected so tests can run it in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  askPassphrase(prompt: string): Promise<string>;
  /** Resolves when the user interrupts (Ctrl+C); ends `push listen`. Defaults to SIGINT. */
  untilInterrupted?(): Promise<void>;
  /** Asks a y/N question; absent when there is no terminal (scripts, pipes), where only --yes confirms. */
  confirm?(question: string): Promise<boolean>;
  /** Reads all of stdin, for `twofold import -`. */
  readStdin?(): Promise<Uint8Array>;
}

// The CLI never copies anything; a clipboard that refuses makes that explicit.
const noClipboard: Clipboard = {
  readText: () => '',
  writeText: () => {
    throw new TwofoldError('INPUT_INVALID', 'The command line does not use the clipboard.');
  },
  readImagePng: () => null,
};

/** Runs one CLI invocation and returns its exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        vault: { type: 'string' },
        next: { type: 'boolean' },
        number: { type: 'string' },
        'not-me': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        'passphrase-env': { type: 'string' },
        duplicates: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`twofold: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    (command ? io.out : io.err)(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (command !== 'import' && command !== 'export') {
    const misplaced = IMPORT_EXPORT_OPTION_NAMES.find((name) => parsed.values[name] !== undefined);
    if (misplaced) return usage(io, `--${misplaced} applies only to import and export.`);
  }
  const vaultDir = parsed.values.vault ?? defaultVaultDir(process.platform, io.env, homedir());
  const core = createCore({
    vaultDir,
    clock: systemClock,
    clipboard: noClipboard,
    keychain: unavailableKeychain('The command line cannot use the OS keychain.'),
    settings: createFileSettingsStore(vaultDir),
    deviceName: `Twofold command line on ${hostname()}`,
    // Exports go through the core's save-dialog port, which here answers with --out.
    dialogs: createCliFileDialogs(parsed.values.out),
  });
  const importExport = (): ImportExportContext => ({
    core,
    out: io.out,
    err: io.err,
    env: io.env,
    unlock: () => unlock(core, io, vaultDir),
    askPassphrase: (prompt) => io.askPassphrase(prompt),
    confirm: io.confirm ? (question) => io.confirm!(question) : undefined,
    readStdin: io.readStdin ? () => io.readStdin!() : undefined,
  });
  const importExportOptions = {
    yes: parsed.values.yes,
    passphraseEnv: parsed.values['passphrase-env'],
    duplicates: parsed.values.duplicates,
    format: parsed.values.format,
    out: parsed.values.out,
  };
  try {
    switch (command) {
      case 'init':
        return await init(core, io, vaultDir);
      case 'add':
        if (rest.length !== 1) return usage(io, 'add takes exactly one otpauth:// URI (quote it in the shell).');
        await unlock(core, io, vaultDir);
        return await add(core, io, rest[0]!);
      case 'list':
        if (rest.length !== 0) return usage(io, 'list takes no arguments.');
        await unlock(core, io, vaultDir);
        return await list(core, io);
      case 'code':
        if (rest.length !== 1) return usage(io, 'code takes exactly one query (issuer, label or "Issuer:label").');
        await unlock(core, io, vaultDir);
        return await code(core, io, rest[0]!, parsed.values.next ?? false);
      case 'push':
        return await runPushCommand(rest, { number: parsed.values.number, notMe: parsed.values['not-me'] }, {
          core,
          out: io.out,
          err: io.err,
          unlock: () => unlock(core, io, vaultDir),
          untilInterrupted: io.untilInterrupted ?? untilSigint,
          now: () => systemClock.now(),
        });
      case 'import':
        return await runImportCommand(rest, importExportOptions, importExport());
      case 'export':
        return await runExportCommand(rest, importExportOptions, importExport());
      default:
        return usage(io, `unknown command '${command}'.`);
    }
  } catch (error) {
    if (error instanceof PushUsageError || error instanceof ImportExportUsageError) return usage(io, error.message);
    if (error instanceof TwofoldError) {
      io.err(`twofold: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await core.close();
  }
}

function untilSigint(): Promise<void> {
  return new Promise((resolve) => process.once('SIGINT', () => resolve()));
}

function usage(io: CliIo, message: string): number {
  io.err(`twofold: ${message}\n\n${USAGE}`);
  return 2;
}

async function passphrase(io: CliIo, prompt: string): Promise<string> {
  return io.env['TWOFOLD_PASSPHRASE'] ?? io.askPassphrase(prompt);
}

async function init(core: Core, io: CliIo, vaultDir: string): Promise<number> {
  const status = await core.api.vault.status({});
  if (status.state !== 'absent') {
    io.err(`twofold: a vault already exists in ${vaultDir}.`);
    return 1;
  }
  let secret = io.env['TWOFOLD_PASSPHRASE'];
  if (secret === undefined) {
    secret = await io.askPassphrase('New passphrase: ');
    const again = await io.askPassphrase('Repeat passphrase: ');
    if (again !== secret) {
      io.err('twofold: the two passphrases differ. Nothing was created.');
      return 1;
    }
  }
  await core.api.vault.create({ passphrase: secret, useOsSlot: false });
  io.out(`Created a vault in ${vaultDir}`);
  return 0;
}

async function unlock(core: Core, io: CliIo, vaultDir: string): Promise<void> {
  const status = await core.api.vault.status({});
  if (status.state === 'absent') {
    throw new TwofoldError('VAULT_NOT_FOUND', `There is no vault in ${vaultDir}. Run \`twofold init\` first, or pass --vault <dir>.`);
  }
  if (status.state === 'damaged') {
    throw new TwofoldError('VAULT_CORRUPT', `${status.damage?.message ?? 'The vault is damaged.'} Open the Twofold app to restore the previous copy.`);
  }
  if (!status.slots.includes('passphrase')) {
    throw new TwofoldError(
      'VAULT_SLOT_UNAVAILABLE',
      'This vault is protected only by the OS keychain, which the command line cannot use. Add a passphrase in the Twofold app (Settings) to use it here.',
    );
  }
  await core.api.vault.unlock({ passphrase: await passphrase(io, 'Passphrase: ') });
}

async function add(core: Core, io: CliIo, uri: string): Promise<number> {
  const result = await core.api.accounts.addFromUri({ uri, onDuplicate: 'ask' });
  if (result.status === 'duplicate') {
    io.err(`twofold: ${describe(result.existing)} is already in the vault with the same secret. Nothing was added.`);
    return 1;
  }
  if (result.status === 'added' || result.status === 'replaced') io.out(`Added ${describe(result.account)}`);
  return 0;
}

async function list(core: Core, io: CliIo): Promise<number> {
  const accounts = await core.api.accounts.list({ query: '' });
  for (const a of accounts) io.out(`${describe(a)}\t${a.type.toUpperCase()} ${a.algorithm} ${a.digits} digits${a.type === 'totp' ? ` ${a.period}s` : ` counter ${a.counter}`}`);
  if (accounts.length === 0) io.err('The vault holds no accounts yet. Add one with `twofold add <otpauth-uri>`.');
  return 0;
}

async function code(core: Core, io: CliIo, query: string, next: boolean): Promise<number> {
  const account = pickAccount(await core.api.accounts.list({ query: '' }), query);
  if (next) {
    if (account.type !== 'hotp') throw new TwofoldError('INPUT_INVALID', '--next applies only to HOTP (counter) accounts.');
    io.out((await core.api.codes.nextHotp({ id: account.id })).code);
    return 0;
  }
  const { items } = await core.api.codes.get({ ids: [account.id] });
  io.out(items[0]!.code);
  return 0;
}

/** Picks the one account a query means: an exact "Issuer:label", issuer or label first, then a unique substring. */
export function pickAccount(accounts: AccountView[], query: string): AccountView {
  const q = query.trim().toLowerCase();
  const exact = accounts.filter(
    (a) => describe(a).toLowerCase() === q || a.issuer.toLowerCase() === q || a.label.toLowerCase() === q,
  );
  const candidates = exact.length > 0 ? exact : accounts.filter((a) => describe(a).toLowerCase().includes(q));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new TwofoldError('ACCOUNT_NOT_FOUND', `No account matches '${query}'. See \`twofold list\`.`);
  throw new TwofoldError(
    'INPUT_INVALID',
    `'${query}' matches ${candidates.length} accounts: ${candidates.map(describe).join(', ')}. Be more specific, e.g. "Issuer:label".`,
  );
}

function describe(a: Pick<AccountView, 'issuer' | 'label'>): string {
  return a.issuer ? `${a.issuer}:${a.label}` : a.label;
}

/** Runs the CLI for this process (what bin/twofold.cjs calls) and exits with its code. */
export function main(): void {
  runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    env: process.env,
    askPassphrase: readPassphrase,
    // Questions only where someone can answer them; scripts and pipes must say --yes.
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askYesNo } : {}),
    readStdin: readAllStdin,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Only the error's class name: an unexpected error's message could quote data.
      process.stderr.write(`twofold: unexpected error (${error instanceof Error ? error.name : 'unknown'}). Nothing was changed.\n`);
      process.exit(1);
    },
  );
}
