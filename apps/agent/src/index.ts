export { startAgent, type RunningAgent } from './agent.ts';
export { loadAgentEnv, EnvError, type AgentConfig } from './env.ts';
export { startStatusServer, type StatusServer, type StatusServerOptions } from './status/status-server.ts';
