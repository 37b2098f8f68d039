/**
 * `twofold import ...` and `twofold export ...`: moving accounts in and out from the terminal,
 * through the same core calls as the app (import.preview/confirm, export.backup/uris/qrCodes).
 *
 *   import <file|link>...         preview what a file (or otpauth://, otpauth-migration:// or
 *                                 twofold://enroll link, or `-` for stdin) holds, then add it
 *   export --format twofold       an encrypted Twofold backup, written to --out
 *   export --format uris          plain otpauth:// links, to stdout or --out (unencrypted: --yes)
 *   export --format migration-qr  Google Authenticator migration QR codes as PNG files in --out
 *
 * Nothing is added or written unencrypted without a confirmation: a y/N question on a terminal,
 * or --yes in scripts. Passphrases come from environment variables or a hidden prompt, never
 * from the command line, where other users could read them in the process list.
 */
import { createInterface } from 'node:readline';
import { promises as fs } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MAX_IMPORT_BYTES, type ImportPreview, type ImportSource as ImportSourceView } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import type { OtpParams } from '../../common/otpauth-uri';
import type { Core } from '../core/core';
import { formatUriList } from '../core/export/uri-list-export';
import type { FileDialogs } from '../core/ports';
import { decodeQrImage } from '../core/qr-image';
import { ensurePrivateDir, replaceFiles } from '../core/vault/atomic-write';

/** Usage lines for import and export, for the CLI's help text. */
export const IMPORT_EXPORT_USAGE = `  import <file|link>... Preview the accounts in an export of another authenticator (Aegis,
                        2FAS, Ente Auth, Bitwarden, andOTP, Google Authenticator links,
                        a list of otpauth:// links, a QR image, a Twofold backup), or in
                        a link; then add them after a y/N question or with --yes.
                        "-" reads the file from stdin.
  export --format twofold --out FILE
                        Write an encrypted Twofold backup of every account
  export --format uris [--out FILE] --yes
                        Print (or write) every account as a plain otpauth:// link (UNENCRYPTED)
  export --format migration-qr --out DIR --yes
                        Write Google Authenticator migration QR codes as PNG files into DIR
                        (UNENCRYPTED); with --yes the links are printed too`;

/** Usage lines for the options of import and export. */
export const IMPORT_EXPORT_OPTIONS_USAGE = `  -y, --yes             With import/export: confirm without asking (for scripts)
  --duplicates MODE     With import: skip (default), add-anyway or replace accounts already in Twofold
  --passphrase-env NAME With import/export: the environment variable holding the file's passphrase
                        (default TWOFOLD_IMPORT_PASSPHRASE / TWOFOLD_EXPORT_PASSPHRASE)
  --format FORMAT       With export: twofold, uris or migration-qr
  --out PATH            With export: the file (twofold, uris) or folder (migration-qr) to write`;

/** Default environment variable for an encrypted import file's passphrase. */
export const IMPORT_PASSPHRASE_ENV = 'TWOFOLD_IMPORT_PASSPHRASE';
/** Default environment variable for the passphrase of an exported backup. */
export const EXPORT_PASSPHRASE_ENV = 'TWOFOLD_EXPORT_PASSPHRASE';

/** Options of import and export, as parsed by the CLI. */
export interface ImportExportOptions {
  yes?: boolean | undefined;
  passphraseEnv?: string | undefined;
  duplicates?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
}

/** The option names of import and export, for rejecting them on other commands. */
export const IMPORT_EXPORT_OPTION_NAMES = ['yes', 'passphrase-env', 'duplicates', 'format', 'out'] as const;

/** A usage mistake: the CLI prints it with the help text and exits 2. */
export class ImportExportUsageError extends Error {}

/** What import and export need from the CLI. */
export interface ImportExportContext {
  core: Core;
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Unlocks the vault (asking for its passphrase if needed). */
  unlock(): Promise<void>;
  /** Asks for a passphrase without echo. */
  askPassphrase(prompt: string): Promise<string>;
  /** Asks a y/N question; absent when there is no terminal to ask on (scripts, pipes). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Reads all of stdin, for `import -`. */
  readStdin?: (() => Promise<Uint8Array>) | undefined;
}

