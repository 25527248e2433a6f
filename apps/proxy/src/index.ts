export { startProxy, type RunningProxy, type StatusSource } from './proxy.ts';
export { loadProxyConfig, defaultProxyDataDir, ConfigError, type ProxyConfig } from './env.ts';
export { proxyConfigSchema, agentTokenEntries, type AgentTokenEntry } from './config/proxy-config.ts';
