/**
 * The Twofold push protocol, version 1: the single source of message shapes for the identity
 * provider (server/) and the device (main/core/push). docs/push-protocol.md explains it in prose.
 *
 * Every signed message is a compact JWS (a JWT) signed with Ed25519 through jose. The server signs
 * sign-in requests; the device signs its registration proof, connection authentication, polls and
 * decisions. Each kind has its own `typ`, so one kind can never be replayed as another.
 */
import { z } from 'zod';

/** Protocol version carried in every payload and in every endpoint path. */
export const PUSH_PROTOCOL_VERSION = 1;
/** The JWS algorithm (RFC 9864 "Ed25519"). */
export const PUSH_ALG = 'Ed25519';
/** Clock skew accepted on device-signed timestamps, in seconds. */
export const MAX_SKEW_SECONDS = 60;
/** How long a sign-in request can be answered, in seconds (DESIGN: 60 s). */
export const REQUEST_TTL_SECONDS = 60;
/** How long an enrollment code is valid, in seconds. */
export const ENROLLMENT_TTL_SECONDS = 10 * 60;
/** The largest message either side accepts, in bytes (JWS text or WebSocket frame). */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Server → device WebSocket heartbeat interval, in seconds; a device that hears nothing for 2.5× this reconnects. */
export const HEARTBEAT_SECONDS = 20;
/** The URI scheme of enrollment links. */
export const ENROLL_SCHEME = 'twofold';

/** The `typ` header of each signed message kind. */
export const JWS_TYPES = {
  request: 'twofold-request+jwt',
  registration: 'twofold-registration+jwt',
  auth: 'twofold-auth+jwt',
  poll: 'twofold-poll+jwt',
  decision: 'twofold-decision+jwt',
} as const;

/** Endpoint paths, relative to the server's origin. */
export const PUSH_PATHS = {
  devices: '/push/v1/devices',
  stream: '/push/v1/stream',
  poll: '/push/v1/poll',
  decisions: '/push/v1/decisions',
} as const;

const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters of A–Z, a–z, 0–9, _ or -');
const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const Text = (max: number) => z.string().max(max);

/** A public Ed25519 key as a JWK. */
export const PublicJwkSchema = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: Base64Url.length(43) });
/** A public Ed25519 key as a JWK. */
export type PublicJwk = z.output<typeof PublicJwkSchema>;

/** The parameters of an enrollment link `twofold://enroll?...`. */
export const EnrollmentSchema = z.object({
  /** The push server's origin: https, or http on a loopback address during development. */
  server: z.string().url(),
  /** The one-time enrollment code. */
  code: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'is not a valid enrollment code'),
  /** SHA-256 JWK thumbprint (RFC 7638, base64url) of the server's signing key: pinned at enrollment. */
  fingerprint: Base64Url.length(43),
  /** The account at the server, for display (e.g. an email address). */
  account: Text(200),
  /** The server's display name. */
  issuer: Text(100),
});
/** The parameters of an enrollment link. */
export type Enrollment = z.output<typeof EnrollmentSchema>;

/** POST {devices}: the device registers its public key with an enrollment code. */
export const RegistrationBodySchema = z.object({
  v: z.literal(1),
  code: z.string().max(128),
  deviceName: Text(100),
  publicKey: PublicJwkSchema,
  /** A registration JWS signed by the new device key: proves possession of the private key. */
  proof: z.string().max(MAX_MESSAGE_BYTES),
});
/** Claims of the registration proof. */
export const RegistrationClaimsSchema = z.object({ v: z.literal(1), code: z.string(), iat: z.number(), aud: z.string() });

/** The server's answer to a registration. */
export const RegistrationResultSchema = z.object({
  v: z.literal(1),
  deviceId: Id,
  account: Text(200),
  issuer: Text(100),
  serverKey: PublicJwkSchema,
});
export type RegistrationResult = z.output<typeof RegistrationResultSchema>;

/** Device-signed authentication of a WebSocket connection or a poll: who, for which endpoint, when. */
export const DeviceAuthClaimsSchema = z.object({
  v: z.literal(1),
  /** The device id. */
  sub: Id,
  /** The full URL of the endpoint (origin + path), so a token for one endpoint is useless at another. */
  aud: z.string(),
  iat: z.number().int(),
  /** Unique per token; the server refuses a nonce it has seen. */
  jti: Id,
});
export type DeviceAuthClaims = z.output<typeof DeviceAuthClaimsSchema>;

/** Where a sign-in attempt comes from, as the server saw it. */
export const SignInContextSchema = z.object({
  application: Text(100),
  browser: Text(100),
  os: Text(100),
  ip: Text(64),
  location: Text(100),
});
export type SignInContext = z.output<typeof SignInContextSchema>;

