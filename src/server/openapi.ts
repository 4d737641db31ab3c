import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from './modules/accounts/sessions.service.ts';
import { routeAccessOf } from './policy.ts';

/**
 * The OpenAPI document as a client generator needs it (redocly's recommended rules, checked in
 * openapi.test.ts): the session cookie as the security scheme of every operation but the public
 * ones, an operationId on each, the error answer every route can give, one server.
 */

/** `GET /api/projects/:code/plans/:year` → `getProjectsByCodePlansByYear`: unique per route. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

type Schema = Record<string, unknown>;

const transform: NonNullable<FastifyDynamicSwaggerOptions['transform']> = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const schema = (out.schema ?? {}) as Schema;
  const method = [input.route.method].flat()[0]!;
  const access = routeAccessOf(input.url, (input.route.config ?? {}) as never);
  return {
    url: out.url,
    schema: {
      ...schema,
      operationId: (schema.operationId as string | undefined) ?? operationIdOf(method, input.url),
      // log-in and the demo's accounts are reached without a session
      ...(access === 'public' ? { security: [] } : {}),
    },
  };
};

const ERROR_SCHEMA = {
  type: 'object',
  description: 'every refusal: a code, the message in Chinese and English, the field it names',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'project.not_found' },
        message: { type: 'string', example: '项目“P1”不存在' },
        messageEn: { type: 'string', example: 'project "P1" not found' },
        field: { type: 'string' },
      },
    },
  },
};

/** OpenAPI 3.0 has no `nullable` beside `anyOf` without a type: say it in each branch. */
function nullableInBranches(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) nullableInBranches(n);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const s = node as Schema;
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (s.nullable === true && s.type === undefined && Array.isArray(branches)) {
    delete s.nullable;
    for (const b of branches) if (b.type !== undefined) b.nullable = true;
  }
  for (const v of Object.values(s)) nullableInBranches(v);
}

const transformObject: NonNullable<FastifyDynamicSwaggerOptions['transformObject']> = (doc) => {
  const api = ('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as Schema & {
    paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    components?: Record<string, Record<string, unknown>>;
  };
  api.components ??= {};
  api.components.schemas = { ...api.components.schemas, Error: ERROR_SCHEMA };
  for (const item of Object.values(api.paths ?? {})) {
    for (const op of Object.values(item)) {
      op.responses ??= {};
      if (!Object.keys(op.responses).some((code) => /^4/.test(code))) {
        op.responses['4XX'] = {
          description: '请求被拒绝（校验、权限、不存在、版本冲突）/ refused',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
      }
    }
  }
  nullableInBranches(api.paths);
  return api as ReturnType<NonNullable<FastifyDynamicSwaggerOptions['transformObject']>>;
};

export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    info: {
      title: 'Tiaodu API',
      description: '重大项目调度平台 API: amounts are 万元 as decimal strings with two places',
      version: '0.1.0',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: '/', description: '本服务 / this server' }],
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: '登录（POST /api/auth/login）后的会话 Cookie / the cookie log-in sets',
        },
        feedToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            '上级平台的数据接口令牌（系统管理员在“数据接口”中创建，可随时撤销）/ a feed token the system admin creates for a higher-level platform; revocable at once',
        },
      },
    },
    security: [{ session: [] }],
  },
  transform,
  transformObject,
};
