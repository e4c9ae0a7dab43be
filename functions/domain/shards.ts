// Which nightly shard a claim belongs to: a stable hash of its id, so a claim never moves between shards.
export const shardOf = (claimId: string, shardCount: number): number => {
  // FNV-1a, 32 bit: fast, stable across runtimes, and spreads sequential ids evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < claimId.length; i++) {
    hash ^= claimId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shardCount;
};

export const shardLabel = (shard: number): string => String(shard).padStart(3, '0');
