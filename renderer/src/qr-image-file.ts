/**
 * Reading a QR image the user picked, for the tabs that send one to main (add by QR image, push
 * enrollment): size and type checks, then base64 for the API.
 */

/** The largest image sent (the contract refuses more than ~15 MB of base64). */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/** Encodes bytes as base64 without building one huge argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * Checks and reads a picked image. `what` names the QR code in the message ("the QR code",
 * "the enrollment QR code").
 */
export async function readQrImageFile(
  file: File,
  what: string,
): Promise<{ ok: true; imageBase64: string } | { ok: false; message: string }> {
  if (file.size > MAX_IMAGE_BYTES) {
    return { ok: false, message: `That image is larger than 15 MB. Choose a smaller screenshot of ${what}.` };
  }
  if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
    return { ok: false, message: `Choose a PNG or JPEG image of ${what}.` };
  }
  return { ok: true, imageBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}