type Duplicates = 'skip' | 'add-anyway' | 'replace';
type ExportFormat = 'twofold' | 'uris' | 'migration-qr';
/** The sources a command-line argument can be. */
type ImportSource = Extract<ImportSourceView, { kind: 'file' | 'text' | 'images' }>;

const LINK = /^(otpauth|otpauth-migration|twofold):\/\//i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UNENCRYPTED_WARNING =
  'Warning: this export is NOT encrypted. Anyone who sees it can generate your codes. Keep it private and delete it when you are done.';

/**
 * The save-dialog port of the command line: the "dialog" answers with the --out path, so the CLI
 * writes exports through the same core calls as the app. It never asks for a folder.
 */
export function createCliFileDialogs(out: string | undefined, cwd: string = process.cwd()): FileDialogs {
  return {
    chooseSavePath: async () => (out === undefined ? null : resolve(cwd, out)),
    chooseFolder: async () => null,
  };
}

/** Runs `twofold import <file|link>...` and returns the exit code (0 added, 1 error or declined). */
export async function runImportCommand(args: string[], options: ImportExportOptions, ctx: ImportExportContext): Promise<number> {
  if (args.length === 0) throw new ImportExportUsageError('import takes a file, or a link in quotes.');
  if (options.format !== undefined || options.out !== undefined) throw new ImportExportUsageError('--format and --out apply only to export.');
  const duplicates = parseDuplicates(options.duplicates);
  const envName = parseEnvName(options.passphraseEnv, IMPORT_PASSPHRASE_ENV);
  // Read every source before unlocking, so a mistyped path fails without asking for the passphrase.
  const sources: { label: string; source: ImportSource }[] = [];
  for (const arg of args) sources.push(await readSource(arg, ctx));
  await ctx.unlock();

  let preview: ImportPreview | null = null;
  let settled = false;
  try {
    for (const { label, source } of sources) {
      preview = await previewWithPassphrase(ctx, source, label, envName, preview?.previewId ?? null);
    }
    if (!preview) throw new ImportExportUsageError('import takes a file, or a link in quotes.');
    printPreview(ctx, preview, sources.length === 1 ? sources[0]!.label : `${sources.length} sources`);
    const plan = planOf(preview, duplicates);
    if (plan.add + plan.replace + plan.enroll === 0) {
      if (preview.entries.length > 0) {
        ctx.out('Nothing to add: every account is already in Twofold.');
        return 0;
      }
      ctx.err('twofold: Nothing was added: no entry could be read. See the errors above.');
      return 1;
    }
    if (!options.yes) {
      if (!ctx.confirm) {
        ctx.err('twofold: Nothing was added. Run again with --yes to add them.');
        return 1;
      }
      if (!(await ctx.confirm(`${questionOf(plan)} [y/N] `))) {
        ctx.out('Nothing was added.');
        return 1;
      }
    }
    // Enrollments first: confirming ends the preview, and with it the enrollment codes it found.
    for (const e of preview.enrollments) {
      const account = await ctx.core.api.import.enrollFound({ previewId: preview.previewId, index: e.index });
      ctx.out(`Enrolled for push sign-in: ${account.issuer ? `${oneLine(account.issuer)} ` : ''}(${oneLine(account.account)}) at ${oneLine(account.server)}`);
    }
    if (plan.add + plan.replace > 0) {
      const result = await ctx.core.api.import.confirm({ previewId: preview.previewId, duplicates, exclude: [] });
      settled = true;
      ctx.out(resultLine(result, preview.errors.length));
    }
    return 0;
  } finally {
    // A preview holds the file's secrets in memory until confirmed or cancelled.
    if (preview && !settled) await ctx.core.api.import.cancel({ previewId: preview.previewId });
  }
}

