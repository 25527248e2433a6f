import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useSession, useSignOut } from '../auth/session.ts';
import { useConnection } from '../data/connection.tsx';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';

const LOCAL_MODE = 'Local mode: no sign-in, you are the local admin';

/** Who is signed in (or the local-mode notice), sign-out, and the redirect to sign-in when the server asks. */
export function UserMenu() {
  const connection = useConnection();
  const { session, needsSignIn } = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const router = useRouter();
  useEffect(() => {
    if (!needsSignIn) return;
    // Where the user was, read once: the redirect must not follow the navigation it causes.
    const here = router.state.location;
    if (here.pathname === '/sign-in') return;
    void navigate({ to: '/sign-in', search: { redirect: here.href }, replace: true });
  }, [needsSignIn, navigate, router]);

  if (session?.mode === 'signed-in') {
    return (
      <DropdownMenu.Root>
        <DropdownMenu.Trigger
          className="button toolbar-button"
          aria-label={`Signed in as ${session.user.displayName}`}
        >
          {session.user.displayName} <span className="pill">{session.user.role}</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="popover menu" align="end" sideOffset={6}>
            <DropdownMenu.Item
              className="menu-item"
              onSelect={() =>
                signOut.mutate(undefined, { onSuccess: () => void navigate({ to: '/sign-in' }) })
              }
            >
              Sign out
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    );
  }
  // Local mode: said by the session when the server has it, else by `health` (no sign-in required).
  if (session?.mode === 'local' || connection.authRequired === false) {
    return (
      <Tooltip content={LOCAL_MODE}>
        <span className="pill local-mode" tabIndex={0} aria-label={LOCAL_MODE}>
          Local mode
        </span>
      </Tooltip>
    );
  }
  return null;
}
