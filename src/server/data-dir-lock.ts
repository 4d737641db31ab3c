import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** The lock file a PGlite data directory holds while a process has it open. */
export const LOCK_FILE = 'tiaodu.lock';

/** Said when another live process holds a PGlite data directory (the CLI adds what to do). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly host: string,
  ) {
    const where = host === hostname() ? `进程 ${pid}` : `${host} 上的进程 ${pid}`;
    const whereEn = host === hostname() ? `process ${pid}` : `process ${pid} on ${host}`;
    super(
      `数据目录 ${dataDir} 正被${where}使用：请先停止 \`tiaodu serve\`，或从运行中的服务下载备份（系统管理员：GET /api/admin/backup）/ the data directory ${dataDir} is in use by ${whereEn} — stop \`tiaodu serve\` first, or download the backup from the running server (system admin: GET /api/admin/backup). If no such process runs, delete ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Data directories this process holds, with how many opens each (tests re-open one). */
const held = new Map<string, number>();
let exitHook = false;

type LockOwner = { pid?: number; host?: string; boot?: string | null; start?: string | null };

/** Linux: this boot's id, and when a process started (ticks since boot); null elsewhere. */
function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name in parentheses; the 22nd field is the start time
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function writeLock(dataDir: string, flag: 'w' | 'wx' = 'w') {
  const owner: LockOwner & { since: string } = {
    pid: process.pid,
    host: hostname(),
    boot: bootId(),
    start: startOf(process.pid),
    since: new Date().toISOString(),
  };
  writeFileSync(join(dataDir, LOCK_FILE), `${JSON.stringify(owner)}\n`, { flag });
}

/**
 * Whether the lock's process still runs. A pid is reused: after a reboot (a power cut) or long
 * enough, the number may name another program, which must not keep the office's server from
 * starting; on Linux the boot id and the process's start time tell them apart.
 */
function holderRuns(owner: LockOwner, pid: number): boolean {
  if (!alive(pid)) return false;
  if (owner.boot && owner.boot !== bootId()) return false;
  const start = owner.start ? startOf(pid) : null;
  return !(start && start !== owner.start);
}

/** Removes the lock file when this process holds it (never another's that replaced it). */
function unlockIfOurs(file: string) {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8'));
    if (owner.pid === process.pid && owner.host === hostname()) rmSync(file, { force: true });
  } catch {
    // gone already, or not a lock this process wrote
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process per data directory: two processes opening the same one corrupt it. So
 * the first takes a lock file there (pid and host); another live process is refused with what to
 * do, and a lock left by a dead one (a killed server) is taken over, so a crashed server starts
 * again at once. Returns the release, which the last close of this process performs.
 */
export function lockDataDir(dataDir: string): () => void {
  const key = resolve(dataDir);
  const file = join(key, LOCK_FILE);
  if (!held.has(key)) {
    for (let attempt = 0; ; attempt++) {
      try {
        writeLock(key, 'wx');
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw e;
      }
      let owner: LockOwner = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // half-written or unreadable: a process that died while taking it
      }
      const pid = Number(owner.pid);
      const host = owner.host ?? hostname();
      const ours = pid === process.pid && host === hostname();
      // Another host's process cannot be asked whether it runs: treated as live.
      if (
        !ours &&
        Number.isInteger(pid) &&
        pid > 0 &&
        (host !== hostname() || holderRuns(owner, pid))
      ) {
        throw new DataDirInUseError(dataDir, pid, host);
      }
      if (ours) {
        // left by this process (a dump it loaded, or a close that never ran)
        writeLock(key);
        break;
      }
      rmSync(file, { force: true });
    }
    if (!exitHook) {
      exitHook = true;
      // A process that exits without closing (an error, process.exit) leaves no lock behind.
      process.once('exit', () => {
        for (const dir of held.keys()) unlockIfOurs(join(dir, LOCK_FILE));
      });
    }
  }
  held.set(key, (held.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (held.get(key) ?? 1) - 1;
    if (n > 0) {
      held.set(key, n);
      return;
    }
    held.delete(key);
    unlockIfOurs(file);
  };
}