/** Runs `twofold export --format ...` and returns the exit code (0 written, 1 error or declined). */
export async function runExportCommand(args: string[], options: ImportExportOptions, ctx: ImportExportContext): Promise<number> {
  if (args.length > 0) throw new ImportExportUsageError('export takes no arguments; choose what to write with --format and --out.');
  if (options.duplicates !== undefined) throw new ImportExportUsageError('--duplicates applies only to import.');
  const format = parseFormat(options.format);
  const envName = parseEnvName(options.passphraseEnv, EXPORT_PASSPHRASE_ENV);
  switch (format) {
    case 'twofold':
      return exportBackup(ctx, requireOut(options.out, 'twofold', 'the backup file to write'), options.yes ?? false, envName);
    case 'uris':
      return exportUris(ctx, options.out === undefined ? null : resolve(options.out), options.yes ?? false);
    case 'migration-qr':
      return exportMigrationQr(ctx, requireOut(options.out, 'migration-qr', 'the folder for the PNG files'), options.yes ?? false);
  }
}

function parseDuplicates(value: string | undefined): Duplicates {
  if (value === undefined) return 'skip';
  if (value === 'skip' || value === 'add-anyway' || value === 'replace') return value;
  throw new ImportExportUsageError(`--duplicates takes skip, add-anyway or replace, not '${oneLine(value)}'.`);
}

function parseFormat(value: string | undefined): ExportFormat {
  if (value === undefined) throw new ImportExportUsageError('export needs --format twofold, uris or migration-qr.');
  if (value === 'twofold' || value === 'uris' || value === 'migration-qr') return value;
  throw new ImportExportUsageError(`--format takes twofold, uris or migration-qr, not '${oneLine(value)}'.`);
}

function parseEnvName(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!ENV_NAME.test(value)) throw new ImportExportUsageError('--passphrase-env takes the NAME of an environment variable (letters, digits, _), not a passphrase.');
  return value;
}

function requireOut(out: string | undefined, format: ExportFormat, what: string): string {
  if (out === undefined || out === '') throw new ImportExportUsageError(`export --format ${format} needs --out PATH (${what}).`);
  return resolve(out);
}

/** Reads one import argument: a link is a text source, `-` is stdin, anything else a file path. */
async function readSource(arg: string, ctx: ImportExportContext): Promise<{ label: string; source: ImportSource }> {
  const trimmed = arg.trim();
  if (LINK.test(trimmed)) return { label: 'the link', source: { kind: 'text', text: trimmed } };
  let bytes: Uint8Array;
  let name: string;
  if (arg === '-') {
    if (!ctx.readStdin) throw new TwofoldError('INPUT_INVALID', 'Reading an import from stdin is not available here. Give a file path.');
    bytes = await ctx.readStdin();
    name = 'stdin';
  } else {
    bytes = await readImportFile(arg);
    name = basename(arg);
  }
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new TwofoldError('IMPORT_TOO_LARGE', `${oneLine(name)} is larger than 16 MB, more than any authenticator export. Check that it is the right file.`);
  }
  const dataBase64 = Buffer.from(bytes).toString('base64');
  // QR screenshots (a Google Authenticator export, say) go to the QR decoder, everything else to the importers.
  if (isImage(bytes)) return { label: oneLine(name), source: { kind: 'images', imagesBase64: [dataBase64] } };
  return { label: oneLine(name), source: { kind: 'file', name, dataBase64 } };
}

async function readImportFile(path: string): Promise<Uint8Array> {
  // A mistyped link (otpath://…?secret=…) lands here as a "path": never echo what may be a secret.
  const linkLike = /:\/\/|secret=/i.test(path);
  const shown = linkLike ? 'That file' : oneLine(path);
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) throw new TwofoldError('INPUT_INVALID', `${shown} is a folder. Give the export file itself.`);
    if (stat.size > MAX_IMPORT_BYTES) {
      throw new TwofoldError('IMPORT_TOO_LARGE', `${shown} is larger than 16 MB, more than any authenticator export. Check that it is the right file.`);
    }
    return await fs.readFile(path);
  } catch (error) {
    if (error instanceof TwofoldError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && linkLike) {
      throw new TwofoldError(
        'INPUT_INVALID',
        'That is neither a file nor an otpauth://, otpauth-migration:// or twofold://enroll link. Check its spelling, and quote links in the shell.',
      );
    }
    if (code === 'ENOENT') throw new TwofoldError('INPUT_INVALID', `There is no file ${shown}.`);
    if (code === 'EACCES' || code === 'EPERM') throw new TwofoldError('INPUT_INVALID', `${shown} can't be read: permission denied.`);
    throw new TwofoldError('INPUT_INVALID', `${shown} can't be read (${code ?? 'I/O error'}).`);
  }
}

