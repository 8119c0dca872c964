import { useState, type KeyboardEvent } from 'react';
import { IconX } from './Icons';

/** An editable list of short strings shown as chips; Enter or comma adds, Backspace on empty removes the last. */
export function TagInput({
  id,
  value,
  onChange,
  placeholder,
  disabled,
  maxLength = 64,
  invalid,
  testId,
}: {
  id?: string;
  value: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  disabled?: boolean;
  maxLength?: number;
  invalid?: boolean;
  testId?: string;
}) {
  const [draft, setDraft] = useState('');

  const commit = () => {
    const parts = draft
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    const next = [...value];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    onChange(next);
    setDraft('');
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  return (
    <div className={`tag-input ${disabled ? 'disabled' : ''} ${invalid ? 'invalid' : ''}`} data-testid={testId}>
      {value.map((t) => (
        <span className="tag" key={t}>
          {t}
          {!disabled && (
            <button
              type="button"
              className="tag-remove"
              aria-label={`Remove ${t}`}
              onClick={() => onChange(value.filter((x) => x !== t))}
            >
              <IconX size={12} />
            </button>
          )}
        </span>
      ))}
      {!disabled && (
        <input
          id={id}
          value={draft}
          maxLength={maxLength}
          placeholder={value.length === 0 ? placeholder : 'Add…'}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
          onBlur={commit}
        />
      )}
      {disabled && value.length === 0 && <span className="muted small">None</span>}
    </div>
  );
}
