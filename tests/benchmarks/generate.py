"""The benchmark plans of solver-notes.md, built from a seed: `small`, `medium` and `large`; and
`one-lane`, ours: a small model on a long grid.

`generate(kind, seed)` returns raw plan data, the same shape a plan YAML has (unit strings
included), so it feeds `Plan.model_validate` and `to_yaml` alike. `small` and `one-lane` are fixed
(the seed is ignored); `medium` and `large` draw link rates, windows, prices, lanes and sizes from
`random.Random(seed)`, with fleets chosen so the optimum lands at roughly half the horizon.

    python tests/benchmarks/generate.py OUT_DIR   # writes small.yaml ... one-lane.yaml
"""

from __future__ import annotations

import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

KINDS = ("small", "medium", "large", "one-lane")
DESTINATION = "gpu-site"
DRIVE_TYPE = {"capacity": "80 TB", "write_rate": "1 GB/s", "read_rate": "1.5 GB/s"}
DEPARTURE_HOURS = (10, 16, 17, 18)
NIGHT_WINDOW = "20:00-08:00"


@dataclass(frozen=True)
class Shape:
    """What solver-notes.md fixes for one benchmark plan; the rest is drawn from the seed."""

    sources: int
    total_tb: int
    inter_source_links: int
    drives: int
    destination_bays: int
    source_bays: int
    horizon_days: int


SHAPES = {
    "medium": Shape(
        sources=5, total_tb=2_000, inter_source_links=5, drives=8, destination_bays=2, source_bays=1, horizon_days=30
    ),
    "large": Shape(
        sources=20,
        total_tb=20_000,
        inter_source_links=20,
        drives=32,
        destination_bays=6,
        source_bays=1,
        horizon_days=60,
    ),
}


def generate(kind: str, seed: int = 0) -> dict[str, Any]:
    """Raw plan data for benchmark `kind` ("small", "medium" or "large"), deterministic per seed.

    Raises:
        ValueError: for an unknown kind.
    """
    if kind == "small":
        return _small()
    if kind == "one-lane":
        return one_lane()
    if kind not in SHAPES:
        raise ValueError(f"unknown benchmark kind {kind!r}; expected one of {', '.join(KINDS)}")
    return _random_plan(kind, SHAPES[kind], random.Random(seed))


def _small() -> dict[str, Any]:
    """One source, one link, one lane: the prototype's proven optimum was 78 h (hourly grid).

    The drives start at the source but the only courier is at the destination, so the
    first shipment leaves the source at 17:00 on day two (t = 41 h) and lands at t = 65 h.
    """
    return {
        "name": "small",
        "horizon": "14 days",
        "sites": {"hq": {"bays": 2}, DESTINATION: {"bays": 2}},
        "datasets": {"data": {"at": "hq", "to": DESTINATION, "size": "200 TB"}},
        "links": {"wan": {"from": "hq", "to": DESTINATION, "bandwidth": "2 Gbps"}},
        "drives": {"hdd-80": {**DRIVE_TYPE, "fleet": {"hq": 4}}},
        "couriers": {"staff": {"fleet": {DESTINATION: 1}, "carry": 4}},
        "routes": {
            "out": _route("hq", DESTINATION, 24, 17, "staff"),
            "back": _route(DESTINATION, "hq", 24, 17, "staff"),
        },
    }


def one_lane(drives: int = 3, tb: int = 960) -> dict[str, Any]:
    """One source 18 h from the destination (out daily at 16:00, back at 10:00), one courier
    carrying 4, `drives` drives (three), `tb` TB (960), no link, 40 days: with three, about 2,500
    columns on 120 intervals (three events a day). The exact stages alone start such a grid coarse
    (32 h steps) and found 960 h at 30 s. By hand, the three drives as one convoy: out at 16 h,
    written one after another on the source's one bay by 100 2/3 h, back at 106 h, read side by
    side by 138 22/27 h, out again at 160 h: 240 TB every 144 h, the fourth load read by
    570 22/27 h. The tests take other fleets of the same lane."""
    return {
        "name": "one-lane",
        "horizon": "40 days",
        "sites": {"src": {"bays": 1}, DESTINATION: {"bays": 6}},
        "datasets": {"data": {"at": "src", "to": DESTINATION, "size": f"{tb} TB"}},
        "drives": {"hdd-80": {**DRIVE_TYPE, "fleet": {DESTINATION: drives}}},
        "couriers": {"staff": {"fleet": {DESTINATION: 1}, "carry": 4}},
        "routes": {
            "out": _route(DESTINATION, "src", 18, 16, "staff"),
            "back": _route("src", DESTINATION, 18, 10, "staff"),
        },
    }


