"""Solver-free facts about a plan: reachability and a simple lower bound on the makespan.

These also supply the words of infeasibility explanations ("dataset X cannot reach Y").
"""

from __future__ import annotations

from collections import defaultdict, deque
from fractions import Fraction

from .schema import Plan
from .timegrid import open_spans
from .units import format_duration

DAY = Fraction(86400)
MAX_WINDOWS = 366 * DAY
"""Link windows are listed no further than this past a ready time (then counted open)."""


def unreachable(plan: Plan) -> list[str]:
    """One sentence per dataset that no combination of links and drive routes can bring to its `to`."""
    return [_why_unreachable(plan, name) for name in stranded(plan)]


def stranded(plan: Plan, use_links: bool = True, use_drives: bool = True) -> list[str]:
    """The datasets that no chain of links (if `use_links`) and drives (if `use_drives`) can bring
    to their `to`.

    Drives take bytes from a site with bays that a drive can reach from where its fleet starts
    (written there) to another site with bays they can be carried to (read there), through sites
    with or without bays (rule 3). Couriers are not followed: a dataset found reachable here may
    still be stranded by them, never the reverse."""
    edges: dict[str, set[str]] = defaultdict(set)
    if use_links:
        for link in plan.links.values():
            edges[link.from_].add(link.to)
    if use_drives:
        for site, ends in _drive_hops(plan).items():
            edges[site] |= ends
    return [name for name, ds in plan.datasets.items() if ds.to not in reachable(ds.at, edges)]


def _drive_hops(plan: Plan) -> dict[str, set[str]]:
    """From each site where a drive can be written, the sites where it can be read."""
    moves = _drive_moves(plan)
    bayed = {site for site in _drive_sites(plan, moves) if plan.sites[site].bays > 0}
    return {site: (reachable(site, moves) & bayed) - {site} for site in bayed}


def _drive_moves(plan: Plan) -> dict[str, set[str]]:
    """The routes a drive can take: those whose departures may carry one, and whose courier pool,
    if any, has couriers (each departure carrying drives needs one)."""
    moves: dict[str, set[str]] = defaultdict(set)
    for route in plan.routes.values():
        if route.max_drives == 0:
            continue
        if route.courier is not None and not sum(plan.couriers[route.courier].fleet.values()):
            continue
        moves[route.from_].add(route.to)
    return moves


def _drive_sites(plan: Plan, moves: dict[str, set[str]]) -> set[str]:
    """Every site some drive can be at: where a fleet starts, and where routes take it from there."""
    starts = {site for t in plan.drives.values() for site, count in t.fleet.items() if count}
    return set().union(*(reachable(site, moves) for site in starts))


def _has_drives(plan: Plan) -> bool:
    """Whether any drive type has a fleet: without one, routes carry nothing."""
    return any(sum(t.fleet.values()) for t in plan.drives.values())


