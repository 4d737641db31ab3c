/**
 * fast-check arbitraries for hostile API requests (reliability/hostile-api.test.ts): values
 * shaped by a route's own OpenAPI schema (so a good share pass validation and reach the
 * service), each field now and then replaced by a boundary or malicious value, plus wholly
 * random bodies, query strings and path segments.
 */
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  const?: unknown;
};

/** What the seeded office holds, so generated ids and codes often name real records. */
export type Pools = {
  /** ids that exist in some table (small integers: every table starts at 1) */
  maxId: number;
  /** project codes: the acting reporter's unit's, another unit's, archived ones */
  codes: string[];
  usernames: string[];
  years: number[];
};

/** Numbers no one expects: signs, floats, the 32- and 53-bit edges, overflow. */
export const boundaryNumbers = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.000001,
  1.5,
  99.999,
  100.0001,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Strings that break parsers, numbers, paths, encodings and SQL written by hand. */
export const boundaryStrings = [
  '',
  ' ',
  '\t\n',
  '0',
  '-1',
  '1e3',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1F',
  '0b101',
  '00001',
  '1_000',
  '1,000.00',
  '１２３', // full-width digits
  '12.345678901234567890',
  '99999999999999999999999999999999.99',
  '-0.00',
  '.5',
  '5.',
  '9'.repeat(400),
  'a'.repeat(5000),
  '调度'.repeat(3000),
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFEFF',
  '👷🏗️‍🔥',
  '\u202Eevil',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  '..',
  '.',
  '/',
  '\\',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  "' or '1'='1",
  "'; drop table projects; --",
  '%_\\',
  '<script>alert(1)</script>',
  '=cmd|" /C calc"!A0',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  '2026-11-29T25:61:00+08:00',
  '-271821-04-20',
];

/** Ids as a path segment or a query value: real ones, edges, and things that are not ids. */
export const hostileIdSegments = [
  '0',
  '-1',
  '2147483647',
  '2147483648',
  '9007199254740991',
  '9007199254740992',
  '99999999999999999999',
  '1e3',
  '1.5',
  '0x10',
  ' 1',
  '1%20',
  '%2e%2e%2f',
  '%2E%2E',
  '..',
  '.',
  '%00',
  '%25',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  enc('调度'),
  enc('👷'),
  '%C0%AE', // an overlong UTF-8 dot
  '%FF', // not UTF-8 at all
  'a'.repeat(3000),
];

/** encodeURIComponent, with a lone surrogate sent as the bytes it would be, not UTF-8 at all */
export function enc(s: string): string {
  const lone = /([\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;
  return s
    .split(lone)
    .map((part, i) => (i % 2 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** An object with an own property of any name, `__proto__` included (JSON.stringify keeps it). */
function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return o;
}

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...boundaryNumbers),
  fc.constantFrom(...boundaryStrings),
  fc.constantFrom(null, true, false),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 30, unit: 'grapheme' }),
);

