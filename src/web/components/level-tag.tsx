import { Tag, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Level, WarningReason } from '../../domain/warning-rules.ts';
import { LEVEL_COLOR, LEVEL_TEXT, LEVEL_TINT, levelName } from '../format.ts';
import type { Lang } from '../i18n/index.ts';

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

/** A level is never a colour alone: the colour, the word, and the reasons on hover. */
export function LevelTag({
  level,
  reasons,
  overridden,
}: {
  level: Level;
  reasons?: WarningReason[];
  overridden?: boolean;
}) {
  const lang = useLang();
  const { t } = useTranslation();
  const tag = (
    <LevelToneTag level={level}>
      {levelName(level, lang)}
      {overridden ? ` · ${t('warnings.overridden')}` : ''}
    </LevelToneTag>
  );
  const shown = reasons?.filter((r) => r.level !== 'green' || level === 'green') ?? [];
  if (shown.length === 0) return tag;
  return (
    <Tooltip
      title={
        <ul style={{ margin: 0, paddingInlineStart: 16 }}>
          {shown.map((r) => (
            <li key={`${r.rule}-${r.zh}`}>{lang === 'en' ? r.en : r.zh}</li>
          ))}
        </ul>
      }
    >
      <span>{tag}</span>
    </Tooltip>
  );
}

/**
 * A tag in a level's colours: the level colour as its border, readable dark text on a light
 * tint (antd's own colour tags put the bright colour on its tint, 1.8:1 for amber). Never wraps.
 */
export function LevelToneTag({
  level,
  children,
  wrap,
}: {
  /** null: a neutral tag (a milestone not yet due). */
  level: Level | null;
  children: ReactNode;
  /** Long sentences (review hints) may wrap; level words never do. */
  wrap?: boolean;
}) {
  return (
    <Tag
      variant="outlined"
      style={{
        marginInlineEnd: 0,
        fontWeight: 500,
        ...(level && {
          color: LEVEL_TEXT[level],
          background: LEVEL_TINT[level],
          borderColor: LEVEL_COLOR[level],
        }),
        whiteSpace: wrap ? 'normal' : 'nowrap',
      }}
    >
      {children}
    </Tag>
  );
}

export function LevelDot({ level }: { level: Level }) {
  return <span className="level-dot" style={{ background: LEVEL_COLOR[level] }} aria-hidden />;
}

export function reasonText(r: WarningReason, lang: Lang): string {
  return lang === 'en' ? r.en : r.zh;
}
