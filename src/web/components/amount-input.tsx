import { Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { parseAmount, wanToYi } from '../../domain/money.ts';

/**
 * An amount in 万元 as the user types it: "1,234.5", full-width digits and spaces are all fine
 * (domain/money.ts parses them); the 亿元 equivalent shows live underneath.
 */
export function AmountInput({
  value,
  onChange,
  id,
  placeholder,
  size,
  showYi = true,
  ...rest
}: {
  value?: string;
  onChange?: (v: string) => void;
  id?: string;
  placeholder?: string;
  size?: 'large' | 'middle' | 'small';
  showYi?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const parsed = value ? parseAmount(value) : null;
  return (
    <>
      <Input
        id={id}
        value={value}
        size={size}
        inputMode="decimal"
        placeholder={placeholder}
        suffix={<span style={{ color: 'rgba(0,0,0,.58)' }}>{t('unit.wan')}</span>}
        onChange={(e) => onChange?.(e.target.value)}
        style={{ fontVariantNumeric: 'tabular-nums' }}
        {...rest}
      />
      {showYi && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {parsed
            ? t('reporting.investmentHelp', { yi: wanToYi(parsed, 4) })
            : value
              ? t('reporting.investmentInvalid')
              : '\u00a0'}
        </Typography.Text>
      )}
    </>
  );
}

/** A form rule: empty is the caller's business, anything typed must parse. */
export function amountRule(message: string) {
  return {
    validator: (_: unknown, v: string | undefined) =>
      !v || parseAmount(v) !== null ? Promise.resolve() : Promise.reject(new Error(message)),
  };
}
