/**
 * The one API contract between the renderer and main.
 *
 * Every call (group, method, input schema, output schema) and every event from main to the
 * renderer is listed here. The main-process handlers, the preload's `window.twofold`, the
 * renderer's types and the end-to-end test bridge are all derived from this file.
 */
import { z } from 'zod';

/** Hash algorithms supported for OTP accounts. */
export const AlgorithmSchema = z.enum(['SHA1', 'SHA256', 'SHA512']);
/** OTP kinds: time-based (RFC 6238) or counter-based (RFC 4226). */
export const OtpTypeSchema = z.enum(['totp', 'hotp']);
/** A CSS hex colour such as `#3366ff`. */
export const ColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Colour must look like #3366ff');

/** An account as the renderer sees it: everything except the secret. */
export const AccountViewSchema = z.object({
  id: z.string(),
  type: OtpTypeSchema,
  issuer: z.string(),
  label: z.string(),
  algorithm: AlgorithmSchema,
  digits: z.number().int(),
  period: z.number().int(),
  counter: z.number().int(),
  color: ColorSchema.nullable(),
  icon: z.string().nullable(),
  pinned: z.boolean(),
});

/** What the user chooses when an added account duplicates an existing one (same issuer, label and secret). */
export const OnDuplicateSchema = z.enum(['ask', 'add-anyway', 'replace', 'skip']);

/** The result of adding an account: added, or a duplicate the user must decide about. */
export const AddResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('added'), account: AccountViewSchema }),
  z.object({ status: z.literal('replaced'), account: AccountViewSchema }),
  z.object({ status: z.literal('skipped'), existing: AccountViewSchema }),
  z.object({ status: z.literal('duplicate'), existing: AccountViewSchema }),
]);

/** The code of one account at the core's current (offset-corrected) time. */
export const CodeViewSchema = z.object({
  id: z.string(),
  code: z.string(),
  /** The next TOTP code, given only during the last 5 seconds of a period. */
  nextCode: z.string().nullable(),
  /** TOTP: seconds until the code changes; null for HOTP. */
  secondsLeft: z.number().nullable(),
  period: z.number().int().nullable(),
  /** HOTP: the counter this code belongs to; null for TOTP. */
  counter: z.number().int().nullable(),
});

/** The slots that can unlock a vault. */
export const SlotKindSchema = z.enum(['passphrase', 'os']);

/** Where the vault stands, and why when it can't be opened. */
export const VaultStatusSchema = z.object({
  state: z.enum(['absent', 'locked', 'unlocked', 'damaged']),
  slots: z.array(SlotKindSchema),
  osSlot: z.object({ available: z.boolean(), reason: z.string().nullable() }),
  damage: z
    .object({ code: z.string(), message: z.string(), previousCopyAvailable: z.boolean() })
    .nullable(),
});

/** Connection state of a push account. */
export const PushStatusSchema = z.enum(['connected', 'reconnecting', 'offline']);

/** A push sign-in account (an enrolled device at one identity provider), as the renderer sees it. */
export const PushAccountViewSchema = z.object({
  id: z.string(),
  issuer: z.string(),
  account: z.string(),
  /** The identity provider's origin. */
  server: z.string(),
  status: PushStatusSchema,
  /** When the server was last heard from (ms), or null if never. */
  lastContact: z.number().nullable(),
  /** Requests waiting for an answer on this account. */
  pending: z.number().int(),
});

/** A verified sign-in request waiting for the user. */
export const PendingRequestViewSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  issuer: z.string(),
  account: z.string(),
  server: z.string(),
  application: z.string(),
  browser: z.string(),
  os: z.string(),
  ip: z.string(),
  location: z.string(),
  /** When the sign-in was attempted (ms). */
  createdAt: z.number(),
  /** After this (ms) the request can no longer be approved. */
  expiresAt: z.number(),
  numberMatching: z.boolean(),
});

/** The outcome of a past request. */
export const PushOutcomeSchema = z.enum(['approved', 'denied', 'fraud', 'expired', 'answered-elsewhere']);

/** One line of the recent-requests history. */
export const PushHistoryEntrySchema = z.object({
  id: z.string(),
  accountId: z.string(),
  issuer: z.string(),
  account: z.string(),
  application: z.string(),
  browser: z.string(),
  ip: z.string(),
  location: z.string(),
  at: z.number(),
  outcome: PushOutcomeSchema,
});

