/**
 * Issue 13, items 3 and 7: several `tiaodu serve` instances behind one load balancer, and what an
 * operator's orchestrator relies on in each of them.
 *
 * Two instances on one PostgreSQL database must behave as one server: a session made on one is
 * good on the other (and ended on both by a log-out on either), two saves of the same record
 * with the same version at the same instant give one success and one 409 whichever instance
 * each lands on, and the daily digest, which every instance schedules, is sent once.
 *
 * Each instance, on either engine: /healthz while the process runs, /readyz only while the
 * database answers with every migration applied, a request id on every response that finds the
 * request's line in the JSON log, and a SIGTERM that lets the requests in flight finish before
 * the process exits with 0.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isoDateOf } from '../src/domain/periods.ts';
import { type Database, queryRows } from '../src/server/db.ts';
import { actorOf } from '../src/server/modules/accounts/account-views.ts';
import { users } from '../src/server/modules/accounts/accounts.table.ts';
import { sealField } from '../src/server/modules/accounts/crypto.ts';
import { inboxOf } from '../src/server/modules/inbox/inbox.service.ts';
import { Client } from './support/client.ts';
import { reportFigures } from './support/figures.ts';
import { currentMonth, PASSWORD, type SeededOffice, seedOffice } from './support/office.ts';
import { type RunningServer, startServer } from './support/server.ts';
import { startSmtpSink } from './support/smtp-sink.ts';
import { ENGINES, freshStore, type Store } from './support/stores.ts';
import { problemsIn } from './support/verify.ts';

/** Rounds of each race: enough that both orders and near-ties happen, cheap enough for CI. */
const RACE_ROUNDS = 20;
/** Slow requests in flight when SIGTERM arrives. */
const IN_FLIGHT = 6;

const figures: Record<string, string | number | boolean> = {};

afterAll(() => {
  if (Object.keys(figures).length > 0) reportFigures('instances', figures);
});

const hourInChina = (now = new Date()) => (now.getUTCHours() + 8) % 24;

/**
 * The digest claims a row per office and day (China Standard Time). Both instances must start
 * within one such day, or each would rightly send that day's digest: wait out the last two
 * minutes before midnight there.
 */
