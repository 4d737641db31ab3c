import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Level, WarningReason } from '../../domain/warning-rules.ts';
import { LEVEL_COLOR, levelName } from '../format.ts';
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
    <Tag color={LEVEL_COLOR[level]} style={{ marginInlineEnd: 0, fontWeight: 500 }}>
      {levelName(level, lang)}
      {overridden ? ` · ${t('warnings.overridden')}` : ''}
    </Tag>
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

export function LevelDot({ level }: { level: Level }) {
  return <span className="level-dot" style={{ background: LEVEL_COLOR[level] }} aria-hidden />;
}

export function reasonText(r: WarningReason, lang: Lang): string {
  return lang === 'en' ? r.en : r.zh;
}
