import { describe, expect, it } from 'vitest';
import { appRouter } from './root.ts';

/**
 * Every procedure states the role it needs (docs/api.md is generated from it, and the role middleware
 * enforces exactly it). A procedure added without one fails here before it can serve anybody.
 */
describe('procedure roles', () => {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { meta?: unknown } }>,
  );
  const roleOf = (path: string) =>
    (procedures.find(([p]) => p === path)?.[1]._def.meta as { role?: unknown } | undefined)?.role;

  it('gives every procedure a role: open, viewer, editor or admin', () => {
    expect(procedures.length).toBeGreaterThan(20);
    const missing = procedures
      .filter(
        ([, proc]) =>
          !['open', 'viewer', 'editor', 'admin'].includes(
            String((proc._def.meta as { role?: unknown } | undefined)?.role),
          ),
      )
      .map(([path]) => path);
    expect(missing).toEqual([]);
  });

  it('keeps signed-out procedures to the few that must be, and account management to admins', () => {
    const open = procedures.filter(([path]) => roleOf(path) === 'open').map(([path]) => path);
    expect(open.sort()).toEqual(
      ['auth.session', 'auth.setup', 'auth.setupStatus', 'auth.signIn', 'auth.signOut', 'health'].sort(),
    );
    for (const path of procedures.map(([p]) => p)) {
      if (/^(users|apiKeys|sessions)\./.test(path)) expect([path, roleOf(path)]).toEqual([path, 'admin']);
    }
    expect(roleOf('services.list')).toBe('viewer');
    expect(roleOf('settings.set')).toBe('viewer');
  });
});
