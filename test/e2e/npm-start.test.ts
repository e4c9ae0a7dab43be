// `npm start` as a user runs it: comes up with demo data, listens on loopback only, and Ctrl-C leaves nothing behind.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/processes.js';
import { startSystem, stopWithCtrlC } from './local-process.js';

const home = mkdtempSync(join(tmpdir(), 'claim-followup-e2e-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Every process below `root` (children, grandchildren…), from /proc. */
const processTree = (root: number): number[] => {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
};

/** Local addresses (hex, as in /proc/net/tcp*) of the sockets these processes listen on. */
const listeningAddresses = (pids: number[]): string[] => {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      }
    } catch {
      // Gone or not ours to read.
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9]!)) addresses.push(cols[1]!.split(':')[0]!);
    }
  }
  return addresses;
};

const loopback = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '?';
  }
};

/** Running (a zombie waiting for its parent to reap it counts as gone). */
const alive = (pid: number): boolean => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('npm start', () => {
  it.each([['first start (seeds)'], ['second start (same data)']])('%s: serves, listens on loopback only, and stops cleanly on Ctrl-C', async (label) => {
    const port = await freePort();
    const { child, output } = await startSystem(home, port);
    const tree = processTree(child.pid!);
    try {
      expect(tree.length).toBeGreaterThanOrEqual(2); // node and the DynamoDB Local java child
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const addresses = listeningAddresses(tree);
      expect(addresses.length).toBeGreaterThanOrEqual(4); // API, DynamoDB, SQS, SES
      expect(addresses.filter((a) => !loopback.has(a))).toEqual([]);
      if (label.startsWith('first')) expect(output()).toContain('Seeded 300 demo claims.');
      else expect(output()).not.toContain('Seeded');
      expect(output()).toMatch(/claims aged, .* writes/);
      expect(output()).toMatch(/denials +opened/);
      expect(output()).toMatch(/biller .*:\n\s+eyJ/);
    } finally {
      expect(await stopWithCtrlC(child)).toBe(0);
    }
    // Helpers such as tsx's esbuild service exit when their parent's pipe closes: give them a moment.
    const deadline = Date.now() + 5_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter(alive).map((pid) => `${pid}: ${commandOf(pid)}`)).toEqual([]);
  });
});
