/**
 * What the push-listener keeps in the encrypted vault: enrolled accounts (with their device keys),
 * the recent-requests history and the ids of requests already handled.
 */
import { z } from 'zod';
import { PushHistoryEntrySchema, type PushHistoryEntry } from '../../../common/api-contract';
import { PublicJwkSchema } from '../../../common/push-protocol';

/** How many history entries are kept, newest first. */
export const HISTORY_LIMIT = 100;
/** How many handled request ids are remembered to refuse showing a request twice. */
export const SEEN_LIMIT = 500;

const Base64Url43 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 43 base64url characters');

/** A device's private Ed25519 key as a JWK. A secret: it only ever lives inside the vault. */
export const DevicePrivateJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: Base64Url43, d: Base64Url43 });

/** One enrolled push account: this device registered at one identity provider. */
export const StoredPushAccountSchema = z.object({
  id: z.string().min(1).max(64),
  issuer: z.string().max(100),
  account: z.string().max(200),
  /** The identity provider's origin (https, or http on loopback). */
  server: z.string(),
  deviceId: z.string().min(1).max(64),
  devicePrivateJwk: DevicePrivateJwkSchema,
  /** The server's public key, pinned at enrollment: only requests it signed are shown. */
  serverKey: PublicJwkSchema,
  enrolledAt: z.number(),
});
/** One enrolled push account, as stored in the vault. */
export type StoredPushAccount = z.output<typeof StoredPushAccountSchema>;

/** A request already handled (answered, expired or closed), so it is never shown again. */
export const SeenRequestSchema = z.object({ accountId: z.string(), jti: z.string(), nonce: z.string().nullable() });
/** A request already handled. */
export type SeenRequest = z.output<typeof SeenRequestSchema>;

/** The push part of the vault payload. */
export const PushVaultStateSchema = z.object({
  accounts: z.array(StoredPushAccountSchema),
  history: z.array(PushHistoryEntrySchema).max(HISTORY_LIMIT * 10),
  seen: z.array(SeenRequestSchema).optional(),
});
/** The push part of the vault payload. */
export type PushVaultState = { accounts: StoredPushAccount[]; history: PushHistoryEntry[]; seen?: SeenRequest[] };

/** The push state of a vault with no push accounts. */
export const EMPTY_PUSH_STATE: PushVaultState = Object.freeze({ accounts: [], history: [], seen: [] }) as PushVaultState;
