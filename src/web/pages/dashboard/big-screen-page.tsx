import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LEVELS } from '../../../domain/warning-rules.ts';
import { LanguageSwitch } from '../../components/app-layout.tsx';
import { EChart, loadCharts } from '../../components/echart.tsx';
import { reasonText, useLang } from '../../components/level-tag.tsx';
import { ErrorState } from '../../components/states.tsx';
import { LEVEL_COLOR, levelName, monthLabel, pct, yi } from '../../format.ts';
import { useOfficeName } from '../../queries.ts';
import type { Dispatch } from '../../types.ts';
import { donutOption, groupBarsOption, sCurveOption, screenTheme } from './chart-options.ts';
import { useDispatch, useDispatchFilters } from './use-dispatch.ts';

const REFRESH_MS = 60_000;
void loadCharts();

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

/** China Standard Time, whatever the display machine's zone. */
function cst(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The red and yellow projects, scrolling slowly when they do not fit. */
function FlagScroller({ d }: { d: Dispatch }) {
  const { t } = useTranslation();
  const lang = useLang();
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: measure again whenever the list changes
  useLayoutEffect(() => {
    const h = list.current?.scrollHeight ?? 0;
    setOverflow(h > (box.current?.clientHeight ?? 0));
  }, [d]);
  const items = d.flagged.map((f) => (
    <div className="screen-flag" key={f.projectId}>
      <span className="screen-flag-level" style={{ color: LEVEL_COLOR[f.level] }}>
        ● {levelName(f.level, lang)}
      </span>
      <span style={{ color: '#fff', fontWeight: 600 }}>{f.name}</span>
      <div className="reason">
        {f.overrideReason && f.level !== f.computedLevel
          ? f.overrideReason
          : f.reasons.map((r) => reasonText(r, lang)).join(t('app.sep'))}
      </div>
    </div>
  ));
  return (
    <div className="screen-scroll" ref={box}>
      <div
        className={`screen-scroll-inner${overflow ? '' : ' still'}`}
        style={{ ['--scroll-duration' as string]: `${Math.max(20, d.flagged.length * 4)}s` }}
        ref={list}
      >
        {items}
        {overflow && <div aria-hidden>{items}</div>}
      </div>
    </div>
  );
}

/** The charts' sizes follow the window, as the CSS does (one design pixel = --u). */
const scale = () => Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
function useScreenTheme() {
  const [u, setU] = useState(scale);
  useEffect(() => {
    const onResize = () => setU(scale());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return useMemo(() => screenTheme(u), [u]);
}

export default function BigScreenPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const now = useNow();
  const theme = useScreenTheme();
  const office = useOfficeName(t('app.officeFallback'));
  const { filters } = useDispatchFilters();
  const q = useDispatch(filters, REFRESH_MS);
  const d = q.data;
  // The clock renders every second; the charts redraw only when their data or size changes.
  const charts = useMemo(
    () =>
      d && {
        sCurve: sCurveOption(d, t, theme),
        donut: donutOption(d.warnings, d.projects, lang, t, theme),
        areas: groupBarsOption(
          d.byArea.map((g) => ({ ...g, name: g.area })),
          t,
          theme,
        ),
      },
    [d, t, lang, theme],
  );

  useEffect(() => {
    const prev = document.body.style.background;
    document.body.style.background = '#050e20';
    return () => {
      document.body.style.background = prev;
    };
  }, []);

  const through = d ? { year: d.year, month: Number(d.through.slice(5, 7)) } : null;

  return (
    <div
      className="screen"
      data-testid="big-screen"
      data-ready={d && !q.isFetching ? 'true' : 'false'}
    >
      <header className="screen-header">
        <div>
          <div className="screen-title">
            {office} · {t('screen.title')}
          </div>
          <div className="screen-sub">
            {through ? monthLabel(through, lang) : ''}
            {d ? ` · ${t('dashboard.projectsCount', { count: d.projects })}` : ''}
          </div>
        </div>
        <div style={{ textAlign: 'right' }}>
          <div className="screen-clock">{cst(now)}</div>
          <div className="screen-sub small">
            {q.dataUpdatedAt
              ? t('screen.updated', { time: cst(new Date(q.dataUpdatedAt)).slice(11) })
              : ''}{' '}
            · {t('screen.refreshEvery')} ·{' '}
            <Link to="/dashboard" className="screen-exit">
              {t('screen.exit')}
            </Link>{' '}
            {/* Antd's switch has a fixed size: it grows with the screen like everything else. */}
            <span style={{ zoom: Math.max(1, theme.u) }}>
              <LanguageSwitch dark />
            </span>
          </div>
        </div>
      </header>
      {q.isError && !d ? (
        <div style={{ gridRow: '2 / 5' }}>
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        </div>
      ) : !d ? (
        <div
          style={{ gridRow: '2 / 5', fontSize: '1.4em', textAlign: 'center', paddingTop: '10vh' }}
        >
          {t('app.loading')}
        </div>
      ) : (
        <>
          <section className="screen-kpis">
            {[
              {
                label: t('dashboard.annualTarget'),
                value: yi(d.annualTarget),
                unit: t('unit.yi'),
                sub: t('dashboard.plannedCount', { count: d.plannedProjects }),
              },
              {
                label: t('dashboard.timingTarget'),
                value: yi(d.timingTarget),
                unit: t('unit.yi'),
                sub: through ? monthLabel(through, lang) : '',
              },
              {
                label: t('dashboard.actual'),
                value: yi(d.actual),
                unit: t('unit.yi'),
                sub:
                  d.aboveInitialPlan != null
                    ? t('dashboard.vsInitial', {
                        value: `${d.aboveInitialPlan.startsWith('-') ? '' : '+'}${d.aboveInitialPlan}%`,
                      })
                    : '',
                testId: 'screen-actual',
              },
              {
                label: t('dashboard.rateVsTiming'),
                value: pct(d.rateVsTiming),
                unit: '',
                sub: `${t('dashboard.rateVsAnnual')} ${pct(d.rateVsAnnual)}`,
              },
            ].map((k) => (
              <div className="screen-panel" key={k.label} data-testid={k.testId}>
                <div className="screen-kpi-label">{k.label}</div>
                <div className="screen-kpi-figure">
                  <span className="screen-kpi-value">{k.value}</span>
                  {k.unit && <span className="screen-kpi-unit">{k.unit}</span>}
                </div>
                <div className="screen-kpi-sub">{k.sub}</div>
              </div>
            ))}
            <div className="screen-panel">
              <div className="screen-kpi-label">{t('dashboard.warnings')}</div>
              <div className="screen-levels">
                {[...LEVELS].reverse().map((l) => (
                  <div key={l}>
                    <div className="screen-kpi-value" style={{ color: LEVEL_COLOR[l] }}>
                      {d.warnings[l]}
                    </div>
                    <div className="screen-level-name" style={{ color: LEVEL_COLOR[l] }}>
                      {levelName(l, lang)}
                    </div>
                  </div>
                ))}
              </div>
            </div>
          </section>
          <section className="screen-row">
            <div className="screen-panel">
              <h2>{t('dashboard.sCurve')}</h2>
              <EChart
                ariaLabel={t('dashboard.sCurve')}
                option={charts!.sCurve}
                testId="screen-scurve"
                renderer="svg"
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
            <div className="screen-panel">
              <h2>{t('dashboard.donut')}</h2>
              <EChart
                ariaLabel={t('dashboard.donut')}
                option={charts!.donut}
                testId="screen-donut"
                renderer="svg"
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
          </section>
          <section className="screen-row2">
            <div className="screen-panel">
              <h2>
                {t('dashboard.byArea')}
                {t('app.paren', { text: t('unit.yi') })}
              </h2>
              <EChart
                ariaLabel={t('dashboard.byArea')}
                option={charts!.areas}
                testId="screen-areas"
                renderer="svg"
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
            <div className="screen-panel">
              <h2>
                {t('screen.flagged')}
                {/* the server's count: the list below may be the worst few only */}
                {t('app.paren', { text: d.flaggedCount })}
              </h2>
              <FlagScroller d={d} />
            </div>
          </section>
        </>
      )}
    </div>
  );
}
