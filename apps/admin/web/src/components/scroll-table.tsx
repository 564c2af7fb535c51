import { Box, Text } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A table that scrolls sideways on narrow screens, with a visible cue while columns are hidden:
 * a "scroll sideways" hint and a shadow on the edge that has more.
 */
export function ScrollTable({ minWidth, children }: { minWidth: number; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState<{ left: boolean; right: boolean }>({ left: false, right: false });

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const measure = () =>
      setMore({
        left: el.scrollLeft > 1,
        right: el.scrollLeft + el.clientWidth < el.scrollWidth - 1,
      });
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, []);

  const shadows = [
    more.left ? 'inset 12px 0 10px -10px rgba(0,0,0,0.35)' : '',
    more.right ? 'inset -12px 0 10px -10px rgba(0,0,0,0.35)' : '',
  ].filter(Boolean);
  return (
    <Box>
      {more.left || more.right ? (
        <Text size="xs" c="dimmed" data-testid="scroll-hint" aria-hidden>
          {more.right ? 'More columns: scroll sideways →' : '← Scroll back for the first columns'}
        </Text>
      ) : null}
      <Box
        ref={box}
        tabIndex={0}
        aria-label="Table, scrolls sideways"
        style={{ overflowX: 'auto', boxShadow: shadows.join(', ') || undefined }}
      >
        <Box miw={minWidth}>{children}</Box>
      </Box>
    </Box>
  );
}
