import { createHash } from 'crypto';

/** Longest generated object name: a DNS-1123 label, so the name also fits places that need one (labels, Services). */
export const MAX_OBJECT_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * A Kubernetes object name derived deterministically from the Kestra identity of a resource
 * (e.g. tenant, namespace and flow id). The readable part is the parts joined with `-`,
 * lower-cased, every character outside `[a-z0-9-]` replaced by `-`. When that loses
 * information (upper case, `.`, `_`, characters replaced, or the result is too long), an
 * 8-character hash of the exact parts is appended, so that distinct identities never share
 * a name: `company.team` + `My_Flow` → `company-team-my-flow-1a2b3c4d`.
 */
export function kubernetesObjectName(parts: readonly string[]): string {
  const exact = parts.join('-');
  let readable = exact.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (readable === exact && readable.length <= MAX_OBJECT_NAME_LENGTH && parts.every((p) => p.length > 0 && !p.includes('-'))) {
    return readable;
  }
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, HASH_LENGTH);
  readable = readable.slice(0, MAX_OBJECT_NAME_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return readable ? `${readable}-${hash}` : hash;
}