/** User settings. Non-secret; stored outside the vault. */
export const SettingsSchema = z.object({
  autoLockMinutes: z.number().int().min(1).max(1440),
  lockOnSuspend: z.boolean(),
  clipboardClearSeconds: z.number().int().min(0).max(600),
  timeOffsetSeconds: z.number().int().min(-86_400).max(86_400),
  /** Closing the window keeps Twofold running in the tray, so sign-in requests still arrive. */
  closeToTray: z.boolean(),
  /** Twofold starts, hidden in the tray, when the user logs in. */
  startAtLogin: z.boolean(),
  /** The global shortcut that opens quick search (an Electron accelerator; '' turns it off). Main checks it. */
  quickSearchShortcut: z.string().max(100),
});

/**
 * What the OS refused of the desktop settings, by setting: the shortcut another app already uses,
 * a login item the system did not take. null when it took; the settings form shows each at its field.
 */
export const DesktopProblemsSchema = z.object({
  quickSearchShortcut: z.string().nullable(),
  startAtLogin: z.string().nullable(),
});

/** Settings as shipped. */
export const DEFAULT_SETTINGS: z.output<typeof SettingsSchema> = {
  autoLockMinutes: 5,
  lockOnSuspend: true,
  clipboardClearSeconds: 30,
  timeOffsetSeconds: 0,
  closeToTray: true,
  startAtLogin: false,
  quickSearchShortcut: 'CommandOrControl+Shift+2',
};

/** The file formats Twofold can import. */
export const ImportFormatSchema = z.enum([
  'google-migration',
  'aegis',
  '2fas',
  'ente',
  'bitwarden',
  'andotp',
  'uri-list',
  'twofold-backup',
]);

/** Largest import file accepted, in bytes. A 10,000-account export of any supported app is well under it. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;
/** Base64 length of MAX_IMPORT_BYTES, as the renderer sends files. */
const MAX_IMPORT_BASE64 = Math.ceil(MAX_IMPORT_BYTES / 3) * 4 + 64;
/** Most QR images taken in one import (a Google Authenticator export is rarely more than 10). */
export const MAX_IMPORT_IMAGES = 50;

/** Where an import comes from. Files and images arrive as base64; the rest are read by main. */
export const ImportSourceSchema = z.discriminatedUnion('kind', [
  /** A file the user picked or dropped. */
  z.object({
    kind: z.literal('file'),
    name: z.string().max(260),
    dataBase64: z.string().max(MAX_IMPORT_BASE64, 'File is larger than 16 MB'),
  }),
  /** Pasted text: otpauth://, otpauth-migration:// or twofold://enroll links, one per line. */
  z.object({ kind: z.literal('text'), text: z.string().max(MAX_IMPORT_BYTES, 'Text is longer than 16 MB') }),
  /** Dropped, pasted or picked images (PNG or JPEG), each holding one or more QR codes. */
  z.object({
    kind: z.literal('images'),
    imagesBase64: z
      .array(z.string().max(20_000_000, 'Image is larger than 15 MB'))
      .min(1)
      .max(MAX_IMPORT_IMAGES, `At most ${MAX_IMPORT_IMAGES} images at a time`),
  }),
  /** The image on the system clipboard. */
  z.object({ kind: z.literal('clipboard-image') }),
  /** Every display, captured by main. */
  z.object({ kind: z.literal('screen') }),
  /** One of the automatic backups in the backup folder, by file name. */
  z.object({ kind: z.literal('backup'), name: z.string().max(260) }),
]);

/** One account an import would add. Never carries the secret. */
export const ImportEntryViewSchema = AccountViewSchema.pick({
  type: true,
  issuer: true,
  label: true,
  algorithm: true,
  digits: true,
  period: true,
}).extend({
  /** Position in the import, as the errors and `exclude` refer to it. */
  index: z.number().int(),
  /** An account already in the vault with the same issuer, name and secret. */
  duplicateOf: z.string().nullable(),
  /** The same account appears earlier in this import. */
  repeated: z.boolean(),
});

/** An entry of the import that can't be added, and why. `name` never contains a secret. */
export const ImportErrorViewSchema = z.object({ index: z.number().int(), name: z.string(), message: z.string() });

