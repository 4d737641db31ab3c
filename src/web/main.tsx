import './styles.css';
import './i18n/index.ts';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { preloadPage } from './router.tsx';

preloadPage(window.location.pathname);

createRoot(document.getElementById('root')!).render(<App />);
