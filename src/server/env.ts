import { isIP } from 'node:net';
import { z } from 'zod';

/** An address, a CIDR range, or one of proxy-addr's names for the private ranges. */
const isProxyAddress = (a: string) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(a)) return true;
  const [ip, bits, ...more] = a.split('/');
  return (
    isIP(ip ?? '') !== 0 && more.length === 0 && (bits === undefined || /^\d{1,3}$/.test(bits))
  );
};

/** The only reader of process.env: parsed once, failing fast with a message that names the variable. */
const schema = z
  .object({
    DATABASE_URL: z.string().url().optional(),
    /**
     * The owner role's URL, used only to run migrations; the app then connects with
     * DATABASE_URL as a role that cannot alter tables (README: database roles).
     */
    DATABASE_MIGRATE_URL: z.string().url().optional(),
    /** Appends the audit chain's head (office, seq, HMAC) as a JSON line to this file. */
    TIAODU_AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
    /** Seconds between anchors of the audit chain's head (written only when it moved). */
    TIAODU_AUDIT_ANCHOR_INTERVAL: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Anchor the head after this many new audit rows too. */
    TIAODU_AUDIT_ANCHOR_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    TIAODU_DATA_DIR: z.string().default('./data'),
    /**
     * The mail server for the daily digest of each person's inbox (smtp://user:pass@host:587 or
     * smtps://…); without it no e-mail is sent and the inbox stays in the app only.
     */
    TIAODU_SMTP_URL: z.string().url().optional(),
    TIAODU_MAIL_FROM: z.string().min(3).default('Tiaodu 调度 <noreply@localhost>'),
    /** The address people open the app at, for the links in e-mails (https://tiaodu.example.gov.cn). */
    TIAODU_PUBLIC_URL: z.string().url().optional(),
    /** The hour of the office's day (China Standard Time) from which the daily digest is sent. */
    TIAODU_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    NODE_ENV: z.string().optional(),
    /**
     * The master key for SM4 field encryption, HMAC-SM3 tags, session tokens and the audit chain.
     * At least 32 characters, e.g. `openssl rand -hex 32`. Required when NODE_ENV=production.
     */
    TIAODU_SECRET_KEY: z
      .string()
      .min(32, { message: 'TIAODU_SECRET_KEY 至少 32 个字符 / must be at least 32 characters' })
      .optional(),
    /**
     * Behind a reverse proxy: a hop count (`1` for one proxy on this machine in front) or a
     * comma-separated list of the proxies' addresses. Not `true`: trusting every hop lets any
     * client write its own X-Forwarded-For, so the audit log and the log-in limits would record
     * a forged address. See trustProxyOption.
     */
    TIAODU_TRUST_PROXY: z
      .string()
      .optional()
      .refine((v) => v?.trim().toLowerCase() !== 'true', {
        message:
          '不能信任所有代理（true）：请填写代理层数（如 1）或代理地址列表（如 10.0.0.2,10.0.0.3） / `true` (trust every hop) is refused: give a hop count (e.g. 1) or a comma-separated list of proxy addresses',
      })
      .transform((v, ctx): number | string[] | undefined => {
        if (v === undefined || v === '' || v === 'false' || v === '0') return undefined;
        if (/^\d+$/.test(v)) return Number(v);
        const list = v.split(',').map((s) => s.trim());
        const bad = list.filter((a) => !isProxyAddress(a));
        if (bad.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `不是代理层数或地址：${bad.join(', ')} / not a hop count or a proxy address: ${bad.join(', ')}`,
          });
        }
        return list;
      }),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.TIAODU_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['TIAODU_SECRET_KEY'],
        message:
          '生产模式（NODE_ENV=production）必须设置密钥，例如 `export TIAODU_SECRET_KEY=$(openssl rand -hex 32)`，并妥善保管（丢失后已加密的数据与审计链无法核验） / production mode needs TIAODU_SECRET_KEY (e.g. `openssl rand -hex 32`); keep it safe and out of the repository',
      });
    }
  });

export type Env = z.infer<typeof schema>;

const isLoopback = (address: string) =>
  /^(127\.|::ffff:127\.)/.test(address) || address === '::1' || address === '0:0:0:0:0:0:0:1';

/**
 * Fastify's `trustProxy` for TIAODU_TRUST_PROXY. Fastify (since 5.12.1) ignores a bare hop count:
 * a count cannot tell the proxy from a client that connects directly and writes its own
 * X-Forwarded-For. So here a count trusts that many hops only when the nearest one is on this
 * machine (a proxy in front of `--host 127.0.0.1`, as the README sets it up); a proxy on
 * another host is named by its address.
 */
export function trustProxyOption(
  value: Env['TIAODU_TRUST_PROXY'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (value === undefined) return false;
  if (typeof value !== 'number') return value;
  return (address, hop) => hop < value && (hop > 0 || isLoopback(address));
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量无效 / invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
