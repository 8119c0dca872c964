// Renders a string as a QR code (SVG) with the `qrcode` package: computed in the browser, nothing fetched.
import { useMemo } from 'react';
import { create } from 'qrcode';

export function QrCode({ value, size = 264, label }: { value: string; size?: number; label?: string }) {
  const symbol = useMemo(() => {
    try {
      const qr = create(value, { errorCorrectionLevel: 'M' });
      const n = qr.modules.size;
      const data = qr.modules.data;
      let d = '';
      for (let y = 0; y < n; y++) {
        // One path segment per horizontal run of dark modules keeps the SVG small.
        let x = 0;
        while (x < n) {
          if (!data[y * n + x]) {
            x++;
            continue;
          }
          const start = x;
          while (x < n && data[y * n + x]) x++;
          d += `M${start + 4} ${y + 4}h${x - start}v1h-${x - start}z`;
        }
      }
      return { n, d, error: null as string | null };
    } catch (e) {
      return { n: 0, d: '', error: e instanceof Error ? e.message : String(e) };
    }
  }, [value]);

  if (symbol.error) {
    return (
      <div className="qr-error" role="alert">
        This code cannot be drawn: {symbol.error}
      </div>
    );
  }
  const dim = symbol.n + 8; // 4-module quiet zone on each side
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label ?? 'QR code'}
      data-testid="qr-code"
      data-qr-value={value}
      width={size}
      height={size}
      viewBox={`0 0 ${dim} ${dim}`}
      shapeRendering="crispEdges"
    >
      <rect width={dim} height={dim} fill="#fff" />
      <path d={symbol.d} fill="#101828" />
    </svg>
  );
}