def _why_unreachable(plan: Plan, name: str) -> str:
    ds = plan.datasets[name]
    outgoing = [n for n, link in plan.links.items() if link.from_ == ds.at]
    incoming = [n for n, link in plan.links.items() if link.to == ds.to]
    routes = [n for n, r in plan.routes.items() if r.from_ == ds.at]
    parts = [f"dataset '{name}' cannot reach '{ds.to}' from '{ds.at}': no chain of links and drive routes leads there"]
    if not outgoing and not routes:
        parts.append(f"(no link or route leaves '{ds.at}')")
    elif not _has_drives(plan) and routes:
        parts.append("(the plan has no drives to carry data on its routes)")
    elif not outgoing and plan.sites[ds.at].bays == 0:
        parts.append(f"(no link leaves '{ds.at}', and it has no bays to write drives)")
    elif not incoming and plan.sites[ds.to].bays == 0:
        parts.append(f"(no link reaches '{ds.to}', and it has no bays to read drives)")
    elif not outgoing and ds.at not in _drive_sites(plan, _drive_moves(plan)):
        parts.append(f"(no link leaves '{ds.at}', and no drive starts there or can travel there)")
    return " ".join(parts)


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Every site reachable from `start` along `edges` (start included)."""
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def flow_bound(plan: Plan) -> Fraction:
    """Seconds no plan can beat: for each site, the bytes that must come in, or go out, over the
    fastest it can take them in, or send them out, from when they are ready.

    A destination takes bytes only through its incoming links (bandwidth x efficiency, inside their
    windows) and its bays (at most `bays` drives read at once at the fastest read rate, capped by
    `io_rate`). A dataset's site sends its bytes only through its outgoing links and, where drives
    written there can be read elsewhere (rule 3), its bays at the fastest write rate. Bytes ready
    at r pass no earlier than r, so each ready time counts with the bytes ready then or later
    (gpu-onboarding, fastest: `web`, 300 TB ready at 2 days at colo, which no drive reaches, leaves
    by its one 16 Gbps link no sooner than 89 2/3 h, the optimum; from the destination's side alone
    the bound was 39.2 h).
    """
    fleet = [t for t in plan.drives.values() if sum(t.fleet.values())]
    drives = sum(sum(t.fleet.values()) for t in fleet)
    fastest_read = max((t.read_rate for t in fleet), default=Fraction(0))
    fastest_write = max((t.write_rate for t in fleet), default=Fraction(0))
    hops = _drive_hops(plan)
    bound = Fraction(0)
    for site_name, site in plan.sites.items():
        for incoming in (True, False):
            names = [n for n, ds in plan.datasets.items() if (ds.to if incoming else ds.at) == site_name]
            if not names:
                continue
            if incoming:
                by_drive = min(site.bays, drives) * fastest_read
            else:
                by_drive = min(site.bays, drives) * fastest_write if hops.get(site_name) else Fraction(0)
            if site.io_rate is not None:
                by_drive = min(by_drive, site.io_rate)
            links = [n for n, link in plan.links.items() if (link.to if incoming else link.from_) == site_name]
            for ready in sorted({plan.ready_seconds(n) for n in names}):
                volume = sum(plan.datasets[n].size for n in names if plan.ready_seconds(n) >= ready)
                done = _passed(plan, ready, volume, by_drive, links)
                if done is not None:
                    bound = max(bound, done)
    return bound


def _passed(plan: Plan, start: Fraction, volume: int, steady: Fraction, links: list[str]) -> Fraction | None:
    """The earliest `volume` bytes can have passed from `start` at `steady` bytes a second and
    through `links` inside their windows; None when nothing passes at all."""
    full = steady + sum((plan.links[name].rate for name in links), Fraction(0))
    if full <= 0:
        return None
    # past `until` every link counts as open: never later than the truth, and the windows' list
    # stays short (a window open a twelfth of the day still passes the volume well before it)
    until = start + min(16 * volume / full + 2 * DAY, MAX_WINDOWS)
    changes: dict[Fraction, Fraction] = defaultdict(Fraction)  # time -> change of the rate then
    rate = steady
    for name in links:
        link = plan.links[name]
        spans = open_spans(plan, name, until)
        if not spans:
            rate += link.rate  # no windows: always open
        for a, b in spans:
            changes[max(a, start)] += link.rate
            changes[max(b, start)] -= link.rate
    left, at = Fraction(volume), start
    for t in sorted(changes):
        if t > at:
            if rate * (t - at) >= left:
                return at + left / rate
            left -= rate * (t - at)
            at = t
        rate += changes[t]
    if at < until:
        if rate * (until - at) >= left:
            return at + left / rate
        left -= rate * (until - at)
    return until + left / full


def describe_hours(seconds: Fraction) -> str:
    """Seconds as hours and words, for explanations: '56.2 h (2 days 8 h 12 min)'."""
    return f"{float(seconds) / 3600:.1f} h ({format_duration(Fraction(round(seconds)))})"