/** Any JSON: scalars above, nested arrays and objects, prototype-pollution keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom(...protoKeys), fc.string({ maxLength: 12 })), tie('v')),
        { maxLength: 4 },
      )
      .map(ownObject),
  ),
})).v;

/** A decimal amount as the API takes it: good ones, and every way to get one wrong. */
export const amount: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 }))
    .map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`),
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.constantFrom(
    '0',
    '0.00',
    '-0.01',
    '0.001',
    '1e5',
    '12,000.00',
    '999999999999999999.99',
    '99999999999999999999999.99',
    ' 12.00 ',
    '+12',
    '١٢٣',
    0.1 + 0.2,
  ),
);

const dateString = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 2020, max: 2030 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 31 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.constantFrom('2026-02-29', '2024-02-29', '2026-11-29', '0001-01-01', '9999-12-31'),
);

function typesOf(schema: JsonSchema): string[] {
  return [schema.type ?? []].flat();
}

/** How often a field is swapped for a hostile value instead of a schema-shaped one. */
const HOSTILE_WEIGHT = 1;
const SHAPED_WEIGHT = 4;

/**
 * A value for `schema`, usually of its shape (named fields get pool values: ids, codes, years,
 * versions), sometimes hostile. `name` is the property's name, which says more than its type.
 */
export function valueFor(
  schema: JsonSchema | undefined,
  pools: Pools,
  name = '',
): fc.Arbitrary<unknown> {
  if (!schema) return hostileJson;
  return fc.oneof(
    { weight: SHAPED_WEIGHT, arbitrary: shaped(schema, pools, name) },
    { weight: HOSTILE_WEIGHT, arbitrary: hostileJson },
  );
}

function shaped(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) {
    const ts = alternatives.flatMap(typesOf);
    // the API's money fields: a decimal string or a number
    if (ts.includes('string') && ts.includes('number')) return amount;
    return fc.oneof(...alternatives.map((s) => shaped(s, pools, name)));
  }
  if (schema.allOf?.length) return shaped(Object.assign({}, ...schema.allOf), pools, name);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const base = shapedByType(schema, pools, name);
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function shapedByType(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<unknown> {
  const type = typesOf(schema)[0] ?? (schema.properties ? 'object' : undefined);
  const lower = name.toLowerCase();
  switch (type) {
    case 'integer':
    case 'number': {
      if (lower === 'year' || lower.endsWith('year')) {
        return fc.oneof(fc.constantFrom(...pools.years), fc.integer({ min: 1999, max: 2101 }));
      }
      if (lower === 'month' || lower.endsWith('month')) return fc.integer({ min: 0, max: 13 });
      if (lower === 'version') return fc.integer({ min: 0, max: 4 });
      if (lower === 'id' || lower.endsWith('id') || lower.endsWith('ids')) {
        return fc.integer({ min: 1, max: pools.maxId });
      }
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 1_000_000;
      const inRange =
        type === 'integer'
          ? fc.integer({
              min: Math.max(min, -1e9),
              max: Math.min(max, 1e9),
            })
          : fc.double({ min: Math.max(min, -1e9), max: Math.min(max, 1e9), noNaN: true });
      return fc.oneof(inRange, fc.constantFrom(min, max, min - 1, max + 1, (min + max) / 2));
    }
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (lower === 'code' || lower.endsWith('code')) {
        return fc.oneof(fc.constantFrom(...pools.codes), fc.stringMatching(/^[A-Z]{1,3}-\d{1,4}$/));
      }
      if (lower === 'username' || lower.endsWith('username')) {
        return fc.oneof(fc.constantFrom(...pools.usernames), fc.string({ maxLength: 20 }));
      }
      if (/investment|amount|target|budget|money/.test(lower)) return amount;
      if (schema.format === 'date' || /date$|^from$|^to$|deadline|due/.test(lower)) {
        return fc.oneof(
          dateString,
          dateString.map((d) => `${d}T08:00:00+08:00`),
        );
      }
      if (schema.format === 'date-time') return dateString.map((d) => `${d}T08:00:00.000Z`);
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern), { size: 'small' });
        } catch {
          // a pattern JavaScript cannot read: any string will do
        }
      }
      const maxLength = Math.min(schema.maxLength ?? 60, 60);
      const minLength = Math.min(schema.minLength ?? 0, maxLength);
      return fc.oneof(
        fc.string({ minLength, maxLength, unit: 'grapheme' }),
        fc.constant('x'.repeat(schema.maxLength ?? 200)),
        fc.constant('x'.repeat((schema.maxLength ?? 200) + 1)),
      );
    }
    case 'array': {
      const item = valueFor(schema.items, pools, name.replace(/s$/, ''));
      return fc.oneof(
        fc.array(item, { maxLength: 4 }),
        fc.array(item, { minLength: 12, maxLength: 14 }),
      );
    }
    case 'object':
      return objectFor(schema, pools);
    default:
      return hostileJson;
  }
}

/** An object of the schema's properties: required ones usually there, others sometimes, extras. */
export function objectFor(schema: JsonSchema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = props.map(([key, s]) =>
    fc.tuple(
      fc.constant(key),
      valueFor(s, pools, key),
      // present: required ones 95%, optional ones half the time
      fc.integer({ min: 0, max: 99 }).map((n) => n < (required.has(key) ? 95 : 50)),
    ),
  );
  const extras = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...protoKeys), fc.string({ maxLength: 10 })), hostileJson),
    { maxLength: 2 },
  );
  return fc
    .tuple(fc.tuple(...fields), fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, extras))
    .map(([fs, ex]) =>
      ownObject([
        ...fs.filter(([, , present]) => present).map(([k, v]) => [k, v] as [string, unknown]),
        ...(ex as [string, unknown][]),
      ]),
    );
}

/** A path parameter's text as it goes into the URL (already encoded where it needs to be). */
export function pathSegment(
  schema: JsonSchema | undefined,
  pools: Pools,
  name: string,
): fc.Arbitrary<string> {
  const lower = name.toLowerCase();
  const shapedValue: fc.Arbitrary<string> =
    lower === 'code'
      ? fc.constantFrom(...pools.codes).map(encodeURIComponent)
      : lower === 'year'
        ? fc
            .oneof(fc.constantFrom(...pools.years), fc.integer({ min: 1999, max: 2101 }))
            .map(String)
        : schema?.enum?.length
          ? fc.constantFrom(...schema.enum.map(String)).map(encodeURIComponent)
          : fc.integer({ min: 1, max: pools.maxId }).map(String);
  return fc.oneof(
    { weight: 4, arbitrary: shapedValue },
    { weight: 2, arbitrary: fc.constantFrom(...hostileIdSegments) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...boundaryStrings).map((s) => enc(s) || '%20'),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent) },
  );
}

/** A query string (without `?`): the route's own parameters, shaped or not, and strays. */
export function queryString(
  params: { name: string; schema?: JsonSchema }[],
  pools: Pools,
): fc.Arbitrary<string> {
  const own = params.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 4, arbitrary: shaped(p.schema ?? {}, pools, p.name).map(queryText) },
        { weight: 1, arbitrary: fc.constantFrom(...boundaryStrings) },
        { weight: 1, arbitrary: hostileScalar.map(queryText) },
      ),
      { freq: 2 },
    ),
  );
  const stray = fc.constantFrom(
    '',
    '__proto__[x]=1',
    'constructor[prototype][x]=1',
    'a[b][c]=1',
    'page=1&page=2',
    'pageSize=-1',
    'pageSize=100000',
    'q=%',
    '%zz=1',
    '=',
    '&&&',
    'x',
    `q=${'%E8%B0%83'.repeat(500)}`,
  );
  return fc
    .tuple(
      fc.tuple(...own),
      fc.oneof({ weight: 4, arbitrary: fc.constant('') }, stray),
      // a repeated parameter arrives as an array
      fc.option(fc.constantFrom(...params.map((p) => p.name), 'x'), { freq: 8 }),
    )
    .map(([values, extra, repeated]) => {
      const parts = values.flatMap((v, i) =>
        v === null ? [] : [`${enc(params[i]!.name)}=${enc(v)}`],
      );
      if (repeated) parts.push(`${repeated}=1`, `${repeated}=2`);
      if (extra) parts.push(extra);
      return parts.join('&');
    });
}

function queryText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; payload: string | Buffer };

/** Text that is not JSON, or JSON nested too deep, in a JSON request. */
const malformed = fc.constantFrom(
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'null',
  '""',
  '[]',
  '1',
  'NaN',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"a":1e999999}',
);

const boundary = 'hostile-boundary-7d1f';

/** A multipart/form-data body with a file part (bytes of nothing in particular) and fields. */
export const multipart: fc.Arbitrary<Body> = fc
  .record({
    fieldName: fc.constantFrom('file', 'file', 'upload', ''),
    filename: fc.constantFrom(
      'a.png',
      'a.xlsx',
      '../../x.pdf',
      '调度.docx',
      '',
      'a'.repeat(500),
      'x.exe',
      'a\u0000.jpg',
    ),
    fileType: fc.constantFrom(
      'image/png',
      'image/jpeg',
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/plain',
      'application/octet-stream',
    ),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // the right magic bytes and garbage after them
      fc.constantFrom(
        Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
        Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]),
        Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]),
        new TextEncoder().encode('%PDF-1.4\n%garbage'),
      ),
    ),
    fields: fc.array(
      fc.tuple(
        fc.constantFrom('parentKind', 'parentId', 'eventId', 'projectId', 'kind', '__proto__'),
        fc.oneof(
          fc.constantFrom('meeting', 'action_item', 'rectification', 'supervision_notice', 'x'),
          fc.integer({ min: -1, max: 40 }).map(String),
          fc.constantFrom(...boundaryStrings.slice(0, 30)),
        ),
      ),
      { maxLength: 4 },
    ),
    truncated: fc.boolean(),
  })
  .map(({ fieldName, filename, fileType, bytes, fields, truncated }) => {
    const chunks: Buffer[] = [];
    for (const [k, v] of fields) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
      );
    }
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${fieldName}"; filename="${filename}"\r\nContent-Type: ${fileType}\r\n\r\n`,
      ),
      Buffer.from(bytes),
      Buffer.from(truncated ? '\r\n' : `\r\n--${boundary}--\r\n`),
    );
    return {
      kind: 'raw' as const,
      contentType: `multipart/form-data; boundary=${boundary}`,
      payload: Buffer.concat(chunks),
    };
  });

/** The body of one request to a route whose JSON body schema is `schema` (if any). */
export function bodyFor(
  schema: JsonSchema | undefined,
  pools: Pools,
  wantsFile: boolean,
): fc.Arbitrary<Body> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((value): Body => ({ kind: 'json', value }));
  return fc.oneof(
    {
      weight: schema ? 12 : 2,
      arbitrary: json(schema ? objectFor(schema, pools) : hostileJson),
    },
    { weight: 2, arbitrary: json(hostileJson) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    {
      weight: 1,
      arbitrary: malformed.map(
        (payload): Body => ({ kind: 'raw', contentType: 'application/json', payload }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'multipart/form-data',
            'application/json; charset=utf-16',
            '',
          ),
          fc.string({ maxLength: 40 }),
        )
        .map(([contentType, payload]): Body => ({ kind: 'raw', contentType, payload })),
    },
    { weight: wantsFile ? 12 : 1, arbitrary: multipart },
  );
}
