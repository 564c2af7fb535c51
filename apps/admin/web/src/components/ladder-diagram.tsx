import type { CallTraceView } from '../api/types';

const COLUMN = 220;
const ROW = 34;
const TOP = 64;
const TIME = 96;

/** Leg colours by SIP Call-ID, so the arrows of one leg read as one conversation. */
const palette = ['#1c7ed6', '#2f9e44', '#e8590c', '#9c36b5', '#0c8599', '#c2255c'];

function columnTitle(role: string, calleeIndex: number): string {
  if (role === 'pbx') return 'PBX';
  if (role === 'caller') return 'Caller';
  return `Callee ${calleeIndex}`;
}

/**
 * The call's SIP ladder as SVG: one lifeline per column (caller, PBX, each callee/trunk), one arrow
 * per message labelled with its method or status; an arrow is a button that selects its message.
 * Every text is a React text node (escaped), never markup.
 */
export function LadderDiagram({
  trace,
  selected,
  onSelect,
}: {
  trace: CallTraceView;
  selected: number | null;
  onSelect: (entry: number) => void;
}) {
  const width = TIME + trace.columns.length * COLUMN;
  const height = TOP + trace.arrows.length * ROW + 16;
  const x = (column: number) => TIME + column * COLUMN + COLUMN / 2;
  const colourOf = (callId: string) =>
    palette[Math.max(0, trace.sipCallIds.indexOf(callId)) % palette.length];
  const start = trace.arrows[0]?.time ?? 0;
  let callees = 0;
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="SIP ladder diagram"
      data-testid="ladder"
      style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}
    >
      <defs>
        {palette.map((c, i) => (
          <marker
            key={c}
            id={`head-${i}`}
            markerWidth="8"
            markerHeight="8"
            refX="8"
            refY="4"
            orient="auto"
            markerUnits="userSpaceOnUse"
          >
            <path d="M0,0 L8,4 L0,8 z" fill={c} />
          </marker>
        ))}
      </defs>
      {trace.columns.map((c, i) => {
        const title = columnTitle(c.role, c.role === 'callee' ? ++callees : 0);
        return (
          <g key={`${c.role}-${c.address}`} data-testid="ladder-column">
            <text x={x(i)} y={20} textAnchor="middle" fontWeight={700}>
              {title}
            </text>
            <text x={x(i)} y={38} textAnchor="middle" fill="#666">
              {c.address}
            </text>
            <line x1={x(i)} y1={TOP - 14} x2={x(i)} y2={height} stroke="#adb5bd" strokeDasharray="4 3" />
          </g>
        );
      })}
      {trace.arrows.map((a, i) => {
        const y = TOP + i * ROW + 12;
        const colour = colourOf(a.callId);
        const head = palette.indexOf(colour ?? '');
        const mid = (x(a.from) + x(a.to)) / 2;
        const active = selected === a.entry;
        return (
          <g
            key={a.entry}
            role="button"
            tabIndex={0}
            aria-label={`${a.label} from ${trace.columns[a.from]?.address ?? ''} to ${trace.columns[a.to]?.address ?? ''}`}
            data-testid="ladder-arrow"
            data-label={a.label}
            data-from={a.from}
            data-to={a.to}
            onClick={() => onSelect(a.entry)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(a.entry);
            }}
            style={{ cursor: 'pointer' }}
          >
            <rect x={0} y={y - 20} width={width} height={ROW} fill={active ? '#fff3bf' : 'transparent'} />
            <text x={4} y={y + 4} fill="#868e96">
              +{((a.time - start) / 1000).toFixed(3)}s
            </text>
            <line
              x1={x(a.from)}
              y1={y}
              x2={x(a.to)}
              y2={y}
              stroke={colour}
              strokeWidth={active ? 3 : 1.5}
              markerEnd={`url(#head-${head})`}
            />
            <text x={mid} y={y - 5} textAnchor="middle" fill={colour} fontWeight={active ? 700 : 400}>
              {a.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