/** A push sign-in enrollment code found while scanning (offered, never enrolled without a click). */
export const ImportEnrollmentViewSchema = z.object({
  index: z.number().int(),
  issuer: z.string(),
  account: z.string(),
  server: z.string(),
});

/** What an import would do, shown before anything is written. */
export const ImportPreviewSchema = z.object({
  previewId: z.string(),
  format: ImportFormatSchema,
  /** The app the file came from, for example "Aegis". */
  formatName: z.string(),
  entries: z.array(ImportEntryViewSchema),
  errors: z.array(ImportErrorViewSchema),
  /** Whole-import notes, for example a missing part of a Google Authenticator batch. */
  warnings: z.array(z.string()),
  enrollments: z.array(ImportEnrollmentViewSchema),
});

/** The outcome of a confirmed import. */
export const ImportResultSchema = z.object({
  added: z.number().int(),
  replaced: z.number().int(),
  skipped: z.number().int(),
});

/** An export written to a file the user chose; `fileName` is null when the user cancelled. */
export const ExportResultSchema = z.object({ fileName: z.string().nullable(), count: z.number().int() });

/** A QR code image for the screen: an account's otpauth link, or one Google Authenticator batch. */
export const QrImageViewSchema = z.object({ title: z.string(), dataUrl: z.string() });

/** One automatic backup file in the backup folder. */
export const BackupFileViewSchema = z.object({ name: z.string(), createdAt: z.number(), bytes: z.number().int() });

/** Automatic backups: where, how many, and how the last attempt went. */
export const BackupStatusSchema = z.object({
  enabled: z.boolean(),
  /** The folder the user picked, or null. */
  folder: z.string().nullable(),
  keep: z.number().int(),
  /** A backup passphrase has been set (backups can't run without one). */
  hasPassphrase: z.boolean(),
  lastSuccessAt: z.number().nullable(),
  /** The last attempt failed: when and why. Cleared by the next success. */
  lastError: z.object({ at: z.number(), message: z.string() }).nullable(),
  /** Backups in the folder, newest first. */
  files: z.array(BackupFileViewSchema),
});

/** What the machine's managed policy (set by IT) decides, as the renderer shows it. */
export const PolicyViewSchema = z.object({
  /** A policy is in force (from at least one location). */
  managed: z.boolean(),
  /** Where the policy was read from (a file path, a registry key or a managed-preferences domain). */
  sources: z.array(z.string()),
  /** Problems found in the policy, each naming the location and key; the safe choice was used instead. */
  problems: z.array(z.string()),
  /** Settings the policy decides or limits; the UI marks them "Managed by your organisation". */
  managedSettings: z.array(z.string()),
  maxAutoLockMinutes: z.number().int().nullable(),
  requirePassphrase: z.boolean(),
  disablePlainExport: z.boolean(),
  /** Issuers code accounts may have; null when any issuer is allowed. */
  allowedIssuers: z.array(z.string()).nullable(),
  /** Push servers that may be enrolled with; null when any is allowed. */
  allowedPushServers: z.array(z.string()).nullable(),
  /** The enrollment server IT configured, offered in the push enrollment tab. */
  enrollmentServer: z.object({ name: z.string(), url: z.string() }).nullable(),
});

/** Where updates stand. The user is always asked before Twofold restarts to install one. */
export const UpdateStatusSchema = z.object({
  state: z.enum(['disabled', 'idle', 'checking', 'available', 'downloading', 'ready', 'error']),
  /** Why updates are off (policy, a development build, no feed configured), or the last error. */
  message: z.string().nullable(),
  /** The version available, downloading or ready to install. */
  version: z.string().nullable(),
  channel: z.enum(['stable', 'beta']),
  /** The update settings come from the managed policy. */
  managed: z.boolean(),
});

/** Things the menu, the tray, the global shortcut or a deep link ask the window to do. */
export const CommandSchema = z.enum(['quick-search', 'import', 'export', 'settings', 'review-requests', 'add-account']);

const Passphrase = z.string().max(1024, 'Passphrase is longer than 1024 characters');
const Empty = z.object({});
const AccountId = z.object({ id: z.string().min(1).max(64) });
const OnDuplicate = { onDuplicate: OnDuplicateSchema.default('ask') };

