/**
 * DataTable: a list shown as an accessible <table> that stays readable on every screen and fast with
 * many rows. Rows come sorted and filtered by the page; TanStack Table turns them into the row model and
 * TanStack Virtual keeps only the rows near the window in the DOM once there are many.
 *
 * ```tsx
 * const columns: DataColumn<Contact>[] = [
 *   { id: 'name', header: 'Name', phone: 'title', cell: (c) => <strong>{c.name}</strong> },
 *   { id: 'phone', header: 'Phone', cell: (c) => formatPhone(c.phone) },          // "Phone  +91 …" on a card
 *   { id: 'seen', header: 'Last seen', phone: 'hide', cell: (c) => relativeTime(c.seen_at, now) },
 *   { id: 'actions', header: <span className="sr-only">Actions</span>, phone: 'actions', align: 'right', cell: (c) => <ActionMenu … /> },
 * ];
 * <DataTable rows={contacts} columns={columns} getRowId={(c) => String(c.id)} testId="contacts-table" label="Contacts" />
 * ```
 *
 * - Wide screens: one row per item; a table wider than its card scrolls inside the card, never the page.
 * - Phones (below 640 px): every row is a card. The `phone: 'title'` cell is its first line, the
 *   `'actions'` cell sits beside it, every `'field'` cell (the default) is a "header  value" line, and
 *   `'hide'` cells are left out. Headers stay in the page for screen readers.
 * - More than `virtualizeAbove` rows (default 150): rows are virtualised against the window scroll with
 *   measured heights, and `aria-rowcount`/`aria-rowindex` tell assistive technology the full size.
 *   Keep `rows` stable (state or useMemo): a new array rebuilds the row model. Columns may be inline.
 */
import { useLayoutEffect, useMemo, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { ScrollX } from './ScrollX';

export interface DataColumn<T extends RowData> {
  id: string;
  /** Column heading; also the label of the value on a phone card (use text, or pass `label`). */
  header: ReactNode;
  /** Text label on a phone card when `header` is not plain text. */
  label?: string;
  cell: (row: T) => ReactNode;
  /** Place on a phone card (default 'field'). */
  phone?: 'title' | 'actions' | 'field' | 'hide';
  align?: 'right';
  /** Class of this column's <th> and <td> (e.g. "nowrap"). */
  className?: string;
  /** Extra attributes of each <td>, e.g. a data-testid or a title. */
  cellProps?: (row: T) => HTMLAttributes<HTMLTableCellElement> & Record<`data-${string}`, string | undefined>;
}

export interface DataTableProps<T extends RowData> {
  rows: readonly T[];
  columns: readonly DataColumn<T>[];
  /** Stable, unique id of a row (keys, measurements, virtualisation). */
  getRowId: (row: T) => string;
  /** Attributes of each <tr>: className, data-* for tests and styling. */
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;
  /** The table's accessible name (aria-label; a visually hidden <caption> left a gap above the header). */
  label?: string;
  testId?: string;
  className?: string;
  virtualizeAbove?: number;
  /** Estimated row height in px before measurement (desktop rows ~56, phone cards ~220). */
  estimateRowHeight?: number;
}

const features = tableFeatures({});
type Features = typeof features;

const placeClass = { title: 'dt-title', actions: 'dt-actions', field: 'dt-field', hide: 'dt-hide' } as const;

export function DataTable<T extends RowData>({
  rows,
  columns,
  getRowId,
  rowProps,
  label,
  testId,
  className,
  virtualizeAbove = 150,
  estimateRowHeight = 56,
}: DataTableProps<T>) {
  // Table gets the column ids (row model, header groups); the cells are rendered by calling the page's
  // functions directly, not through FlexRender, which would mount each `cell` as a component: a new
  // function per render is a new component type, and React would remount the cell, losing focus.
  // Keyed by the ids alone, so columns written inline in a page (new objects every render) do not rebuild the row model.
  const ids = columns.map((c) => c.id).join('\u0000');
  const defs = useMemo<ColumnDef<Features, T>[]>(() => ids.split('\u0000').map((id) => ({ id })), [ids]);
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const data = rows as T[];
  const table = useTable({ features, columns: defs, data, getRowId: (r: T) => getRowId(r) });
  const model = table.getRowModel().rows;

  const virtual = model.length > virtualizeAbove;
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    if (!virtual || !bodyRef.current) return;
    setOffset(bodyRef.current.getBoundingClientRect().top + window.scrollY);
  }, [virtual, model.length]);
  const virtualizer = useWindowVirtualizer({
    count: model.length,
    estimateSize: () => estimateRowHeight,
    overscan: 10,
    scrollMargin: offset,
    getItemKey: (i) => model[i]?.id ?? i,
    enabled: virtual,
  });

  const items = virtual ? virtualizer.getVirtualItems() : null;
  const shown = items ? items.map((v) => ({ row: model[v.index]!, index: v.index })) : model.map((row, index) => ({ row, index }));
  const padTop = items && items.length ? items[0]!.start - offset : 0;
  const padBottom = items && items.length ? virtualizer.getTotalSize() - (items[items.length - 1]!.end - offset) : 0;
  const span = columns.length;

  const cellClass = (c: DataColumn<T> | undefined) =>
    [placeClass[c?.phone ?? 'field'], c?.align === 'right' ? 'right' : '', c?.className ?? ''].filter(Boolean).join(' ');

  return (
    <ScrollX label={label}>
      <table
        className={`table data-table ${className ?? ''}`}
        data-testid={testId}
        aria-label={label}
        aria-rowcount={virtual ? model.length + 1 : undefined}
      >
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={virtual ? 1 : undefined}>
              {group.headers.map((h) => (
                <th key={h.id} scope="col" className={cellClass(byId.get(h.column.id))}>
                  {h.isPlaceholder ? null : byId.get(h.column.id)?.header}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody ref={bodyRef}>
          {padTop > 0 && (
            <tr className="dt-spacer" aria-hidden="true" style={{ height: padTop }}>
              <td colSpan={span} />
            </tr>
          )}
          {shown.map(({ row, index }) => (
            <tr
              key={row.id}
              data-index={index}
              ref={virtual ? virtualizer.measureElement : undefined}
              aria-rowindex={virtual ? index + 2 : undefined}
              {...rowProps?.(row.original)}
            >
              {row.getAllCells().map((cell) => {
                const c = byId.get(cell.column.id);
                const label = c?.label ?? (typeof c?.header === 'string' ? c.header : undefined);
                return (
                  <td key={cell.id} className={cellClass(c)} data-label={label} {...c?.cellProps?.(row.original)}>
                    <div className="dt-cell">{c?.cell(row.original)}</div>
                  </td>
                );
              })}
            </tr>
          ))}
          {padBottom > 0 && (
            <tr className="dt-spacer" aria-hidden="true" style={{ height: padBottom }}>
              <td colSpan={span} />
            </tr>
          )}
        </tbody>
      </table>
    </ScrollX>
  );
}
