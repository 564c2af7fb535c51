import { describe, expect, it } from 'vitest';
import { literalLookup } from '../../src/transport/literal-lookup.js';

function lookup(host: string, family: number): { sync: boolean; answer: Promise<[string, number]> } {
  let sync = false;
  let done = false;
  const answer = new Promise<[string, number]>((resolve, reject) => {
    literalLookup(host, { family }, (err, address, fam) => {
      done = true;
      if (err) reject(err);
      else resolve([address, fam]);
    });
    sync = done;
  });
  return { sync, answer };
}

describe('literalLookup', () => {
  it.each([
    ['127.0.0.1', 4, 4],
    ['::1', 6, 6],
    ['::1', 4, 6], // a literal keeps its own family, as dns.lookup answers it
  ])('answers the IP literal %s at once (asked for family %i)', async (host, asked, family) => {
    const r = lookup(host, asked);
    expect(r.sync).toBe(true);
    await expect(r.answer).resolves.toEqual([host, family]);
  });

  it('resolves a name through dns.lookup, later', async () => {
    const r = lookup('localhost', 4);
    expect(r.sync).toBe(false);
    await expect(r.answer).resolves.toEqual(['127.0.0.1', 4]);
  });
});