/** Manual account entry, as typed in the add-account form. */
export const ManualAccountSchema = z.object({
  issuer: z.string().max(200),
  label: z.string().max(200),
  secret: z.string().max(1024),
  type: OtpTypeSchema.default('totp'),
  algorithm: AlgorithmSchema.default('SHA1'),
  digits: z.number().int().default(6),
  period: z.number().int().default(30),
  counter: z.number().int().default(0),
  color: ColorSchema.nullable().default(null),
});

interface CallSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** A passive call (polling) does not count as user activity for the auto-lock. */
  passive: boolean;
}

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, passive = false): CallSpec<I, O> {
  return { input, output, passive };
}

/** Every call the renderer can make, grouped. `window.twofold.<group>.<method>(input)`. */
export const calls = {
  vault: {
    status: call(Empty, VaultStatusSchema, true),
    create: call(z.object({ passphrase: Passphrase.nullable(), useOsSlot: z.boolean() }), VaultStatusSchema),
    unlock: call(z.object({ passphrase: Passphrase }), VaultStatusSchema),
    unlockWithOs: call(Empty, VaultStatusSchema),
    lock: call(Empty, VaultStatusSchema),
    changePassphrase: call(z.object({ current: Passphrase, next: Passphrase }), VaultStatusSchema),
    restorePrevious: call(Empty, VaultStatusSchema),
    /** Keeps a damaged vault aside (renamed, never deleted) so a new one can be created. */
    setAsideDamaged: call(z.object({ confirm: z.literal(true) }), VaultStatusSchema),
  },
  accounts: {
    list: call(z.object({ query: z.string().max(200).default('') }), z.array(AccountViewSchema)),
    addFromUri: call(z.object({ uri: z.string().max(4096), ...OnDuplicate }), AddResultSchema),
    addFromImage: call(
      z.object({ imageBase64: z.string().max(20_000_000, 'Image is larger than 15 MB'), ...OnDuplicate }),
      AddResultSchema,
    ),
    addFromClipboardImage: call(z.object(OnDuplicate), AddResultSchema),
    addManual: call(ManualAccountSchema.extend(OnDuplicate), AddResultSchema),
    update: call(
      AccountId.extend({
        issuer: z.string().max(200).optional(),
        label: z.string().max(200).optional(),
        color: ColorSchema.nullable().optional(),
        pinned: z.boolean().optional(),
      }),
      AccountViewSchema,
    ),
    remove: call(AccountId, z.object({ undoToken: z.string(), undoSeconds: z.number() })),
    undoRemove: call(z.object({ undoToken: z.string().max(128) }), AccountViewSchema),
    reorder: call(z.object({ ids: z.array(z.string().max(64)).max(100_000) }), z.array(AccountViewSchema)),
    revealSecret: call(AccountId.extend({ confirm: z.literal(true) }), z.object({ secret: z.string(), uri: z.string() })),
  },
  codes: {
    get: call(z.object({ ids: z.array(z.string().max(64)).max(100_000) }), z.object({ now: z.number(), items: z.array(CodeViewSchema) }), true),
    copy: call(AccountId, z.object({ clearAfterSeconds: z.number() })),
    nextHotp: call(AccountId, CodeViewSchema),
  },
  push: {
    /** Enrolls this device from a `twofold://enroll?...` link. */
    enroll: call(z.object({ uri: z.string().max(4096) }), PushAccountViewSchema),
    /** Enrolls from a QR image (PNG or JPEG) holding an enrollment link. */
    enrollFromImage: call(z.object({ imageBase64: z.string().max(20_000_000, 'Image is larger than 15 MB') }), PushAccountViewSchema),
    accounts: call(Empty, z.array(PushAccountViewSchema), true),
    remove: call(AccountId, z.object({})),
    pending: call(Empty, z.array(PendingRequestViewSchema), true),
    /** Approves (with the number shown on the sign-in page) or denies a request. */
    decide: call(
      z.discriminatedUnion('decision', [
        z.object({ requestId: z.string().max(64), decision: z.literal('approve'), number: z.number().int().min(0).max(99).nullable() }),
        z.object({ requestId: z.string().max(64), decision: z.literal('deny'), reason: z.enum(['not-me', 'cancelled']) }),
      ]),
      z.object({ status: z.enum(['approved', 'denied']) }),
    ),
    history: call(Empty, z.array(PushHistoryEntrySchema), true),
  },
  import: {
    /** Reads a source and says what importing it would do. Nothing is written. */
    preview: call(
      z.object({
        source: ImportSourceSchema,
        /** For encrypted files; asked for after IMPORT_PASSPHRASE_REQUIRED. */
        passphrase: Passphrase.nullable().default(null),
        /** Adds this source to an earlier preview (the next QR code of a batch). */
        addTo: z.string().max(64).nullable().default(null),
      }),
      ImportPreviewSchema,
    ),
    /** Adds the previewed accounts in one save. Entries listed in `exclude` are left out. */
    confirm: call(
      z.object({
        previewId: z.string().max(64),
        duplicates: z.enum(['skip', 'add-anyway', 'replace']).default('skip'),
        exclude: z.array(z.number().int()).max(100_000).default([]),
      }),
      ImportResultSchema,
    ),
    /** Forgets a preview (and the secrets it holds). */
    cancel: call(z.object({ previewId: z.string().max(64) }), z.object({})),
    /** Enrolls for push sign-in from an enrollment code found by a scan. */
    enrollFound: call(z.object({ previewId: z.string().max(64), index: z.number().int() }), PushAccountViewSchema),
  },
  export: {
    /** Writes an encrypted Twofold backup of every code account to a file chosen in a save dialog. */
    backup: call(z.object({ passphrase: Passphrase }), ExportResultSchema),
    /** Writes every account as a plain otpauth:// link, one per line. Unencrypted: asks for confirmation. */
    uris: call(z.object({ confirm: z.literal(true) }), ExportResultSchema),
    /** QR codes to show: one per account, or Google-Authenticator-compatible migration batches. */
    qrCodes: call(
      z.object({
        confirm: z.literal(true),
        kind: z.enum(['account', 'migration']),
        /** Accounts to include; all when omitted. */
        ids: z.array(z.string().max(64)).max(100_000).optional(),
      }),
      z.object({
        images: z.array(QrImageViewSchema),
        /** Accounts a Google Authenticator export can't hold, each with why; always empty for `account`. */
        leftOut: z.array(z.object({ name: z.string(), reason: z.string() })),
      }),
    ),
  },
  backup: {
    status: call(Empty, BackupStatusSchema, true),
    /** Opens a folder picker in main; the chosen folder becomes the backup folder. */
    chooseFolder: call(Empty, BackupStatusSchema),
    /** Turns automatic backups on or off, sets how many to keep, or sets the backup passphrase. */
    configure: call(
      z.object({
        enabled: z.boolean().optional(),
        keep: z.number().int().min(1).max(100).optional(),
        passphrase: Passphrase.optional(),
      }),
      BackupStatusSchema,
    ),
    /** Writes a backup now. */
    runNow: call(Empty, BackupStatusSchema),
  },
  settings: {
    get: call(Empty, SettingsSchema, true),
    update: call(SettingsSchema.partial(), SettingsSchema),
    /** What the OS refused of the desktop settings (at start-up, or a login item at the last save). */
    desktopProblems: call(Empty, DesktopProblemsSchema, true),
  },
  app: {
    activity: call(Empty, z.object({})),
    /** The managed policy in force on this machine. */
    policy: call(Empty, PolicyViewSchema, true),
  },
  updates: {
    status: call(Empty, UpdateStatusSchema, true),
    /** Looks for an update now (refused when updates are disabled). */
    check: call(Empty, UpdateStatusSchema),
    /** Restarts Twofold to install a downloaded update; only after the user confirmed. */
    restart: call(z.object({ confirm: z.literal(true) }), z.object({})),
  },
} as const;

