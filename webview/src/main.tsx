/** Entry point: mounts the panel into the shell's <div id="root"> (the extension owns the HTML and CSP). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} else {
  console.error('[empathy] no #root element in the webview shell');
}