async function notAtMidnightInChina() {
  const now = new Date();
  const cst = new Date(now.getTime() + 8 * 3_600_000);
  const untilMidnight =
    Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate() + 1) - cst.getTime();
  if (untilMidnight < 120_000) await new Promise((r) => setTimeout(r, untilMidnight + 1_000));
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database', () => {
  let store: Store;
  let database: Database;
  let office: SeededOffice;
  let a: RunningServer;
  let b: RunningServer;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  /** who should get a digest: an address and something in the inbox */
  const expectedMail = new Map<string, number>();
  let digestDay = '';

  beforeAll(async () => {
    store = await freshStore('postgres');
    database = await store.open();
    office = await seedOffice(database.db, { units: 3, projectsPerUnit: 2, coordinators: 1 });
    // Everyone gets an address; only those with something to do get a mail (the reporters
    // have this month's reports to write; the coordinator and the leader have nothing yet).
    const people = await database.db
      .select()
      .from(users)
      .where(eq(users.officeId, office.officeId));
    const now = new Date();
    for (const person of people) {
      const mail = `${person.username}@tiaodu.test`;
      await database.db
        .update(users)
        .set({ email: sealField(mail, `users.email:${person.id}`) })
        .where(eq(users.id, person.id));
      const inbox = await inboxOf(database.db, { actor: actorOf(person), now });
      if (inbox.count > 0 && !person.disabledAt) expectedMail.set(mail, 1);
    }
    sink = await startSmtpSink();
    await notAtMidnightInChina();
    digestDay = isoDateOf(new Date());
    const env = {
      TIAODU_SMTP_URL: sink.url,
      // Due from this hour of the office's day: each instance tries to claim it as it starts.
      TIAODU_DIGEST_HOUR: String(hourInChina()),
    };
    // Started together, so both claim today's digest at about the same moment.
    [a, b] = await Promise.all([startServer(store, { env }), startServer(store, { env })]);
  });

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await sink?.close();
    await database?.close();
    await store?.drop();
  });

  test('a session made on one instance works on the other, and a log-out on either ends it', async () => {
    const reporter = office.units[0];
    const onA = new Client(a.baseURL);
    await onA.login(reporter.reporter, PASSWORD);
    const onB = onA.on(b.baseURL);

    const me = await onB.request<{ user: { username: string } }>('GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(reporter.reporter);

    // A state-changing request needs the session's CSRF token, which B must accept too.
    const { year, month } = currentMonth();
    const saved = await onB.request<{ id: number; version: number }>('POST', '/reports', {
      projectId: reporter.projects[0].id,
      year,
      month,
      investment: '100.00',
      progressText: 'saved on B with the session made on A',
      version: 0,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await onA.request('GET', `/reports/${saved.body.id}`)).status).toBe(200);

    expect((await onB.request('POST', '/auth/logout')).status).toBe(204);
    // onA still sends the old cookie: the session is gone from the shared database.
    expect((await onA.request('GET', '/auth/me')).status).toBe(401);
    expect((await onA.on(b.baseURL).request('GET', '/auth/me')).status).toBe(401);
  });

  test('the same record saved at once on both instances: one success and one 409, every time', async () => {
    const reporter = office.units[1];
    const project = reporter.projects[0];
    const coordinator = office.coordinators[0];
    const { year, month } = currentMonth();

    const reporterA = new Client(a.baseURL);
    await reporterA.login(reporter.reporter, PASSWORD);
    const reporterB = reporterA.on(b.baseURL);
    const coordinatorA = new Client(a.baseURL);
    await coordinatorA.login(coordinator, PASSWORD);
    const coordinatorB = coordinatorA.on(b.baseURL);

    let races = 0;
    let oneWinner = 0;
    const outcomes: string[] = [];

    // A report draft: round 0 is two first saves of the month (version 0), then edits.
    let reportVersion = 0;
    let reportId = 0;
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const save = (client: Client, who: string) =>
        client.request<{ id: number; version: number; progressText: string }>('POST', '/reports', {
          projectId: project.id,
          year,
          month,
          investment: `${round}.00`,
          progressText: `${who} round ${round}`,
          version: reportVersion,
        });
      const [onA, onB] = await Promise.all([save(reporterA, 'A'), save(reporterB, 'B')]);
      races++;
      const statuses = [onA.status, onB.status].sort();
      outcomes.push(`report ${round}: ${statuses.join('/')}`);
      expect(statuses, JSON.stringify([onA.body, onB.body])).toEqual([200, 409]);
      const winner = onA.status === 200 ? onA : onB;
      reportId = winner.body.id;
      const [stored] = await queryRows<{ progress_text: string; version: number }>(
        database.db,
        sql`select progress_text, version from monthly_reports where id = ${reportId}`,
      );
      expect(stored).toEqual({
        progress_text: winner.body.progressText,
        version: reportVersion + 1,
      });
      reportVersion = stored.version;
      oneWinner++;
    }

    // Then its submission, sent twice at once (a double click that the balancer splits), and
    // two coordinators' opposite decisions on it: approve on one instance, return on the other.
    const decide = async (
      label: string,
      [onA, onB]: { status: number; body: { version?: number; status?: string } }[],
    ) => {
      races++;
      const statuses = [onA.status, onB.status].sort();
      outcomes.push(`${label}: ${statuses.join('/')}`);
      expect(statuses, JSON.stringify([onA.body, onB.body])).toEqual([200, 409]);
      const winner = onA.status === 200 ? onA : onB;
      const [stored] = await queryRows<{ status: string; version: number }>(
        database.db,
        sql`select status, version from monthly_reports where id = ${reportId}`,
      );
      expect(stored).toEqual({ status: winner.body.status, version: reportVersion + 1 });
      reportVersion = stored.version;
      oneWinner++;
    };
    await decide(
      'submit',
      await Promise.all(
        [reporterA, reporterB].map((c) =>
          c.request<{ version: number; status: string }>('POST', `/reports/${reportId}/submit`, {
            version: reportVersion,
          }),
        ),
      ),
    );
    await decide(
      'review',
      await Promise.all([
        coordinatorA.request<{ version: number; status: string }>(
          'POST',
          `/reports/${reportId}/approve`,
          { version: reportVersion },
        ),
        coordinatorB.request<{ version: number; status: string }>(
          'POST',
          `/reports/${reportId}/return`,
          { version: reportVersion, reason: '数据需核实' },
        ),
      ]),
    );

    // A project's edit (PATCH with the version the form loaded).
    const code = reporter.projects[1].code;
    let projectVersion = (
      await coordinatorA.request<{ version: number }>('GET', `/projects/${code}`)
    ).body.version;
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const edit = (client: Client, who: string) =>
        client.request<{ version: number; name: string }>('PATCH', `/projects/${code}`, {
          name: `可靠性项目 ${who} 第${round}轮`,
          version: projectVersion,
        });
      const [onA, onB] = await Promise.all([edit(coordinatorA, 'A'), edit(coordinatorB, 'B')]);
      races++;
      const statuses = [onA.status, onB.status].sort();
      outcomes.push(`project ${round}: ${statuses.join('/')}`);
      expect(statuses, JSON.stringify([onA.body, onB.body])).toEqual([200, 409]);
      const winner = onA.status === 200 ? onA : onB;
      const [stored] = await queryRows<{ name: string; version: number }>(
        database.db,
        sql`select name, version from projects where code = ${code}`,
      );
      expect(stored).toEqual({ name: winner.body.name, version: projectVersion + 1 });
      projectVersion = stored.version;
      oneWinner++;
    }

    figures.racesRun = races;
    figures.oneWinnerRaces = oneWinner;
    expect(oneWinner).toBe(races);
    expect(races).toBe(2 * RACE_ROUNDS + 2);
    expect(await problemsIn(database.db, office.officeId)).toEqual([]);
  });

  test('the daily digest, scheduled by both instances, is sent once', async () => {
    expect(expectedMail.size).toBeGreaterThanOrEqual(office.units.length);
    // Both instances tried to claim it as they started; wait for the winner to finish sending.
    const until = Date.now() + 60_000;
    for (;;) {
      const [run] = await queryRows<{ finished: boolean }>(
        database.db,
        sql`select finished_at is not null as finished from job_runs where job = 'inbox-digest'`,
      );
      if (run?.finished) break;
      if (Date.now() > until) {
        throw new Error(`no digest finished in time:\n${a.stderr()}\n${b.stderr()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // A graceful stop waits for a digest that is still being sent, so a second one, if either
    // instance had claimed the day as well, would have reached the sink by now.
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    const runs = await queryRows<{ run_on: string; outcome: string; detail: string }>(
      database.db,
      sql`select run_on::text, outcome, detail from job_runs where job = 'inbox-digest'`,
    );
    figures.mailsPerRecipient = [...sink.perRecipient.values()].join(',');
    figures.digestRecipients = sink.perRecipient.size;
    figures.jobRuns = runs.length;
    expect(runs, JSON.stringify(runs)).toHaveLength(1);
    expect(runs[0].run_on).toBe(digestDay);
    expect(runs[0].outcome, runs[0].detail).toBe('success');
    expect(Object.fromEntries(sink.perRecipient)).toEqual(Object.fromEntries(expectedMail));
  });
});

/** The JSON lines of a pino log (anything else a process printed is skipped). */
function logLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // a line cut at the capture's start
    }
  }
  return lines;
}

describe.each(ENGINES)('health and observability on %s', (engine) => {
  let store: Store;
  let office: SeededOffice;
  let server: RunningServer;

  beforeAll(async () => {
    store = await freshStore(engine);
    const database = await store.open();
    // Enough projects that an export takes a while: the slow requests of the shutdown test.
    office = await seedOffice(database.db, { units: 4, projectsPerUnit: 15, coordinators: 1 });
    // PGlite: one process per data directory, so this one lets go before the server opens it.
    await database.close();
    // `serve` turns the default `info` down to `warn`; the request log is at `info`.
    server = await startServer(store, { env: { LOG_LEVEL: 'debug' }, captureStdout: true });
  });

  afterAll(async () => {
    await server?.kill();
    await store?.drop();
  });

  test('/healthz and /readyz answer 200 while the process runs with a current database', async () => {
    const health = await fetch(`${server.baseURL}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.baseURL}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, database: 'ok', migrations: 'current' });
  });

  // PostgreSQL only: a PGlite data directory belongs to the server process alone (nothing else
  // can open it to put it behind or take it away), and the server migrates it as it starts.
  test.skipIf(engine !== 'postgres')(
    '/readyz is 503 while the database refuses connections or its migrations are behind',
    async () => {
      const url = store.url as string;
      const name = new URL(url).pathname.slice(1);
      const admin = await pgClient();
      const own = await pgClient(url);
      try {
        // Restored from an older backup: the newest migration in drizzle/ is not recorded.
        await own.query(
          `update __drizzle_migrations set created_at = created_at - 1
            where created_at = (select max(created_at) from __drizzle_migrations)`,
        );
        let ready = await fetch(`${server.baseURL}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ ready: false, migrations: 'pending' });
        expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
        await own.query(
          `update __drizzle_migrations set created_at = created_at + 1
            where created_at = (select max(created_at) from __drizzle_migrations)`,
        );
        ready = await fetch(`${server.baseURL}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await own.end();
      }

      // The database goes away: no new connection, and the server's own ones cut.
      try {
        await admin.query(`alter database "${name}" allow_connections false`);
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid()`,
          [name],
        );
        const ready = await fetch(`${server.baseURL}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ ready: false, database: 'unreachable' });
        // The process itself is fine: no restart wanted, only no traffic.
        expect((await fetch(`${server.baseURL}/healthz`)).status).toBe(200);
      } finally {
        await admin.query(`alter database "${name}" allow_connections true`);
        await admin.end();
      }
      // Back without a restart: the pool opens new connections.
      expect((await fetch(`${server.baseURL}/readyz`)).status).toBe(200);
    },
  );

  test('every response carries a request id, and the log line of that request has it', async () => {
    const seen: { id: string; status: number; url: string }[] = [];
    // Raw fetch, for the headers: answers of every kind (a page of the API, a refusal by the
    // session hook, a 404, a failed log-in), each with its own id.
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${server.baseURL}${path}`, init);
      await res.arrayBuffer();
      const id = res.headers.get('x-request-id');
      expect(id, `${path} answered ${res.status} without x-request-id`).toBeTruthy();
      seen.push({ id: id as string, status: res.status, url: path });
      return res;
    };
    const json = (body: unknown): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await call('/healthz');
    await call('/readyz');
    expect((await call('/api/auth/me')).status).toBe(401);
    expect((await call('/api/no-such-route')).status).toBe(404);
    const username = office.coordinators[0];
    expect((await call('/api/auth/login', json({ username, password: 'wrong' }))).status).toBe(401);
    const login = await call('/api/auth/login', json({ username, password: PASSWORD }));
    expect(login.status).toBe(200);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0];
    expect((await call('/api/projects', { headers: { cookie } })).status).toBe(200);
    // No CSRF token: refused before any handler runs.
    const patch = await call(`/api/projects/${office.units[0].projects[0].code}`, {
      method: 'PATCH',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', version: 1 }),
    });
    expect(patch.status).toBe(403);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);

    // Each id is in the log's line for that request's answer, with the same status and URL.
    const until = Date.now() + 10_000;
    let missing = seen;
    while (missing.length > 0 && Date.now() < until) {
      const lines = logLines(server.stdout());
      missing = seen.filter(
        (s) =>
          !lines.some(
            (l) =>
              l.reqId === s.id &&
              (l.res as { statusCode?: number } | undefined)?.statusCode === s.status,
          ) ||
          !lines.some(
            (l) => l.reqId === s.id && (l.req as { url?: string } | undefined)?.url === s.url,
          ),
      );
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(missing, server.stdout().slice(-4_000)).toEqual([]);
  });

  test('SIGTERM lets the requests in flight finish, then the process exits 0 and the port closes', async () => {
    // Raw fetch, for the answers' headers: the session cookie from a log-in.
    const login = await fetch(`${server.baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: office.coordinators[0], password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0];
    await login.arrayBuffer();
    const { year, month } = currentMonth();
    const url = `${server.baseURL}/api/exports/dispatch?year=${year}&month=${month}`;
    const before = logLines(server.stdout()).length;
    let answered = 0;
    const requests = Array.from({ length: IN_FLIGHT }, async () => {
      const res = await fetch(url, { headers: { cookie } });
      const bytes = (await res.arrayBuffer()).byteLength;
      return {
        status: res.status,
        bytes,
        connection: res.headers.get('connection'),
        order: ++answered,
      };
    });
    // Every request has reached the server (its log says so) before the signal is sent, so
    // none of them is a new request a closing server may refuse.
    const until = Date.now() + 60_000;
    for (;;) {
      const arrived = logLines(server.stdout())
        .slice(before)
        .filter(
          (l) =>
            l.msg === 'incoming request' &&
            ((l.req as { url?: string } | undefined)?.url ?? '').startsWith('/api/exports/'),
        ).length;
      if (arrived >= IN_FLIGHT) break;
      if (Date.now() > until) throw new Error(`the exports did not arrive:\n${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const inFlight = IN_FLIGHT - answered;
    const exitCode = await server.stop();
    const answers = await Promise.allSettled(requests);
    const done = answers.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    figures[`${engine}InFlightAtSigterm`] = inFlight;
    figures[`${engine}InFlightCompleted`] = done.filter((r) => r.status === 200).length;
    figures[`${engine}ExitCode`] = String(exitCode);
    // At least one export was still being made when the signal came (an export takes far
    // longer than the signal's delivery), so this is the shutdown under load it claims to be.
    expect(inFlight).toBeGreaterThan(0);
    expect(
      answers.map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason))),
      server.stderr(),
    ).toEqual(Array(IN_FLIGHT).fill(200));
    expect(done.every((r) => r.bytes > 0)).toBe(true);
    // An answer given while stopping ends its connection: a client's keep-alive connection left
    // open would hold the exit up until it timed out. (The last answer, surely made after the
    // signal; one written just before it may still say keep-alive.)
    const last = done.find((r) => r.order === IN_FLIGHT);
    figures[`${engine}ClosedConnections`] = done.filter((r) => r.connection === 'close').length;
    expect(last?.connection).toBe('close');
    expect(exitCode, server.stderr()).toBe(0);
    await expect(fetch(`${server.baseURL}/healthz`)).rejects.toThrow();
  });
});

/** A connection of the test's own: to the server's maintenance database, or to `url`. */
async function pgClient(url = process.env.TEST_DATABASE_URL as string) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
