/**
 * Enrolling this device at a push server from a `twofold://enroll?...` link: a new device key, a
 * registration signed with it, and the server key pinned only if it matches the link's fingerprint.
 */
import { TwofoldError } from '../../../common/errors';
import { generateSigningKey, randomId, signMessage, thumbprintOf } from '../../../common/push-jws';
import { PUSH_PATHS, RegistrationResultSchema, parseEnrollmentUri } from '../../../common/push-protocol';
import type { Clock } from '../ports';
import { DevicePrivateJwkSchema, type StoredPushAccount } from './push-state';
import { postJson } from './push-http';

/** Registers a new device key at the server named by `uri` and returns the account to store. */
export async function enrollDevice(uri: string, deps: { clock: Clock; deviceName: string }): Promise<StoredPushAccount> {
  const parsed = parseEnrollmentUri(uri);
  if (!parsed.ok) throw new TwofoldError('ENROLL_URI_INVALID', parsed.problem.message, parsed.problem.field);
  const { server, code, fingerprint } = parsed.value;
  const { pair, privateJwk } = await generateSigningKey();
  const proof = await signMessage(
    'registration',
    { v: 1, code, iat: Math.floor(deps.clock.now() / 1000), aud: server + PUSH_PATHS.devices },
    pair.privateKey,
  );
  const result = await postJson(server + PUSH_PATHS.devices, {
    v: 1,
    code,
    deviceName: deps.deviceName.slice(0, 100),
    publicKey: pair.publicJwk,
    proof,
  });
  if (result.kind === 'unreachable') {
    throw new TwofoldError('PUSH_SERVER_UNREACHABLE', `Could not reach ${server} (${result.reason}). Check your connection and try again.`);
  }
  if (result.kind === 'refused') {
    throw new TwofoldError('ENROLL_FAILED', `The server refused the enrollment: ${asSentence(result.message)} Get a new link from the server's security page and try again.`);
  }
  const answer = RegistrationResultSchema.safeParse(result.body);
  if (!answer.success) throw new TwofoldError('ENROLL_FAILED', 'The server answered the enrollment with something Twofold does not understand. Nothing was saved.');
  // The pin: a server (or someone in the middle) whose key differs from the link's never gets trusted.
  if ((await thumbprintOf(answer.data.serverKey)) !== fingerprint) {
    throw new TwofoldError(
      'SERVER_KEY_MISMATCH',
      "The server's key does not match the fingerprint in the enrollment link, so nothing was saved. Get a new link from the server's security page; if it happens again, someone may be intercepting the connection.",
    );
  }
  return {
    id: randomId(),
    issuer: answer.data.issuer || parsed.value.issuer,
    account: answer.data.account || parsed.value.account,
    server,
    deviceId: answer.data.deviceId,
    devicePrivateJwk: DevicePrivateJwkSchema.parse(privateJwk),
    serverKey: answer.data.serverKey,
    enrolledAt: deps.clock.now(),
  };
}

/** Ends a server's message with a full stop so it reads well inside ours. */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
