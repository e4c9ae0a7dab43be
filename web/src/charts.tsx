// Plain SVG charts: horizontal bars (AR by bucket or payer) and a line of a figure over the nights. Each is an image
// with its figures in its accessible name, and its numbers printed beside the bars.
export const BarChart = ({ label, rows, format }: { label: string; rows: ReadonlyArray<{ name: string; value: number }>; format: (v: number) => string }) => {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowHeight = 26;
  const labelWidth = 150;
  const width = 560;
  const barSpace = width - labelWidth - 90;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${rows.length * rowHeight + 4}`} role="img" aria-label={`${label}: ${rows.map((r) => `${r.name} ${format(r.value)}`).join(', ')}`}>
      {rows.map((r, i) => (
        <g key={r.name} transform={`translate(0 ${i * rowHeight + 2})`}>
          <text x={labelWidth - 8} y={16} text-anchor="end" class="chart-label">
            {r.name.length > 22 ? `${r.name.slice(0, 21)}…` : r.name}
          </text>
          <rect x={labelWidth} y={3} height={rowHeight - 8} width={Math.max(1, (r.value / max) * barSpace)} class="bar" data-bar={r.name} />
          <text x={labelWidth + Math.max(1, (r.value / max) * barSpace) + 6} y={16} class="chart-value">
            {format(r.value)}
          </text>
        </g>
      ))}
    </svg>
  );
};

export const TrendLine = ({ label, points, format }: { label: string; points: ReadonlyArray<{ date: string; value: number | undefined }>; format: (v: number) => string }) => {
  const width = 560;
  const height = 140;
  const pad = { left: 44, right: 12, top: 12, bottom: 26 };
  const values = points.map((p) => p.value).filter((v): v is number => v !== undefined);
  const max = Math.max(1, ...values) * 1.1;
  const x = (i: number) => pad.left + (points.length < 2 ? 0 : (i / (points.length - 1)) * (width - pad.left - pad.right));
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const known = points.map((p, i) => ({ ...p, i })).filter((p): p is { date: string; value: number; i: number } => p.value !== undefined);
  const path = known.map((p, n) => `${n === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)} ${y(p.value).toFixed(1)}`).join(' ');
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${known.length ? known.map((p) => `${p.date} ${format(p.value)}`).join(', ') : 'no nights yet'}`}>
      <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} class="axis" />
      <text x={pad.left - 6} y={y(0) + 4} text-anchor="end" class="chart-label">
        {format(0)}
      </text>
      <text x={pad.left - 6} y={y(max / 1.1) + 4} text-anchor="end" class="chart-label">
        {format(max / 1.1)}
      </text>
      {path && <path d={path} class="trend" />}
      {known.map((p) => (
        <circle key={p.date} cx={x(p.i)} cy={y(p.value)} r={3} class="dot" />
      ))}
      {points.length > 0 && (
        <>
          <text x={x(0)} y={height - 6} class="chart-label">
            {points[0]!.date}
          </text>
          <text x={x(points.length - 1)} y={height - 6} text-anchor="end" class="chart-label">
            {points[points.length - 1]!.date}
          </text>
        </>
      )}
    </svg>
  );
};
