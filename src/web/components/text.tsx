import { theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';

// antd's Typography brings its editable and copyable parts (TextArea among them) into every
// page that shows a muted line: about 17 KB gzipped of the dashboard's first load. The pages'
// plain text needs only the theme's colours.

type Props = { children?: ReactNode; className?: string; style?: CSSProperties };

/** Secondary text (Typography.Text type="secondary"). */
export function Muted({ children, className, style }: Props) {
  const { token } = theme.useToken();
  return (
    <span className={className} style={{ color: token.colorTextSecondary, ...style }}>
      {children}
    </span>
  );
}

/** A warning paragraph (Typography.Paragraph type="warning"). */
export function WarningParagraph({ children, className, style }: Props) {
  const { token } = theme.useToken();
  return (
    <p className={className} style={{ color: token.colorWarning, margin: '0 0 1em', ...style }}>
      {children}
    </p>
  );
}

/** A page's title (Typography.Title level 3, no margin). */
export function PageTitle({ children }: Props) {
  const { token } = theme.useToken();
  return (
    <h3
      style={{
        margin: 0,
        color: token.colorTextHeading,
        fontSize: token.fontSizeHeading3,
        lineHeight: token.lineHeightHeading3,
        fontWeight: token.fontWeightStrong,
      }}
    >
      {children}
    </h3>
  );
}
