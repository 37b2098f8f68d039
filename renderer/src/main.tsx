/**
 * Renderer entry: connects to window.twofold, builds the store, mounts the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectWindowApi } from './api';
import { AppServicesContext } from './app-context';
import { createAppStore } from './app-store';
import { App } from './components/app';
import './styles.css';
import './push.css';
import './import-export.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');

const api = connectWindowApi();
const services = { api, store: createAppStore(api) };

createRoot(rootElement).render(
  <StrictMode>
    <AppServicesContext.Provider value={services}>
      <App />
    </AppServicesContext.Provider>
  </StrictMode>,
);
