import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useQueryClient } from '@tanstack/react-query';
import { TimePicker } from '../../ui/time-picker/time-picker.tsx';
import { urlTimeEnd } from '../../ui/time-picker/time-range.ts';
import { REFRESH_INTERVALS } from '../global-search.ts';
import { useTheme } from '../../ui/theme/theme.tsx';
import { useGlobalSearch, useSetSearch } from '../use-view-search.ts';

/** Time range, refresh, comparison: the global view state in the top bar, all written to the URL. */
export function ViewControls() {
  const search = useGlobalSearch();
  const setSearch = useSetSearch();
  const queryClient = useQueryClient();
  return (
    <div className="view-controls">
      <TimePicker
        value={search}
        onChange={(range) => setSearch({ from: urlTimeEnd(range.from), to: urlTimeEnd(range.to) })}
      />
      <div className="segmented" role="group" aria-label="Compare with">
        {(
          [
            ['day', 'vs yesterday'],
            ['week', 'vs last week'],
          ] as const
        ).map(([period, label]) => (
          <button
            key={period}
            type="button"
            className="button toolbar-button"
            aria-pressed={search.compare === period}
            onClick={() => setSearch({ compare: period })}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="segmented">
        <button
          type="button"
          className="button toolbar-button"
          aria-label="Refresh now"
          title="Refresh now"
          onClick={() => void queryClient.refetchQueries({ type: 'active' })}
        >
          <span aria-hidden="true">↻</span>
        </button>
        <DropdownMenu.Root>
          <DropdownMenu.Trigger
            className="button toolbar-button"
            aria-label={`Auto-refresh: ${search.refresh}`}
          >
            {/* On narrow screens the ↻ beside it says what this is. */}
            <span className="wide-only">Auto-refresh</span>{' '}
            {search.refresh === 'off' ? 'off' : `every ${search.refresh}`}
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="popover menu" align="end" sideOffset={6}>
              <DropdownMenu.RadioGroup
                value={search.refresh}
                onValueChange={(value) => setSearch({ refresh: value })}
              >
                {Object.keys(REFRESH_INTERVALS).map((interval) => (
                  <DropdownMenu.RadioItem key={interval} value={interval} className="menu-item">
                    <DropdownMenu.ItemIndicator className="menu-check">✓</DropdownMenu.ItemIndicator>
                    {interval === 'off' ? 'Off' : `Every ${interval}`}
                  </DropdownMenu.RadioItem>
                ))}
              </DropdownMenu.RadioGroup>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </div>
    </div>
  );
}

export function ThemeMenu() {
  const { preference, theme, setPreference } = useTheme();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button toolbar-button" aria-label={`Theme: ${preference}`}>
        <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="popover menu" align="end" sideOffset={6}>
          <DropdownMenu.RadioGroup
            value={preference}
            onValueChange={(v) => {
              if (v === 'system' || v === 'light' || v === 'dark') setPreference(v);
            }}
          >
            {(
              [
                ['system', 'Follow the system'],
                ['light', 'Light'],
                ['dark', 'Dark'],
              ] as const
            ).map(([value, label]) => (
              <DropdownMenu.RadioItem key={value} value={value} className="menu-item">
                <DropdownMenu.ItemIndicator className="menu-check">✓</DropdownMenu.ItemIndicator>
                {label}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
