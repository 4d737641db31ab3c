/**
 * Report drafts kept in the browser, so text typed on a phone survives a dropped connection, a
 * timeout or a closed tab. Keyed by user: on a shared PC one person never sees another's draft,
 * and log-out removes all of the user's drafts.
 */

export type LocalDraft<V> = { values: V; savedAt: number };

const PREFIX = 'tiaodu.drafts.';
/** Drafts from before they were keyed by user: nobody's, so cleared at any log-out. */
const UNKEYED_PREFIX = 'tiaodu.draft.';

const userPrefix = (userId: number | string) => `${PREFIX}${encodeURIComponent(String(userId))}.`;

export function draftKey(userId: number | string, code: string, ym: string): string {
  return `${userPrefix(userId)}${code}.${ym}`;
}

export function readDraft<V>(key: string): LocalDraft<V> | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalDraft<V>) : null;
  } catch {
    return null;
  }
}

export function writeDraft<V>(key: string, values: V): void {
  try {
    localStorage.setItem(key, JSON.stringify({ values, savedAt: Date.now() }));
  } catch {
    // storage full or disabled: the server-side draft still holds what was saved
  }
}

export function removeDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to remove
  }
}

/** Every draft of this user (and any unkeyed old one): called at log-out. */
export function clearReportDrafts(userId: number | string): void {
  try {
    const mine = userPrefix(userId);
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && (k.startsWith(mine) || k.startsWith(UNKEYED_PREFIX))) keys.push(k);
    }
    for (const k of keys) localStorage.removeItem(k);
  } catch {
    // storage disabled: nothing was kept
  }
}