/** Every event main sends to the renderer. `window.twofold.events.<name>(listener)` subscribes. */
export const events = {
  vaultLocked: z.object({ reason: z.enum(['manual', 'idle', 'suspend', 'screen-lock']) }),
  clipboardCleared: z.object({}),
  accountsChanged: z.object({}),
  /** A new verified sign-in request arrived: show the approval. */
  pushRequest: PendingRequestViewSchema,
  /** Push accounts, pending requests or history changed (status, answered elsewhere, expiry). */
  pushChanged: z.object({}),
  /** Automatic backup status changed (a backup was written or failed). */
  backupChanged: z.object({}),
  /** A link opened Twofold (otpauth://, twofold://enroll): its import preview, or why it was refused. */
  linkOpened: z.discriminatedUnion('status', [
    z.object({ status: z.literal('preview'), preview: ImportPreviewSchema }),
    z.object({ status: z.literal('refused'), message: z.string() }),
  ]),
  /** The menu, tray or global shortcut asks the window to do something. */
  command: z.object({ name: CommandSchema }),
  /** Update status changed. */
  updateChanged: z.object({}),
} as const;

type Calls = typeof calls;
type Events = typeof events;

/** A group name such as `vault`. */
export type CallGroup = keyof Calls;

/** The API as the renderer sees it: inputs as callers write them, outputs as parsed. */
export type TwofoldApi = {
  [G in keyof Calls]: {
    [M in keyof Calls[G]]: Calls[G][M] extends CallSpec<infer I, infer O>
      ? (input: z.input<I>) => Promise<z.output<O>>
      : never;
  };
} & {
  events: { [E in keyof Events]: (listener: (payload: z.output<Events[E]>) => void) => () => void };
};

