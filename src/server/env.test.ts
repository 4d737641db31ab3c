import { describe, expect, it } from 'vitest';
import { readEnv, trustProxyOption } from './env.ts';

describe('TIAODU_TRUST_PROXY', () => {
  it('takes a hop count or a list of proxy addresses', () => {
    expect(readEnv({ TIAODU_TRUST_PROXY: '1' }).TIAODU_TRUST_PROXY).toBe(1);
    expect(readEnv({ TIAODU_TRUST_PROXY: '10.0.0.2, 10.1.0.0/16,::1' }).TIAODU_TRUST_PROXY).toEqual(
      ['10.0.0.2', '10.1.0.0/16', '::1'],
    );
    expect(readEnv({ TIAODU_TRUST_PROXY: 'loopback' }).TIAODU_TRUST_PROXY).toEqual(['loopback']);
    expect(readEnv({}).TIAODU_TRUST_PROXY).toBeUndefined();
    expect(readEnv({ TIAODU_TRUST_PROXY: 'false' }).TIAODU_TRUST_PROXY).toBeUndefined();
  });

  it('refuses `true`: trusting every hop lets any client forge its address', () => {
    for (const v of ['true', 'TRUE', ' true ']) {
      expect(() => readEnv({ TIAODU_TRUST_PROXY: v })).toThrow(
        /TIAODU_TRUST_PROXY: .*hop count.*list of proxy addresses/,
      );
    }
  });

  it('refuses anything else that is not an address, naming it', () => {
    expect(() => readEnv({ TIAODU_TRUST_PROXY: 'yes' })).toThrow(
      /TIAODU_TRUST_PROXY: .*not a hop count or a proxy address: yes/,
    );
    expect(() => readEnv({ TIAODU_TRUST_PROXY: '10.0.0.2,proxy.local' })).toThrow(/proxy\.local/);
  });
});

describe('a hop count', () => {
  // Fastify since 5.12.1 trusts nothing for a bare count, so a count becomes a function here.
  it('trusts that many hops when the nearest is on this machine', () => {
    const trust = trustProxyOption(readEnv({ TIAODU_TRUST_PROXY: '1' }).TIAODU_TRUST_PROXY);
    if (typeof trust !== 'function') throw new Error('a count gives a function');
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('::ffff:127.0.0.1', 0)).toBe(true);
    // the address the proxy appended is the client's: not trusted further
    expect(trust('203.0.113.9', 1)).toBe(false);
  });

  it('never trusts a client that connects directly, whatever X-Forwarded-For it writes', () => {
    const trust = trustProxyOption(readEnv({ TIAODU_TRUST_PROXY: '2' }).TIAODU_TRUST_PROXY);
    if (typeof trust !== 'function') throw new Error('a count gives a function');
    expect(trust('203.0.113.9', 0)).toBe(false);
    expect(trust('10.0.0.2', 0)).toBe(false);
  });

  it('an address list goes to Fastify as it is; nothing set trusts nothing', () => {
    expect(trustProxyOption(['10.0.0.2'])).toEqual(['10.0.0.2']);
    expect(trustProxyOption(undefined)).toBe(false);
  });
});
