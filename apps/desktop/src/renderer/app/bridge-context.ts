import { createContext, useContext } from 'react';
import type { ApoBridge } from '../../preload/bridge.ts';

/** The OS bridge for components that need it (the server switcher), without threading it through props. */
export const BridgeContext = createContext<ApoBridge | null>(null);

export function useBridge(): ApoBridge {
  const bridge = useContext(BridgeContext);
  if (bridge === null) throw new Error('useBridge outside BridgeContext');
  return bridge;
}
