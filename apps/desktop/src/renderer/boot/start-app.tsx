import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../app/app.tsx';
import { getBridge } from '../bridge/bridge.ts';
import { pathLinkToHashUrl } from '../app/path-links.ts';

// A printed path link (`/setup?token=…`) opens as the same route in the hash, before the router reads it.
const hashUrl = pathLinkToHashUrl(window.location);
if (hashUrl !== null) window.history.replaceState(null, '', hashUrl);

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App bridge={getBridge()} />
  </StrictMode>,
);