function isImage(bytes: Uint8Array): boolean {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  return png || jpeg;
}

/**
 * Previews one source. An encrypted file takes its passphrase from the environment variable, or
 * from a hidden prompt on a terminal (asked again after a wrong one, up to three times).
 */
async function previewWithPassphrase(
  ctx: ImportExportContext,
  source: ImportSource,
  label: string,
  envName: string,
  addTo: string | null,
): Promise<ImportPreview> {
  const fromEnv = ctx.env[envName];
  let passphrase: string | null = fromEnv ?? null;
  for (let asked = 0; ; ) {
    try {
      return await ctx.core.api.import.preview({ source, passphrase, addTo });
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      const needed = error.code === 'IMPORT_PASSPHRASE_REQUIRED' && passphrase === null;
      const retry = error.code === 'IMPORT_WRONG_PASSPHRASE' && fromEnv === undefined && asked > 0 && asked < 3;
      if (!needed && !retry) throw error;
      if (!ctx.confirm) {
        throw new TwofoldError('IMPORT_PASSPHRASE_REQUIRED', `${label} is encrypted. Set ${envName} to its passphrase, or run the command in a terminal to be asked for it.`);
      }
      if (retry) ctx.err(`twofold: ${error.message}`);
      passphrase = await ctx.askPassphrase(`Passphrase of ${label}: `);
      asked++;
    }
  }
}

interface ImportPlan {
  add: number;
  replace: number;
  skip: number;
  enroll: number;
}

/** What confirming would do with these duplicate rules, for the question (the result line reports what was done). */
function planOf(preview: ImportPreview, duplicates: Duplicates): ImportPlan {
  let add = 0;
  let replace = 0;
  let skip = 0;
  for (const e of preview.entries) {
    if (duplicates === 'add-anyway') add++;
    else if (e.repeated) skip++;
    else if (e.duplicateOf === null) add++;
    else if (duplicates === 'replace') replace++;
    else skip++;
  }
  return { add, replace, skip, enroll: preview.enrollments.length };
}

