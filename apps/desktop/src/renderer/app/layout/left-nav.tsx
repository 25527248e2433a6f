import { Link } from '@tanstack/react-router';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';

interface NavItem {
  label: string;
  icon: string;
  /** A route that exists; absent for views still to come (shown disabled, never a link to nothing). */
  to?: '/' | '/service-map' | '/traces' | '/investigate' | '/admin';
}

const ITEMS: NavItem[] = [
  { label: 'Overview', icon: '▦', to: '/' },
  { label: 'Service map', icon: '⌬', to: '/service-map' },
  { label: 'Traces', icon: '≡', to: '/traces' },
  { label: 'Logs', icon: '☰' },
  { label: 'Metrics', icon: '∿' },
  { label: 'Alerts', icon: '⚑' },
  { label: 'Investigate', icon: '⌕', to: '/investigate' },
  { label: 'Admin', icon: '⚙', to: '/admin' },
];

export function LeftNav() {
  return (
    <nav aria-label="Main" className="left-nav">
      <div className="brand">
        <h1>APO</h1>
      </div>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.label}>
            {item.to !== undefined ? (
              <Link
                to={item.to}
                className="nav-item"
                activeOptions={{ exact: item.to === '/', includeSearch: false }}
                activeProps={{ 'aria-current': 'page' }}
              >
                <span aria-hidden="true" className="nav-icon">
                  {item.icon}
                </span>
                {item.label}
              </Link>
            ) : (
              <Tooltip content="Coming in a later release" side="right">
                <span className="nav-item disabled" aria-disabled="true" tabIndex={0}>
                  <span aria-hidden="true" className="nav-icon">
                    {item.icon}
                  </span>
                  {item.label}
                </span>
              </Tooltip>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
