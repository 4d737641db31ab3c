import { useEffect, useLayoutEffect, useRef, useState } from 'react';
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
import { donutOption, groupBarsOption, SCREEN, sCurveOption } from './chart-options.ts';
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
      <span
        style={{
          color: LEVEL_COLOR[f.level],
          fontWeight: 700,
          marginRight: 10,
          whiteSpace: 'nowrap',
        }}
      >
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

export default function BigScreenPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const now = useNow();
  const office = useOfficeName(t('app.officeFallback'));
  const { filters } = useDispatchFilters();
  const q = useDispatch(filters, REFRESH_MS);
  const d = q.data;

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
          <div style={{ fontSize: 34, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>
            {cst(now)}
          </div>
          <div className="screen-sub" style={{ fontSize: 18 }}>
            {q.dataUpdatedAt
              ? t('screen.updated', { time: cst(new Date(q.dataUpdatedAt)).slice(11) })
              : ''}{' '}
            · {t('screen.refreshEvery')} ·{' '}
            <Link to="/dashboard" className="screen-exit">
              {t('screen.exit')}
            </Link>{' '}
            <LanguageSwitch dark />
          </div>
        </div>
      </header>
      {q.isError && !d ? (
        <div style={{ gridRow: '2 / 5' }}>
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        </div>
      ) : !d ? (
        <div style={{ gridRow: '2 / 5', fontSize: 28, textAlign: 'center', paddingTop: 200 }}>
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
                <div>
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
                    <div style={{ color: LEVEL_COLOR[l], fontSize: 20 }}>{levelName(l, lang)}</div>
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
                option={sCurveOption(d, t, SCREEN)}
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
            <div className="screen-panel">
              <h2>{t('dashboard.donut')}</h2>
              <EChart
                ariaLabel={t('dashboard.donut')}
                option={donutOption(d.warnings, lang, t, SCREEN)}
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
          </section>
          <section className="screen-row2">
            <div className="screen-panel">
              <h2>{t('dashboard.byArea')}</h2>
              <EChart
                ariaLabel={t('dashboard.byArea')}
                option={groupBarsOption(
                  d.byArea.map((g) => ({ ...g, name: g.area })),
                  t,
                  SCREEN,
                )}
                style={{ flex: 1, minHeight: 0, height: 'auto' }}
              />
            </div>
            <div className="screen-panel">
              <h2>
                {t('screen.flagged')}
                {t('app.paren', { text: d.flagged.length })}
              </h2>
              <FlagScroller d={d} />
            </div>
          </section>
        </>
      )}
    </div>
  );
}
