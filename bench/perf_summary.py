#!/usr/bin/env python3
"""Where a benchmark's time goes, from a perf profile with DWARF call graphs.

perf's own report ranks functions; the engine work needs lines of the engine:
which line of moonpool (src/, include/moonpool/) a sample of malloc, memcpy or
Beast code was spent under. This reads `perf script` output and prints

  * self time by function (inlined functions named as themselves);
  * malloc/free and memcpy/memset self time, each by the nearest engine line
    on the stack (the engine line that asked for the allocation or copy);
  * all self time by the nearest engine line;
  * inclusive time by engine function.

Percentages are of the samples kept (see --within). docs/PERFORMANCE.md says
how the profiles there were taken; in short:

  perf record -o p.data -F 1999 --call-graph dwarf,16384 build-prof/bin/bench-timers --only hour
  perf script -i p.data -F ip,sym,srcline --full-source-path > p.script
  bench/perf_summary.py p.script --within 'world_state::(run|drain|step_event)'

Growth between two profiles of the same work at two sizes (e.g. 10 and
100,000 pending timers): dump both, then compare per-unit costs

  bench/perf_summary.py small.script --dump small.json ...
  bench/perf_summary.py --growth small.json 0.49 large.json 2.24 [--key site|self|incl]

where the numbers are each profile's measured cost per unit (per timer event,
per request): each line's share of the growth is printed.
"""
import argparse
import collections
import json
import os
import re
import sys

ALLOCATOR = re.compile(
    r'^(malloc|_int_malloc|_int_free|cfree|free|__libc_malloc|__GI___libc_malloc|'
    r'__GI___libc_free|__libc_free|malloc_consolidate|unlink_chunk|tcache_get|tcache_put|'
    r'operator new|operator delete|_int_realloc|realloc)')
COPY = re.compile(r'^(__memmove|__memcpy|memcpy|memmove|__memset|memset)')


def samples(path):
    """Yields each sample as a list of [symbol, srcline], leaf first."""
    frames = []
    with open(path, errors='replace') as f:
        for line in f:
            if not line.strip():
                if frames:
                    yield frames
                frames = []
            elif line.startswith('\t'):
                parts = line.strip().split(None, 1)
                symbol = parts[1] if len(parts) > 1 else '[unknown]'
                frames.append([re.sub(r'\+0x[0-9a-f]+$', '', symbol), ''])
            elif frames:
                frames[-1][1] = line.strip().replace(' (inlined)', '')
    if frames:
        yield frames


def short(symbol, width=90):
    """A symbol without template arguments and parameter lists."""
    for _ in range(3):
        symbol = re.sub(r'<[^<>]*>', '<>', symbol)
    return re.sub(r'\(.*\)', '()', symbol)[:width]


def engine_line(srcline, root):
    """'src/sim/world_state.cpp:398' for a line of the engine, else None."""
    path, _, line = srcline.rpartition(':')
    if not path or not line.isdigit():
        return None
    relative = os.path.relpath(os.path.normpath(path), root)
    if relative.startswith('src/') or relative.startswith('include/moonpool/'):
        return f'{relative}:{line}'
    return None


def summarise(args):
    within = re.compile(args.within) if args.within else None
    total = kept = 0
    self_time = collections.Counter()
    by_kind = {'allocator': collections.Counter(), 'copy': collections.Counter()}
    site = collections.Counter()
    site_function = {}
    inclusive = collections.Counter()
    for frames in samples(args.script):
        total += 1
        if within and not any(within.search(symbol) for symbol, _ in frames):
            continue
        kept += 1
        leaf = frames[0][0]
        kind = 'allocator' if ALLOCATOR.search(leaf) else 'copy' if COPY.search(leaf) else None
        self_time[short(leaf)] += 1
        nearest = next(((engine_line(src, args.root), symbol) for symbol, src in frames
                        if engine_line(src, args.root)), (None, None))
        key = nearest[0] or '(no engine frame)'
        site[key] += 1
        if nearest[0]:
            site_function[key] = short(nearest[1], 70)
        if kind:
            by_kind[kind][key] += 1
        seen = set()
        for symbol, src in frames:
            name = short(symbol, 80)
            if engine_line(src, args.root) and name not in seen:
                seen.add(name)
                inclusive[name] += 1

    def pct(count):
        return 100.0 * count / kept if kept else 0.0

    print(f'samples: {total}, kept: {kept}' + (f' (within {args.within})' if within else ''))
    print(f'\n== self time by function (top {args.top}) ==')
    for name, count in self_time.most_common(args.top):
        print(f'{pct(count):6.2f}%  {name}')
    for kind, label in (('allocator', 'malloc/free'), ('copy', 'memcpy/memset')):
        print(f'\n== {label}: {pct(sum(by_kind[kind].values())):.2f}% self, '
              'by nearest engine line ==')
        for key, count in by_kind[kind].most_common(12):
            print(f'{pct(count):6.2f}%  {key}  [{site_function.get(key, "")}]')
    print(f'\n== all self time by nearest engine line (top {args.top}) ==')
    for key, count in site.most_common(args.top):
        print(f'{pct(count):6.2f}%  {key}  [{site_function.get(key, "")}]')
    print(f'\n== inclusive time by engine function (top {args.top}) ==')
    for name, count in inclusive.most_common(args.top):
        print(f'{pct(count):6.2f}%  {name}')
    if args.dump:
        with open(args.dump, 'w') as f:
            json.dump({'kept': kept, 'self': self_time, 'site': site, 'incl': inclusive}, f)


def growth(args):
    small_path, small_cost, large_path, large_cost = args.growth
    small, large = json.load(open(small_path)), json.load(open(large_path))
    small_cost, large_cost = float(small_cost), float(large_cost)

    def per_unit(profile, cost):
        return {k: cost * v / profile['kept'] for k, v in profile[args.key].items()}

    a, b = per_unit(small, small_cost), per_unit(large, large_cost)
    grown = large_cost - small_cost
    print(f'cost per unit {small_cost:.3f} -> {large_cost:.3f} (+{grown:.3f})')
    for key in sorted(set(a) | set(b), key=lambda k: b.get(k, 0) - a.get(k, 0),
                      reverse=True)[:args.top]:
        delta = b.get(key, 0) - a.get(key, 0)
        print(f'{a.get(key, 0):8.3f} -> {b.get(key, 0):8.3f}  (+{delta:.3f}, '
              f'{100 * delta / grown:5.1f}% of the growth)  {key}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('script', nargs='?', help='perf script -F ip,sym,srcline output')
    parser.add_argument('--within', help='keep only samples with a frame matching this regex')
    parser.add_argument('--top', type=int, default=25)
    parser.add_argument('--dump', help='also write the counts as JSON, for --growth')
    parser.add_argument('--growth', nargs=4, metavar=('SMALL', 'COST', 'LARGE', 'COST'))
    parser.add_argument('--key', default='site', choices=('site', 'self', 'incl'))
    parser.add_argument('--root', default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help='the repository (default: this script\'s)')
    args = parser.parse_args()
    if args.growth:
        growth(args)
    elif args.script:
        summarise(args)
    else:
        parser.error('give a perf script file, or --growth')


if __name__ == '__main__':
    sys.exit(main())
