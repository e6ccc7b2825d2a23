/** Longest generated object name: a DNS-1123 label, so the name also fits places that need one (labels, Services). */
export const MAX_OBJECT_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * A Kubernetes object name derived deterministically from the Kestra identity of a resource
 * (e.g. tenant, namespace and flow id). The readable part is the parts joined with `-`,
 * lower-cased, every character outside `[a-z0-9-]` replaced by `-`. When that loses
 * information (upper case, `.`, `_`, characters replaced, or the result is too long), an
 * 8-character hash (FNV-1a, 32 bits) of the exact parts is appended, so that distinct identities never share
 * a name: `company.team` + `My_Flow` → `company-team-my-flow-1a2b3c4d`.
 */
export function kubernetesObjectName(parts: readonly string[]): string {
  const exact = parts.join('-');
  // One pass: lower-case, runs of anything outside [a-z0-9-] and of '-' become one '-', none at the ends.
  let readable = '';
  let pendingDash = false;
  for (let i = 0; i < exact.length; i++) {
    let code = exact.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (pendingDash && readable.length > 0) readable += '-';
      pendingDash = false;
      readable += String.fromCharCode(code);
    } else {
      pendingDash = true;
    }
  }
  if (readable === exact && readable.length <= MAX_OBJECT_NAME_LENGTH && parts.every((p) => p.length > 0 && !p.includes('-'))) {
    return readable;
  }
  const hash = fnv1a32(JSON.stringify(parts));
  readable = readable.slice(0, MAX_OBJECT_NAME_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return readable ? `${readable}-${hash}` : hash;
}

/**
 * FNV-1a over UTF-16 code units, as 8 hex digits. Names need a stable, well-spread suffix, not a
 * cryptographic one, and this runs for every generated resource (sha256 cost 10 µs each).
 */
/* eslint-disable no-bitwise -- a hash is bit arithmetic */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(HASH_LENGTH, '0');
}
/* eslint-enable no-bitwise */
