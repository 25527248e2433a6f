import { useEffect, useState, type SyntheticEvent } from 'react';
import type { AuthProblem } from '../../app/auth/auth-errors.ts';

/** Username and password with a clear message under them; a throttled form counts down before it allows another try. */
export function SignInForm({
  onSubmit,
  pending,
  problem,
}: {
  onSubmit: (credentials: { username: string; password: string }) => void;
  pending: boolean;
  problem: AuthProblem | null;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [waitLeft, setWaitLeft] = useState(0);
  useEffect(() => {
    if (problem?.waitSeconds === undefined) return;
    setWaitLeft(problem.waitSeconds);
    const timer = setInterval(() => setWaitLeft((s) => Math.max(0, s - 1)), 1_000);
    return () => clearInterval(timer);
  }, [problem]);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    onSubmit({ username: username.trim(), password });
  };
  return (
    <form className="form-card" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to APO</h1>
      <label>
        Username
        <input
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {problem !== null && (
        <p role="alert" className="form-error">
          {problem.kind === 'throttled' && waitLeft > 0
            ? `Too many attempts. Try again in ${waitLeft} s.`
            : problem.message}
        </p>
      )}
      <button type="submit" className="button primary" disabled={pending || waitLeft > 0}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