function questionOf(plan: ImportPlan): string {
  const parts: string[] = [];
  if (plan.add > 0) parts.push(`add ${plural(plan.add, 'account')}`);
  if (plan.replace > 0) parts.push(`replace ${plural(plan.replace, 'account')} already in Twofold`);
  if (plan.enroll > 0) parts.push(`enroll for push sign-in ${plan.enroll === 1 ? 'once' : `${plan.enroll} times`}`);
  const text = parts.join(' and ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}?`;
}

function printPreview(ctx: ImportExportContext, preview: ImportPreview, label: string): void {
  const duplicates = preview.entries.filter((e) => e.duplicateOf !== null).length;
  const repeated = preview.entries.filter((e) => e.repeated).length;
  const summary = [plural(preview.entries.length, 'account')];
  if (duplicates > 0) summary.push(`${duplicates} already in Twofold`);
  if (repeated > 0) summary.push(`${repeated} repeated`);
  if (preview.errors.length > 0) summary.push(plural(preview.errors.length, 'error'));
  ctx.out(`${oneLine(preview.formatName)} (${label}): ${summary.join(', ')}`);
  for (const e of preview.entries) {
    const kind = e.type === 'totp' ? `TOTP ${e.algorithm} ${e.digits} digits ${e.period}s` : `HOTP ${e.algorithm} ${e.digits} digits`;
    const notes = [e.duplicateOf !== null ? 'already in Twofold' : '', e.repeated ? 'repeated' : ''].filter(Boolean);
    ctx.out(`  ${describe(e)}\t${kind}${notes.length > 0 ? `\t(${notes.join(', ')})` : ''}`);
  }
  for (const e of preview.errors) ctx.out(`  error in entry ${e.index + 1}, ${oneLine(e.name)}: ${oneLine(e.message)}`);
  for (const e of preview.enrollments) {
    ctx.out(`  push sign-in enrollment: ${e.issuer ? `${oneLine(e.issuer)} ` : ''}(${oneLine(e.account)}) at ${oneLine(e.server)}`);
  }
  for (const w of preview.warnings) ctx.out(`Warning: ${oneLine(w)}`);
}

function resultLine(result: { added: number; replaced: number; skipped: number }, errors: number): string {
  const parts = [`Added ${plural(result.added, 'account')}`];
  if (result.replaced > 0) parts.push(`replaced ${result.replaced}`);
  if (result.skipped > 0) parts.push(`skipped ${result.skipped} already in Twofold`);
  if (errors > 0) parts.push(`left out ${plural(errors, 'entry', 'entries')} with errors`);
  return `${parts.join(', ')}.`;
}

async function exportBackup(ctx: ImportExportContext, out: string, yes: boolean, envName: string): Promise<number> {
  if (!(await mayReplace(ctx, out, yes))) return 1;
  await ctx.unlock();
  let passphrase = ctx.env[envName];
  if (passphrase === undefined) {
    if (!ctx.confirm) {
      throw new TwofoldError('INPUT_INVALID', `There is no terminal to ask for the backup's passphrase: set ${envName}.`);
    }
    passphrase = await ctx.askPassphrase('Passphrase for the backup: ');
    if ((await ctx.askPassphrase('Repeat the passphrase: ')) !== passphrase) {
      ctx.err('twofold: the two passphrases differ. Nothing was written.');
      return 1;
    }
  }
  const result = await ctx.core.api.export.backup({ passphrase });
  if (result.fileName === null) throw new TwofoldError('INTERNAL', 'The backup was not written.');
  ctx.out(`Wrote an encrypted backup of ${plural(result.count, 'account')} to ${oneLine(out)}`);
  return 0;
}

async function exportUris(ctx: ImportExportContext, out: string | null, yes: boolean): Promise<number> {
  if (!yes && !ctx.confirm) {
    ctx.err(UNENCRYPTED_WARNING);
    ctx.err('twofold: Nothing was exported. The list is unencrypted: run again with --yes to export it.');
    return 1;
  }
  await ctx.unlock();
  const accounts = await ctx.core.api.accounts.list({ query: '' });
  if (accounts.length === 0) throw new TwofoldError('EXPORT_EMPTY', 'The vault holds no accounts to export.');
  ctx.err(UNENCRYPTED_WARNING);
  const where = out === null ? 'on the screen' : `to ${oneLine(out)}`;
  const replacing = out !== null && (await exists(out)) ? ` (replacing the file there)` : '';
  if (!yes && !(await ctx.confirm!(`Write ${plural(accounts.length, 'account')} as plain otpauth:// links ${where}${replacing}? [y/N] `))) {
    ctx.err('Nothing was exported.');
    return 1;
  }
  if (out !== null) {
    await refuseFolder(out);
    const result = await ctx.core.api.export.uris({ confirm: true });
    if (result.fileName === null) throw new TwofoldError('INTERNAL', 'The list was not written.');
    ctx.out(`Wrote ${plural(result.count, 'account')} as otpauth:// links to ${oneLine(out)} (unencrypted)`);
    return 0;
  }
  // The same text the file export writes (its warning line included), for `> file` redirection.
  const params: OtpParams[] = [];
  for (const a of accounts) {
    const { secret } = await ctx.core.api.accounts.revealSecret({ id: a.id, confirm: true });
    params.push({ type: a.type, issuer: a.issuer, label: a.label, secret, algorithm: a.algorithm, digits: a.digits, period: a.period, counter: a.counter });
  }
  for (const line of formatUriList(params).trimEnd().split('\n')) ctx.out(line);
  return 0;
}

async function exportMigrationQr(ctx: ImportExportContext, out: string, yes: boolean): Promise<number> {
  if (!yes && !ctx.confirm) {
    ctx.err(UNENCRYPTED_WARNING);
    ctx.err('twofold: Nothing was exported. The QR codes are unencrypted: run again with --yes to write them.');
    return 1;
  }
  await ctx.unlock();
  const views = await ctx.core.api.accounts.list({ query: '' });
  const count = views.length;
  if (count === 0) throw new TwofoldError('EXPORT_EMPTY', 'The vault holds no accounts to export.');
  ctx.err(UNENCRYPTED_WARNING);
  if (!yes && !(await ctx.confirm!(`Write Google Authenticator QR codes of ${plural(count, 'account')} into ${oneLine(out)}? [y/N] `))) {
    ctx.err('Nothing was exported.');
    return 1;
  }
  const { images, leftOut } = await ctx.core.api.export.qrCodes({ confirm: true, kind: 'migration' });
  const files = images.map((image, i) => ({
    path: join(out, `twofold-ga-export-${i + 1}-of-${images.length}.png`),
    data: pngOfDataUrl(image.dataUrl),
  }));
  await ensurePrivateDir(out);
  // Atomic and owner-only (0600): the images hold the secrets in the clear.
  await replaceFiles(files);
  for (const [i, file] of files.entries()) ctx.err(`Wrote ${oneLine(file.path)} (${oneLine(images[i]!.title)})`);
  if (leftOut.length > 0) {
    ctx.err(
      `Warning: left out ${plural(leftOut.length, 'account')} that Google Authenticator can't hold (it takes only 6- or 8-digit codes that change every 30 seconds): ${leftOut.map((a) => oneLine(a.name)).join(', ')}. Export ${leftOut.length === 1 ? 'it' : 'them'} with --format twofold or uris instead.`,
    );
  }
  if (yes) {
    // Read back from the images, so the links printed are exactly what was written.
    for (const file of files) for (const link of await decodeQrImage(file.data)) ctx.out(link);
  }
  ctx.err('Scan them in order with Google Authenticator: Transfer accounts → Import accounts.');
  return 0;
}

function pngOfDataUrl(dataUrl: string): Uint8Array {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match) throw new TwofoldError('INTERNAL', 'The core returned a QR code that is not a PNG image.');
  return new Uint8Array(Buffer.from(match[1]!, 'base64'));
}