/** A sign-in request, signed by the server, addressed to one device. It never carries the number. */
export const SignInRequestClaimsSchema = z.object({
  v: z.literal(1),
  /** Request id; one request may be addressed to several of the user's devices. */
  jti: Id,
  /** Unique random value; a device refuses a (jti, nonce) pair it has already seen. */
  nonce: Id,
  /** The server's origin. */
  iss: z.string(),
  /** The device id this copy is for. */
  aud: Id,
  /** The account at the server (display). */
  sub: Text(200),
  context: SignInContextSchema,
  /** Whether the user must type the number shown on the sign-in page. */
  numberMatching: z.boolean(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type SignInRequestClaims = z.output<typeof SignInRequestClaimsSchema>;

/** Why a request was denied. */
export const DenyReasonSchema = z.enum(['not-me', 'cancelled']);
export type DenyReason = z.output<typeof DenyReasonSchema>;

/** The device's decision on a request. */
export const DecisionClaimsSchema = z.discriminatedUnion('decision', [
  z.object({
    v: z.literal(1),
    decision: z.literal('approve'),
    /** The number the user typed (number matching); the server compares it. */
    number: z.number().int().min(0).max(99).nullable(),
    requestId: Id,
    sub: Id,
    aud: z.string(),
    iat: z.number().int(),
    jti: Id,
  }),
  z.object({
    v: z.literal(1),
    decision: z.literal('deny'),
    reason: DenyReasonSchema,
    requestId: Id,
    sub: Id,
    aud: z.string(),
    iat: z.number().int(),
    jti: Id,
  }),
]);
export type DecisionClaims = z.output<typeof DecisionClaimsSchema>;

/** Body of POST {poll} and POST {decisions}: one device-signed JWS. */
export const SignedBodySchema = z.object({ jws: z.string().max(MAX_MESSAGE_BYTES) });

/** Answer to a poll: the pending requests for this device, each a server-signed JWS. */
export const PollResultSchema = z.object({ v: z.literal(1), requests: z.array(z.string().max(MAX_MESSAGE_BYTES)).max(100) });

/** Answer to a decision. */
export const DecisionResultSchema = z.object({
  v: z.literal(1),
  status: z.enum(['approved', 'denied']),
});

/** Messages from server to device on the WebSocket. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), v: z.literal(1) }),
  z.object({ type: z.literal('request'), jws: z.string().max(MAX_MESSAGE_BYTES) }),
  /** A request was answered (possibly by another device) or expired: stop showing it. */
  z.object({ type: z.literal('closed'), requestId: Id, outcome: z.enum(['approved', 'denied', 'expired', 'fraud']) }),
]);
export type ServerMessage = z.output<typeof ServerMessageSchema>;

/** Messages from device to server on the WebSocket: only the first, authenticating one. */
export const DeviceHelloSchema = z.object({ type: z.literal('auth'), jws: z.string().max(MAX_MESSAGE_BYTES) });

/** Error codes the push endpoints answer with (HTTP 4xx body `{ error, message }`). */
export const PUSH_ERRORS = [
  'bad_request',
  'too_large',
  'invalid_signature',
  'wrong_type',
  'stale_timestamp',
  'replayed',
  'unknown_device',
  'revoked',
  'enrollment_invalid',
  'request_unknown',
  'request_expired',
  'already_answered',
  'wrong_number',
  'unsupported_version',
  'wrong_audience',
  'muted',
  'rate_limited',
] as const;
export type PushErrorCode = (typeof PUSH_ERRORS)[number];
/** The body of a push endpoint's error answer. */
export const PushErrorBodySchema = z.object({ error: z.enum(PUSH_ERRORS), message: z.string() });

/** True for the loopback hosts on which plain http/ws is tolerated (development only). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Checks a push server origin: https, or http on loopback. Returns the normalised origin or a reason. */
export function checkServerOrigin(raw: string): { ok: true; origin: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  if (url.protocol === 'https:') return { ok: true, origin: url.origin };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { ok: true, origin: url.origin };
  return { ok: false, reason: 'must use https (plain http is allowed only on this computer, for development)' };
}

/** Builds the enrollment link a server shows as a QR code. */
export function formatEnrollmentUri(e: Enrollment): string {
  const q = new URLSearchParams({ v: '1', server: e.server, code: e.code, fp: e.fingerprint, account: e.account, issuer: e.issuer });
  return `${ENROLL_SCHEME}://enroll?${q.toString()}`;
}

/** Why an enrollment link was refused: the field at fault and a message. */
export interface EnrollmentUriProblem {
  field: string;
  message: string;
}

/** Parses `twofold://enroll?...`. Returns the enrollment or the first problem, naming the field. */
export function parseEnrollmentUri(raw: string): { ok: true; value: Enrollment } | { ok: false; problem: EnrollmentUriProblem } {
  const fail = (field: string, message: string) => ({ ok: false as const, problem: { field, message } });
  const text = raw.trim();
  if (!text.toLowerCase().startsWith(`${ENROLL_SCHEME}://enroll?`)) {
    return fail('scheme', `This is not a Twofold enrollment link (it should start with ${ENROLL_SCHEME}://enroll?).`);
  }
  const params = new URLSearchParams(text.slice(text.indexOf('?') + 1));
  const version = params.get('v');
  if (version !== '1') return fail('v', `This enrollment link is for protocol version ${version ?? '(none)'}; this Twofold understands version 1.`);
  const server = params.get('server') ?? '';
  const origin = checkServerOrigin(server);
  if (!origin.ok) return fail('server', `The server address ${origin.reason}.`);
  const parsed = EnrollmentSchema.safeParse({
    server: origin.origin,
    code: params.get('code') ?? '',
    fingerprint: params.get('fp') ?? '',
    account: params.get('account') ?? '',
    issuer: params.get('issuer') ?? '',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? 'uri');
    const names: Record<string, string> = { code: 'code', fingerprint: 'fp', account: 'account', issuer: 'issuer' };
    return fail(names[field] ?? field, `The enrollment link's ${names[field] ?? field} ${issue.message.replace(/^Invalid input: /, '')}.`);
  }
  return { ok: true, value: parsed.data };
}
