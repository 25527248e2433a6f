import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <main className="standalone">
      <div className="state state-empty" role="status">
        <p className="state-title">There is no page here</p>
        <p className="muted">The link may be from a newer console, or mistyped.</p>
        <Link to="/" className="button primary">
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