def _route(origin: str, to: str, transit_h: int, hour: int, pool: str, cost: int | None = None) -> dict[str, Any]:
    route: dict[str, Any] = {
        "from": origin,
        "to": to,
        "transit": f"{transit_h} h",
        "departures": {"first": f"{hour:02d}:00", "every": "24 h"},
        "courier": pool,
    }
    if cost is not None:
        route["cost_per_courier"] = cost
    return route


def _random_plan(kind: str, shape: Shape, rng: random.Random) -> dict[str, Any]:
    names = [f"src-{i + 1:02d}" for i in range(shape.sources)]
    sites: dict[str, Any] = {name: {"bays": shape.source_bays} for name in names}
    sites[DESTINATION] = {"bays": shape.destination_bays}
    sizes = _split(shape.total_tb, shape.sources, rng)
    datasets = {
        f"data-{name}": {"at": name, "to": DESTINATION, "size": f"{tb} TB"}
        for name, tb in zip(names, sizes, strict=True)
    }
    links = _links(names, shape.inter_source_links, rng)
    couriers, routes = _lanes(names, rng)
    return {
        "name": kind,
        "horizon": f"{shape.horizon_days} days",
        "sites": sites,
        "datasets": datasets,
        "links": links,
        "drives": {"hdd-80": {**DRIVE_TYPE, "fleet": {DESTINATION: shape.drives}}},
        "couriers": couriers,
        "routes": routes,
    }


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in whole units over `parts` shares between half and one and a half times the mean."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _links(names: list[str], inter: int, rng: random.Random) -> dict[str, Any]:
    """One link per source to the destination (0.5-2 Gbps), then `inter` links between sources."""
    links: dict[str, Any] = {}
    for name in names:
        link: dict[str, Any] = {"from": name, "to": DESTINATION, "bandwidth": f"{rng.choice((0.5, 1, 1.5, 2))} Gbps"}
        if rng.random() < 0.4:
            link["windows"] = [NIGHT_WINDOW]
        if rng.random() < 0.4:
            link["cost_per_gb"] = rng.choice((0.01, 0.015, 0.02))
        links[f"wan-{name}"] = link
    pairs = [(a, b) for a in names for b in names if a != b]
    ring = [(names[i], names[(i + 1) % len(names)]) for i in range(len(names))]
    chosen = ring[:inter] + rng.sample([p for p in pairs if p not in ring], max(0, inter - len(ring)))
    for a, b in chosen:
        links[f"lan-{a}-{b}"] = {"from": a, "to": b, "bandwidth": f"{rng.choice((5, 10, 20, 40))} Gbps"}
    return links


def _lanes(names: list[str], rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """One courier lane per source: a route out to the destination and one back, with its own pool."""
    couriers: dict[str, Any] = {}
    routes: dict[str, Any] = {}
    for name in names:
        pool = f"couriers-{name}"
        couriers[pool] = {"fleet": {DESTINATION: 1}, "carry": rng.randint(4, 8)}
        transit = rng.choice((18, 24, 36, 48, 72))
        cost = rng.randrange(500, 1501, 50)
        routes[f"to-{name}"] = _route(DESTINATION, name, transit, rng.choice(DEPARTURE_HOURS), pool, cost)
        routes[f"from-{name}"] = _route(name, DESTINATION, transit, rng.choice(DEPARTURE_HOURS), pool, cost)
    return couriers, routes


def to_yaml(data: dict[str, Any]) -> str:
    """Plan data as YAML 1.2 text, clock times and windows quoted for readers with YAML 1.1 habits."""
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 120
    out = io.StringIO()
    yaml.dump(_quote_clocks(data), out)
    return out.getvalue()


def _quote_clocks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _quote_clocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_quote_clocks(v) for v in value]
    if isinstance(value, str) and ":" in value:
        return DoubleQuotedScalarString(value)
    return value


def main(argv: list[str]) -> int:
    """Write each kind's plan (small.yaml, medium.yaml, ...) into the folder given."""
    if len(argv) != 1:
        print("usage: python tests/benchmarks/generate.py OUT_DIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (folder / f"{kind}.yaml").write_text(to_yaml(generate(kind)))
        print(folder / f"{kind}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
