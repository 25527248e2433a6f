export { startAgent, type RunningAgent } from './agent.ts';
export { loadAgentConfig, ConfigError, type AgentConfig } from './env.ts';
