import { useMutation } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type SyntheticEvent } from 'react';
import { describeAuthProblem, type AuthProblem } from '../../app/auth/auth-errors.ts';
import { useConnection } from '../../app/data/connection.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';

const MIN_PASSWORD = 12;

function setupProblem(problem: AuthProblem): string {
  // A refused setup is about the link, not about a password.
  return problem.kind === 'credentials' || problem.kind === 'forbidden'
    ? 'This setup link is not valid any more (already used, or from an earlier start). Sign in instead, or restart the server for a new link.'
    : problem.message;
}

/** First start of a server with sign-in: the setup link (with its one-time token) creates the first admin. */
export function SetupPage() {
  const { token } = useSearch({ from: '/setup' });
  const navigate = useNavigate();
  const connection = useConnection();
  const api = useTRPCClient();
  const [form, setForm] = useState({ username: 'admin', displayName: '', password: '', repeat: '' });
  const setup = useMutation({
    mutationFn: () =>
      api.auth.setup.mutate({
        token: token ?? '',
        username: form.username.trim(),
        displayName: form.displayName.trim(),
        password: form.password,
      }),
    onSuccess: () => void navigate({ to: '/sign-in' }),
  });
  const mismatch = form.repeat !== '' && form.repeat !== form.password;
  const short = form.password !== '' && form.password.length < MIN_PASSWORD;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (!mismatch && !short) setup.mutate();
  };
  if (token === undefined) {
    return (
      <main className="standalone">
        <div className="state state-problem" role="alert">
          <p className="state-title">This setup link has no token</p>
          <p>
            Open the link the server printed when it started for the first time (<code>/setup?token=…</code>),
            or read it from the server log.
          </p>
        </div>
      </main>
    );
  }
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  return (
    <main className="standalone">
      <form className="form-card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title">Create the first administrator</h1>
        <p className="muted">
          This server asks for sign-in. The account you create here can invite everyone else.
        </p>
        <label>
          Username
          <input required autoComplete="username" {...field('username')} />
        </label>
        <label>
          Display name
          <input required {...field('displayName')} />
        </label>
        <label>
          Password (at least {MIN_PASSWORD} characters)
          <input
            type="password"
            required
            autoComplete="new-password"
            {...field('password')}
            aria-invalid={short}
          />
        </label>
        <label>
          Repeat the password
          <input
            type="password"
            required
            autoComplete="new-password"
            {...field('repeat')}
            aria-invalid={mismatch}
          />
        </label>
        {short && <p className="field-error">The password is shorter than {MIN_PASSWORD} characters.</p>}
        {mismatch && <p className="field-error">The passwords differ.</p>}
        {setup.isError && (
          <p role="alert" className="form-error">
            {setupProblem(describeAuthProblem(setup.error, connection.serverUrl))}
          </p>
        )}
        <button type="submit" className="button primary" disabled={setup.isPending || short || mismatch}>
          {setup.isPending ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </main>
  );
}