/** An existing file at `path` is replaced only after --yes or a terminal confirmation. */
async function mayReplace(ctx: ImportExportContext, path: string, yes: boolean): Promise<boolean> {
  await refuseFolder(path);
  if (yes || !(await exists(path))) return true;
  if (!ctx.confirm) {
    ctx.err(`twofold: ${oneLine(path)} already exists. Nothing was written. Run again with --yes to replace it.`);
    return false;
  }
  if (await ctx.confirm(`${oneLine(path)} already exists. Replace it? [y/N] `)) return true;
  ctx.err('Nothing was written.');
  return false;
}

async function refuseFolder(path: string): Promise<void> {
  const stat = await fs.stat(path).catch(() => null);
  if (stat?.isDirectory()) throw new TwofoldError('INPUT_INVALID', `${oneLine(path)} is a folder. Give --out the path of the file to write.`);
}

async function exists(path: string): Promise<boolean> {
  return (await fs.stat(path).catch(() => null)) !== null;
}

/** Asks a y/N question on the terminal (stderr), reading the answer from stdin; only "y" or "yes" agree. */
export function askYesNo(question: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      resolvePromise(/^\s*y(es)?\s*$/i.test(answer));
    });
  });
}

/** Reads all of stdin, stopping just past the import size limit (the limit check then refuses it). */
export async function readAllStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
    if (size > MAX_IMPORT_BYTES) break;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function describe(a: { issuer: string; label: string }): string {
  return oneLine(a.issuer ? `${a.issuer}:${a.label}` : a.label);
}

// Names from an imported file must not move the cursor, clear the screen or forge extra lines.
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ');
}
