import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { IconSelector } from './Icons';

/**
 * A searchable single-choice list (used for the ~600 IANA time zones). Typing filters by
 * substring (spaces match "_" so "new york" finds America/New_York); arrows + Enter pick.
 */
export function Combobox({
  id,
  value,
  options,
  onChange,
  disabled,
  invalid,
  placeholder,
  testId,
  maxShown = 80,
  freeText,
}: {
  id?: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
  disabled?: boolean;
  invalid?: boolean;
  placeholder?: string;
  testId?: string;
  maxShown?: number;
  /**
   * Leaving the field with typed text that is not picked hands that text to onChange (an exact
   * option, case aside, becomes that option), so a form can say what is wrong with it instead of
   * the field silently going back to the old value.
   */
  freeText?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const wrapRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase().replace(/\s+/g, '_');
    if (!q) return options;
    const starts: string[] = [];
    const contains: string[] = [];
    for (const o of options) {
      const l = o.toLowerCase();
      const city = l.slice(l.lastIndexOf('/') + 1);
      if (city.startsWith(q) || l.startsWith(q)) starts.push(o);
      else if (l.includes(q)) contains.push(o);
    }
    return [...starts, ...contains];
  }, [options, query]);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(e.target as Node)) close();
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  useEffect(() => {
    const el = listRef.current?.children[active] as HTMLElement | undefined;
    el?.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const queryRef = useRef(query);
  queryRef.current = query;
  const close = (commit = true) => {
    const typed = queryRef.current.trim();
    if (commit && freeText && typed) {
      const exact = options.find((o) => o.toLowerCase() === typed.toLowerCase().replace(/\s+/g, '_'));
      onChange(exact ?? typed);
    }
    setOpen(false);
    setQuery('');
  };

  const pick = (v: string) => {
    onChange(v);
    close(false);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.min(filtered.length, maxShown) - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (open && filtered[active]) {
        e.preventDefault();
        pick(filtered[active]);
      }
    } else if (e.key === 'Escape') {
      close(false);
    }
  };

  const shown = filtered.slice(0, maxShown);
  return (
    <div className={`combobox ${invalid ? 'invalid' : ''}`} ref={wrapRef} data-testid={testId}>
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        className="input"
        placeholder={placeholder ?? 'Search…'}
        value={open ? query : value}
        onFocus={() => {
          setOpen(true);
          setActive(0);
        }}
        onClick={() => setOpen(true)}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onBlur={() => {
          if (open) close();
        }}
      />
      <span className="combobox-icon">
        <IconSelector size={16} />
      </span>
      {open && !disabled && (
        <ul className="combobox-list" role="listbox" ref={listRef}>
          {shown.length === 0 && <li className="combobox-empty">No match for “{query}”</li>}
          {shown.map((o, i) => (
            <li
              key={o}
              role="option"
              aria-selected={o === value}
              className={`${i === active ? 'active' : ''} ${o === value ? 'selected' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(o);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {o.replace(/_/g, ' ')}
            </li>
          ))}
          {filtered.length > maxShown && (
            <li className="combobox-more">{filtered.length - maxShown} more — keep typing to narrow down</li>
          )}
        </ul>
      )}
    </div>
  );
}
