import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { storedLang, switchLanguage } from './i18n/index.ts';
import { preloadPage } from './router.tsx';

preloadPage(window.location.pathname);

// The remembered language before the first paint (English is fetched first if it is the one).
const lang = storedLang();
void (lang === 'zh-CN' ? Promise.resolve() : switchLanguage(lang)).finally(() =>
  createRoot(document.getElementById('root')!).render(<App />),
);
