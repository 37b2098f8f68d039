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
});

/** Settings as shipped. */
export const DEFAULT_SETTINGS: z.output<typeof SettingsSchema> = {
  autoLockMinutes: 5,
  lockOnSuspend: true,
  clipboardClearSeconds: 30,
  timeOffsetSeconds: 0,
};

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
  settings: {
    get: call(Empty, SettingsSchema, true),
    update: call(SettingsSchema.partial(), SettingsSchema),
  },
  app: {
    activity: call(Empty, z.object({})),
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
export type ManualAccount = z.output<typeof ManualAccountSchema>;
export type OnDuplicate = z.output<typeof OnDuplicateSchema>;
export type OtpType = z.output<typeof OtpTypeSchema>;
export type Algorithm = z.output<typeof AlgorithmSchema>;
export type PushAccountView = z.output<typeof PushAccountViewSchema>;
export type PendingRequestView = z.output<typeof PendingRequestViewSchema>;
export type PushHistoryEntry = z.output<typeof PushHistoryEntrySchema>;
export type PushOutcome = z.output<typeof PushOutcomeSchema>;
export type PushStatus = z.output<typeof PushStatusSchema>;

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
