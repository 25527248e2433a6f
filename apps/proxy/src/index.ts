export { startProxy, type RunningProxy } from './proxy.ts';
export { loadProxyEnv, EnvError, type ProxyConfig } from './env.ts';
