import { z } from 'zod';

/** The only reader of process.env: parsed once, failing fast with a message that names the variable. */
const schema = z
  .object({
    DATABASE_URL: z.string().url().optional(),
    TIAODU_DATA_DIR: z.string().default('./data'),
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
    /** Behind a reverse proxy: `true`, a hop count, or a comma-separated list of proxy addresses. */
    TIAODU_TRUST_PROXY: z
      .string()
      .optional()
      .transform((v): boolean | number | string[] | undefined => {
        if (v === undefined || v === '' || v === 'false' || v === '0') return undefined;
        if (v === 'true') return true;
        if (/^\d+$/.test(v)) return Number(v);
        return v.split(',').map((s) => s.trim());
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

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量无效 / invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
