// Entry: loads /config.json, wires the API client to the in-memory token, and renders the app.
import { render } from 'preact';
import { configureApi } from './api.js';
import { App } from './app.js';
import { currentToken, loadConfig, signOut } from './auth.js';
import './styles.css';

const root = document.getElementById('app')!;
loadConfig()
  .then((config) => {
    configureApi({ baseUrl: config.apiUrl, token: currentToken, unauthorized: () => signOut('Your session ended; sign in again.') });
    render(<App config={config} />, root);
  })
  .catch(() => {
    root.textContent = 'The app could not load its configuration. Reload the page.';
  });
