import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<Row> {
  id: string;
  /** The header text; also the sort button's name. */
  header: string;
  /** Extra header content (a unit, a hint) after the text. */
  headerNote?: ReactNode;
  /** Numbers align right (with tabular figures); text left. */
  numeric?: boolean;
  sortable?: boolean;
  className?: string;
  cell: (row: Row) => ReactNode;
}

export interface TableSort {
  column: string;
  dir: 'asc' | 'desc';
}

interface Props<Row> {
  label: string;
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  sort?: TableSort | undefined;
  onSort?: (column: string) => void;
  /** Enter or a click on the row. */
  onOpen?: (row: Row) => void;
  /** Expandable rows: the open row's key, its toggle and its content (rendered as extra table rows). */
  expandedKey?: string | undefined;
  onToggleExpand?: (row: Row) => void;
  renderExpanded?: (row: Row) => ReactNode;
  rowClassName?: (row: Row) => string | undefined;
  /** Above this many rows only the visible ones are in the DOM. */
  virtualizeAbove?: number;
  estimateRowHeight?: number;
}

/**
 * A row's height from the ResizeObserver's entry only. The library's default reads `offsetHeight` as each
 * row mounts, and every read after a write forces the whole table's layout again: 30 rows cost ~300 ms on
 * a cold load. Without an entry (the row just mounted) the last known height or the estimate stands in;
 * the observer reports every new row's real height in one batch after the browser's own layout.
 */
function rowHeight(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLDivElement, Element>,
): number {
  const box = entry?.borderBoxSize[0];
  if (box !== undefined) return Math.round(box.blockSize);
  const index = instance.indexFromElement(element);
  return instance.measurementsCache[index]?.size ?? instance.options.estimateSize(index);
}

const ariaSort = (sort: TableSort | undefined, id: string) =>
  sort?.column === id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';

/**
 * The one table: sortable headers (aria-sort), sticky header, keyboard navigation (↑/↓ or j/k move, Enter
 * opens, →/← expand and collapse), expandable rows, and virtualised rows beyond a few hundred. Each row
 * lives in its own <tbody> so a row and its expansion are measured together when virtualised.
 */
export function DataTable<Row>(props: Props<Row>) {
  const { rows, columns, rowKey, sort, onSort, expandedKey, renderExpanded } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [focusWanted, setFocusWanted] = useState(false);
  const virtual = rows.length > (props.virtualizeAbove ?? 300);
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => props.estimateRowHeight ?? 44,
    measureElement: rowHeight,
    overscan: 12,
  });
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  // After every render while a move is pending: a virtualised row far away (End) is only in the page once
  // the scroll has brought it into range, a render or two after the key press.
  useEffect(() => {
    if (!focusWanted) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[data-row-index="${activeIndex}"]`);
    if (row === null || row === undefined) return;
    row.focus();
    setFocusWanted(false);
  });

  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    setActive(next);
    if (virtual) virtualizer.scrollToIndex(next, { align: 'auto' });
    setFocusWanted(true);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>, row: Row, index: number) => {
    const key = event.key;
    if (key === 'ArrowDown' || key === 'j') move(index + 1);
    else if (key === 'ArrowUp' || key === 'k') move(index - 1);
    else if (key === 'Home') move(0);
    else if (key === 'End') move(rows.length - 1);
    else if (key === 'Enter' && props.onOpen) props.onOpen(row);
    else if (key === 'ArrowRight' && props.onToggleExpand && expandedKey !== rowKey(row))
      props.onToggleExpand(row);
    else if (key === 'ArrowLeft' && props.onToggleExpand && expandedKey === rowKey(row))
      props.onToggleExpand(row);
    else return;
    event.preventDefault();
  };

  const renderRow = (row: Row, index: number, measure?: (el: Element | null) => void) => {
    const key = rowKey(row);
    const expanded = renderExpanded !== undefined && expandedKey === key;
    return (
      <tbody key={key} ref={measure} data-index={index} onKeyDown={(e) => onKeyDown(e, row, index)}>
        <tr
          data-row-index={index}
          tabIndex={index === activeIndex ? 0 : -1}
          aria-expanded={props.onToggleExpand ? expanded : undefined}
          className={['data-row', props.rowClassName?.(row)].filter(Boolean).join(' ')}
          onFocus={() => setActive(index)}
          onClick={(e) => {
            // Buttons and links inside a row do their own thing.
            if (!(e.target instanceof Element) || e.target.closest('button, a, input, select') === null)
              props.onOpen?.(row);
          }}
        >
          {columns.map((c) => (
            <td key={c.id} className={[c.numeric ? 'num' : '', c.className ?? ''].join(' ')}>
              {c.cell(row)}
            </td>
          ))}
        </tr>
        {expanded && renderExpanded(row)}
      </tbody>
    );
  };

  const items = virtual ? virtualizer.getVirtualItems() : [];
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div className="data-table-scroll" ref={scrollRef}>
      <table className="data-table" aria-label={props.label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.id}
                scope="col"
                aria-sort={c.sortable ? ariaSort(sort, c.id) : undefined}
                className={c.numeric ? 'num' : ''}
              >
                {c.sortable && onSort ? (
                  <button type="button" className="sort-button" onClick={() => onSort(c.id)}>
                    {c.header}
                    <span aria-hidden="true" className="sort-arrow">
                      {sort?.column === c.id ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                ) : (
                  c.header
                )}
                {c.headerNote}
              </th>
            ))}
          </tr>
        </thead>
        {virtual ? (
          <>
            {padTop > 0 && (
              <tbody aria-hidden="true">
                <tr style={{ height: padTop }} />
              </tbody>
            )}
            {items.map((item) => {
              const row = rows[item.index];
              return row === undefined ? null : renderRow(row, item.index, virtualizer.measureElement);
            })}
            {padBottom > 0 && (
              <tbody aria-hidden="true">
                <tr style={{ height: padBottom }} />
              </tbody>
            )}
          </>
        ) : (
          rows.map((row, index) => renderRow(row, index))
        )}
      </table>
    </div>
  );
}
