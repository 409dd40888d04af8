#!/usr/bin/env python3
"""Independent SplitMix64 (Steele, Lea, Flood 2014) to produce the reference values VideoSplitterTests checks:
the first outputs for a few seeds, nextInt(below:) as the high half of the 128-bit product, and a
Fisher-Yates shuffle from the back. Run: python3 scripts/reference/splitmix64.py"""

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_int(self, bound):
        return (bound * self.next()) >> 64

    def shuffle(self, items):
        i = len(items) - 1
        while i > 0:
            j = self.next_int(i + 1)
            items[i], items[j] = items[j], items[i]
            i -= 1


if __name__ == "__main__":
    for seed in (0, 42, 0xFFFFFFFFFFFFFFFF):
        g = SplitMix64(seed)
        print(seed, [g.next() for _ in range(3)])
    g = SplitMix64(42)
    items = list(range(10))
    g.shuffle(items)
    print("shuffle(0..<10, seed 42)", items)