/** What the core implements: parsed inputs in, outputs out. One method per contract entry. */
export type ApiImplementation = {
  [G in keyof Calls]: {
    [M in keyof Calls[G]]: Calls[G][M] extends CallSpec<infer I, infer O>
      ? (input: z.output<I>) => Promise<z.input<O>>
      : never;
  };
};

/** An event name such as `vaultLocked`. */
export type EventName = keyof Events;
/** The payload of one event. */
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** Renderer-facing types, derived from the schemas. */
export type AccountView = z.output<typeof AccountViewSchema>;
export type AddResult = z.output<typeof AddResultSchema>;
export type CodeView = z.output<typeof CodeViewSchema>;
export type VaultStatus = z.output<typeof VaultStatusSchema>;
export type Settings = z.output<typeof SettingsSchema>;
export type DesktopProblems = z.output<typeof DesktopProblemsSchema>;
export type ManualAccount = z.output<typeof ManualAccountSchema>;
export type OnDuplicate = z.output<typeof OnDuplicateSchema>;
export type OtpType = z.output<typeof OtpTypeSchema>;
export type Algorithm = z.output<typeof AlgorithmSchema>;
export type PushAccountView = z.output<typeof PushAccountViewSchema>;
export type PendingRequestView = z.output<typeof PendingRequestViewSchema>;
export type PushHistoryEntry = z.output<typeof PushHistoryEntrySchema>;
export type PushOutcome = z.output<typeof PushOutcomeSchema>;
export type PushStatus = z.output<typeof PushStatusSchema>;
export type ImportFormat = z.output<typeof ImportFormatSchema>;
export type ImportSource = z.output<typeof ImportSourceSchema>;
export type ImportPreview = z.output<typeof ImportPreviewSchema>;
export type ImportEntryView = z.output<typeof ImportEntryViewSchema>;
export type ImportErrorView = z.output<typeof ImportErrorViewSchema>;
export type ImportResult = z.output<typeof ImportResultSchema>;
export type ExportResult = z.output<typeof ExportResultSchema>;
export type QrImageView = z.output<typeof QrImageViewSchema>;
export type BackupStatus = z.output<typeof BackupStatusSchema>;
export type PolicyView = z.output<typeof PolicyViewSchema>;
export type UpdateStatus = z.output<typeof UpdateStatusSchema>;
export type Command = z.output<typeof CommandSchema>;

/** One call of the contract, flattened: its channel name and its spec. */
export interface CallEntry {
  group: string;
  method: string;
  channel: string;
  spec: CallSpec<z.ZodType, z.ZodType>;
}

/** The IPC channel of a call. Channels are fixed by the contract; nothing else is ever invoked. */
export function callChannel(group: string, method: string): string {
  return `twofold:${group}.${method}`;
}

/** The IPC channel of an event. */
export function eventChannel(name: string): string {
  return `twofold:event:${name}`;
}

/** Every call of the contract, in a flat list. */
export function listCalls(): CallEntry[] {
  const out: CallEntry[] = [];
  for (const [group, methods] of Object.entries(calls)) {
    for (const [method, spec] of Object.entries(methods as Record<string, CallSpec<z.ZodType, z.ZodType>>)) {
      out.push({ group, method, channel: callChannel(group, method), spec });
    }
  }
  return out;
}

/** Every event name of the contract. */
export function listEvents(): EventName[] {
  return Object.keys(events) as EventName[];
}
