"""Search benchmark (issue 3, "Discovery"): one command measures a whole deployment, on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--n 100000] [--db sqlite,postgres] [--duration 20]
        (make bench-search)

For each database it builds a fresh deployment in a temporary folder (SQLite file, or the PostgreSQL
database `bench_search`, dropped and created), then in a child process with DATABASE_URL and
RIANRU_SEARCH_INDEX_DIR pointing there:

  migrate, reference load, demo load (Khon Kaen), search rebuild
  pages on the demo city:   `rianru serve`; the search page's bytes (gzip, cold cache) and server time
  demo synthesize N          generator time
  search rebuild             full index rebuild time, index size
  in process                 p50/p95/p99 over bench/queries.txt (service, and the API through Django)
  baseline                   the same queries as a naive icontains scan with the same facets, same run
  HTTP                       `rianru serve --workers 2` + wrk (Lua script rotating the queries);
                             req/s, latency, errors, server memory
  freshness                  edit an opportunity's title, poll the API until it is found (5 times)
  pages at N                 the search page again, with the N opportunities

It prints a markdown table, writes bench/results/search-<db>-<date>.json and appends a dated section to
docs/benchmarks.md (unless --no-docs). Nothing here is a test: figures are recorded, never asserted.
"""

import argparse
import gzip
import http.client
import json
import os
import platform
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
RIANRU = Path(sys.executable).parent / "rianru"
sys.path.insert(0, str(ROOT))  # the child imports the project (config, rianru)
from rianru.core.serving import RunningServer, ServerDidNotStart  # noqa: E402 - after the path

CITY = "khon-kaen"
PG_DATABASE = "bench_search"
PAGE_PATHS = (
    "/khon-kaen/search/?q=ผ้าไหม",
    "/en/khon-kaen/search/?q=silk",
    "/khon-kaen/search/?q=ผู้สูงอายุ&free=true",
    "/en/khon-kaen/search/?q=cooking",
    "/khon-kaen/search/?q=ภาษาอังกฤษ",
)
TARGETS = {
    "rebuild_s": 30.0,
    "api_p95_ms": 20.0,
    "http_rps": 500.0,
    "freshness_s": 2.0,
    "page_kb": 150.0,
    "page_p95_ms": 50.0,
}


# --- helpers shared by parent and child ---------------------------------------------------------------


def read_queries(path: Path = BENCH / "queries.txt") -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def query_params(line: str) -> dict[str, list[str]]:
    return parse_qs(line, keep_blank_values=False)


def api_path(line: str) -> str:
    pairs = [("city", CITY)] + [(k, v) for k, values in query_params(line).items() for v in values]
    return "/api/v1/search?" + urlencode(pairs, quote_via=quote)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": round(pick(50), 3),
        "p95_ms": round(pick(95), 3),
        "p99_ms": round(pick(99), 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def run(args: list[str], env: dict, *, label: str) -> tuple[float, str]:
    """Run a command; (wall seconds, output). Stops the benchmark with the output if it fails."""
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if done.returncode:
        sys.exit(f"bench: {label} failed ({' '.join(map(str, args))}):\n{output}")
    return seconds, output


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of the machine's CPU time that was busy over the next `seconds` (all processes)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total

    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return round(1 - (idle1 - idle0) / max(1, total1 - total0), 2)


def wait_for_quiet(max_wait: float, threshold: float = 0.25) -> dict:
    """Wait (at most `max_wait` s) until other work on the shared machine leaves the CPU mostly idle."""
    started = time.monotonic()
    busy = cpu_busy()
    while busy > threshold and time.monotonic() - started < max_wait:
        time.sleep(3)
        busy = cpu_busy()
    return {
        "cpu_busy_before": busy,
        "waited_s": round(time.monotonic() - started, 1),
        "loadavg": os.getloadavg(),
    }


def mib(n_bytes: float) -> float:
    return round(n_bytes / 1024 / 1024, 1)


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- the parent: one child process per deployment --------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic opportunities (default 100000)")
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both (comma-separated)")
    parser.add_argument("--seed", type=int, default=2567)
    parser.add_argument("--duration", type=int, default=20, help="wrk seconds (default 20)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="in-process passes over the queries")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--baseline-limit", type=int, default=60, help="cancel a baseline statement after this many seconds"
    )
    parser.add_argument(
        "--wait-quiet", type=int, default=300,
        help="before each timed phase, wait up to this many seconds for other work to leave the CPU idle",
    )  # fmt: skip
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without the database (default %(default)s)",
    )  # fmt: skip
    parser.add_argument("--no-docs", action="store_true", help="do not append to docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary deployments")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if not shutil.which("wrk"):
        sys.exit(
            "bench: wrk is not installed. Install it with `apt-get install -y wrk` (Debian) and run again."
        )
    databases = [d.strip() for d in args.db.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown or not databases:
        sys.exit(f"bench: --db takes sqlite and/or postgres, not {args.db!r}")
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    results = {}
    for database in databases:
        print(f"\n== {database}: N = {args.n:,} ==", flush=True)
        results[database] = deployment(database, args)
    RESULTS.mkdir(exist_ok=True)
    machine = machine_facts()
    day = time.strftime("%Y-%m-%d")
    for database, result in results.items():
        suffix = "" if args.n == 100_000 else f"-n{args.n}"  # a quick run never replaces a full one
        path = RESULTS / f"search-{database}-{day}{suffix}.json"
        path.write_text(
            json.dumps({"machine": machine, "args": vars(args), **result}, indent=2, ensure_ascii=False)
        )
        print(f"wrote {path.relative_to(ROOT)}")
    table = markdown_table(results)
    print("\n" + table)
    if not args.no_docs:
        append_docs(results, machine, args, started, table)
        print(f"appended to {DOCS.relative_to(ROOT)}")


def deployment(database: str, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"rianru-bench-{database}-"))
    env = dict(os.environ)
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'rianru.sqlite3'}"
    else:
        recreate_postgres(args.postgres)
        env["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/{PG_DATABASE}"
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "RIANRU_DATA_DIR": str(workdir),
        "RIANRU_SEARCH_INDEX_DIR": str(workdir / "search-index"),
        "RIANRU_STATIC_ROOT": str(workdir / "static"),
        "RIANRU_LANGUAGE": "en",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, __file__, "--child", database, "--workdir", str(workdir)]
    for name in ("n", "seed", "duration", "connections", "rounds", "port", "wait_quiet", "baseline_limit"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    try:
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        return json.loads((workdir / "result.json").read_text())
    except subprocess.CalledProcessError as exc:
        sys.exit(f"bench: the {database} run failed (exit {exc.returncode}); its files are in {workdir}")
    finally:
        if not args.keep and (workdir / "result.json").exists():
            shutil.rmtree(workdir, ignore_errors=True)


def recreate_postgres(server_url: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def machine_facts() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    ).stdout.splitlines()  # fmt: skip
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(total_kib / 1024 / 1024, 1),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": commit,
        "uncommitted_files": [line[3:] for line in dirty],
        "wrk": (wrk.stdout + wrk.stderr).splitlines()[0] if (wrk.stdout + wrk.stderr) else "",
    }


# --- the child: one deployment ---------------------------------------------------------------------------


def child(args) -> None:
    workdir = Path(args.workdir)
    env = dict(os.environ)
    database = args.child
    result: dict = {"database": database, "n": args.n, "seed": args.seed}
    steps = result["steps"] = {}
    quiet = result["machine_load"] = {}  # how busy the shared machine was before each timed phase

    def step(name: str, *words: str) -> str:
        if name in ("synthesize", "rebuild"):
            quiet[name] = wait_for_quiet(args.wait_quiet)
        print(f"  {name} ...", end=" ", flush=True)
        seconds, output = run([str(RIANRU), *words], env, label=name)
        steps[name] = round(seconds, 2)
        print(f"{seconds:.1f} s", flush=True)
        return output

    step("migrate", "migrate", "--noinput", "-v0")
    step("reference_load", "reference", "load")
    step("demo_load", "demo", "load", "--city", CITY)
    step("collectstatic", "collectstatic", "--noinput", "-v0")
    step("rebuild_demo", "search", "rebuild")

    with Server(args.port, env, workdir / "server-demo.log") as server:
        quiet["pages_demo"] = wait_for_quiet(args.wait_quiet)
        print("  pages (demo city) ...", flush=True)
        result["pages_demo"] = pages(server)

    output = step(
        "synthesize",
        "demo",
        "synthesize",
        "--city",
        CITY,
        "--opportunities",
        str(args.n),
        "--seed",
        str(args.seed),
    )
    result["synthesize_output"] = output.strip().splitlines()[0]
    output = step("rebuild", "search", "rebuild")
    reported = re.search(r"rebuilt: (\d+) documents in ([\d.]+) s", output)
    result["rebuild"] = {
        "wall_s": steps["rebuild"],
        "reported_s": float(reported.group(2)) if reported else None,
        "documents": int(reported.group(1)) if reported else None,
        "index_bytes": folder_bytes(workdir / "search-index"),
    }

    import django

    django.setup()
    from django.db import connection

    if database == "sqlite":
        db_bytes = sum(p.stat().st_size for p in workdir.glob("rianru.sqlite3*"))
        result["versions"] = {"sqlite": connection.Database.sqlite_version}
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_database_size(current_database()), current_setting('server_version'), "
                "current_setting('autovacuum')"
            )
            db_bytes, version, autovacuum = cursor.fetchone()
        result["versions"] = {"postgresql": f"{version} (autovacuum {autovacuum})"}
    result["db_bytes"] = db_bytes
    result["counts"] = catalogue_counts()

    queries = read_queries()
    quiet["inprocess"] = wait_for_quiet(args.wait_quiet)
    print(f"  in process: {len(queries)} queries x {args.rounds} ...", flush=True)
    result["inprocess"] = in_process(queries, args.rounds)
    quiet["baseline"] = wait_for_quiet(args.wait_quiet)
    print("  baseline (icontains) ...", flush=True)
    result["baseline"] = baseline(queries, args.baseline_limit)
    connection.close()

    # First with every search computed (the result cache off), then as served (the cache on).
    with Server(
        args.port, {**env, "RIANRU_SEARCH_RESULT_CACHE": "false"}, workdir / "server-nocache.log"
    ) as server:
        quiet["http_uncached"] = wait_for_quiet(args.wait_quiet)
        print("  HTTP (wrk), result cache off ...", flush=True)
        result["http_uncached"] = http_load(server, queries, args, workdir)
    with Server(args.port, env, workdir / "server.log") as server:
        quiet["http"] = wait_for_quiet(args.wait_quiet)
        print("  HTTP (wrk), as served ...", flush=True)
        result["http"] = http_load(server, queries, args, workdir)
        quiet["freshness"] = wait_for_quiet(args.wait_quiet)
        print("  freshness ...", flush=True)
        result["freshness"] = freshness(server, seed=args.seed)
        quiet["pages_n"] = wait_for_quiet(args.wait_quiet)
        print(f"  pages (N = {args.n:,}) ...", flush=True)
        result["pages_n"] = pages(server)
    (workdir / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))


def catalogue_counts() -> dict:
    from rianru.catalogue.models import LearningSpace, Opportunity, Session
    from rianru.network.models import Partner

    return {
        "opportunities": Opportunity.objects.count(),
        "sessions": Session.objects.count(),
        "spaces": LearningSpace.objects.count(),
        "partners": Partner.objects.count(),
    }


# --- in process --------------------------------------------------------------------------------------------


def rss_kib(pid: int | str = "self") -> int:
    match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) if match else 0


def in_process(queries: list[str], rounds: int) -> dict:
    """The search service alone, and the whole API request through Django (routing, middleware, JSON),
    every search computed (the result cache is off here: a repeated query would only measure the cache)."""
    from django.conf import settings

    settings.RIANRU_SEARCH_RESULT_CACHE = False
    from django.test import Client
    from django.utils import translation

    from rianru.network.models import City
    from rianru.search import selectors
    from rianru.search.forms import search_params

    city = City.objects.get(slug=CITY)
    client = Client(HTTP_HOST="127.0.0.1")
    rss_before = rss_kib()

    def service(line: str) -> int:
        with translation.override("th"):
            params = search_params(query_params(line), city=city)
            return selectors.search(city=city, params=params).count

    def api(line: str) -> int:
        response = client.get(api_path(line))
        if response.status_code != 200:
            raise RuntimeError(
                f"{api_path(line)} answered {response.status_code}: {response.content[:300]!r}"
            )
        return json.loads(response.content)["count"]

    started = time.perf_counter()
    first_counts = [service(queries[0])]
    first_ms = (time.perf_counter() - started) * 1000
    first_counts += [service(line) for line in queries[1:]]  # warm-up, and the result counts
    for line in queries:
        api(line)
    samples: dict[str, list[float]] = {"service": [], "api": []}
    for _round in range(rounds):
        for name, function in (("service", service), ("api", api)):
            for line in queries:
                t0 = time.perf_counter_ns()
                function(line)
                samples[name].append((time.perf_counter_ns() - t0) / 1e6)
    zero = [line for line, count in zip(queries, first_counts, strict=True) if count == 0]
    per_query = {  # median over the rounds, per query: which queries are slow
        line: round(statistics.median(samples["api"][i :: len(queries)]), 2) for i, line in enumerate(queries)
    }
    return {
        "first_query_ms": round(first_ms, 1),
        "api_per_query_ms": per_query,
        "counts": dict(zip(queries, first_counts, strict=True)),
        "service": percentiles(samples["service"]),
        "api": percentiles(samples["api"]),
        "median_count": statistics.median(first_counts),
        "queries_without_results": zero,
        "rss_mib_before": mib(rss_before * 1024),
        "rss_mib_after": mib(rss_kib() * 1024),
    }


def baseline(queries: list[str], timeout: float) -> dict:
    """The naive scan: every word `icontains` in a title, summary or description, the same facets as ORM
    filters on the catalogue's listing selector (live opportunities), then count and first page of 20;
    spaces and partners by name and description when the query is not limited to opportunities."""
    from django.db import OperationalError
    from django.db.models import Q
    from django.utils import timezone

    from rianru.catalogue import selectors
    from rianru.catalogue.models import LearningSpace
    from rianru.network.models import City, Partner

    city = City.objects.get(slug=CITY)
    opportunity_only = {
        "life_stage",
        "sdg",
        "sector",
        "free",
        "mode",
        "zone",
        "certificate",
        "language",
        "kind",
    }

    def words_q(words: list[str], fields: tuple[str, ...]) -> Q:
        condition = Q()
        for word in words:
            any_field = Q()
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": word})
            condition &= any_field
        return condition

    def scan(line: str) -> int:
        params = {k: v[0] for k, v in query_params(line).items()}
        words = params.get("q", "").split()
        now = timezone.now()
        filters = selectors.OpportunityFilters(
            life_stage=params.get("life_stage"),
            sdg=int(params["sdg"]) if "sdg" in params else None,
            sector=params.get("sector"),
            free=params.get("free") == "true",
            mode=params.get("mode"),
            zone=int(params["zone"]) if "zone" in params else None,
        )
        types = {params["type"]} if "type" in params else {"opportunity", "space", "partner"}
        count = 0
        if "opportunity" in types:
            found = selectors.opportunity_search(city=city, now=now, filters=filters).filter(
                selectors.live_q(now),
                words_q(
                    words,
                    ("title_th", "title_en", "summary_th", "summary_en", "description_th", "description_en"),
                ),
            )
            if params.get("certificate") == "true":
                found = found.filter(has_certificate=True)
            if "language" in params:
                found = found.filter(language=params["language"])
            if "kind" in params:
                found = found.filter(kind=params["kind"])
            count += found.count()
            list(found[:20])
        if not opportunity_only & set(params):
            fields = ("name_th", "name_en", "description_th", "description_en")
            if "space" in types:
                count += LearningSpace.objects.filter(city=city).filter(words_q(words, fields)).count()
            if "partner" in types:
                count += Partner.objects.filter(city=city).filter(words_q(words, fields)).count()
        return count

    deadline = limit_statements(timeout)
    for line in queries[:3]:  # warm-up
        deadline[0] = time.perf_counter() + timeout
        scan(line)
    samples, counts, timed_out = [], {}, []
    for line in queries:
        deadline[0] = time.perf_counter() + timeout
        t0 = time.perf_counter_ns()
        try:
            counts[line] = scan(line)
        except OperationalError:  # cancelled at the limit: the time is a lower bound
            counts[line] = None
            timed_out.append(line)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    return percentiles(samples) | {
        "per_query_ms": {line: round(ms, 1) for line, ms in zip(queries, samples, strict=True)},
        "counts": counts,
        "statement_limit_s": timeout,
        "timed_out": timed_out,
    }


def limit_statements(seconds: float) -> list[float]:
    """Cancel a baseline statement that runs longer than `seconds` (PostgreSQL statement_timeout; SQLite
    a progress handler checking the deadline the caller keeps in the returned list)."""
    from django.db import connection

    deadline = [time.perf_counter() + seconds]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(int(seconds * 1000))])
    else:
        connection.connection.set_progress_handler(lambda: int(time.perf_counter() > deadline[0]), 100_000)
    return deadline


# --- over HTTP ---------------------------------------------------------------------------------------------


class Server(RunningServer):
    """`rianru serve --workers 2` in its own process group, ready when the search API answers, stopped on
    exit (`with Server(...) as server`); the benchmark exits with the log's tail if it does not start."""

    def __init__(self, port: int, env: dict, log: Path):
        super().__init__(
            port=port, env=env, log=log, cwd=ROOT, rianru=str(RIANRU), args=["--workers", "2"],
            probe=api_path("q=test"), timeout=180,
        )  # fmt: skip

    def start(self) -> RunningServer:
        try:
            return super().start()
        except ServerDidNotStart as exc:
            sys.exit(f"bench: {exc} (log: {self.log})")

    def pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        found = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in found:
                found.append(int(stat.parent.name))
        return found

    def memory(self) -> dict:
        """RSS (shared pages counted in each process) and PSS (shared pages divided) of the server."""
        rss = pss = 0
        for pid in self.pids():
            try:
                rss += rss_kib(pid)
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                pss += int(re.search(r"Pss:\s+(\d+)", rollup).group(1))
            except (OSError, AttributeError):
                continue
        return {"processes": len(self.pids()), "rss_mib": mib(rss * 1024), "pss_mib": mib(pss * 1024)}


def get(base: str, path: str, headers: dict | None = None, connection=None):
    """(status, headers, raw body bytes as transferred)."""
    own = connection is None
    if own:
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        if own:
            connection.close()


def http_load(server: Server, queries: list[str], args, workdir: Path) -> dict:
    paths = [api_path(line) for line in queries]
    statuses = {}
    for path in paths:  # every request answers before we load the server (and warms both workers a bit)
        status, _headers, _body = get(server.base, path)
        statuses[status] = statuses.get(status, 0) + 1
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    peak = {"rss_mib": 0.0, "pss_mib": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            now = server.memory()
            peak["rss_mib"] = max(peak["rss_mib"], now["rss_mib"])
            peak["pss_mib"] = max(peak["pss_mib"], now["pss_mib"])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command = [
        "wrk", f"-t{min(2, args.connections)}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
        "-s", str(BENCH / "search.lua"), server.base, "--", str(paths_file),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    stop.set()
    sampler.join()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if done.returncode or line is None:
        sys.exit(f"bench: wrk failed:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(line[len("RESULT ") :])
    seconds = figures["duration_us"] / 1e6
    errors = sum(v for k, v in figures.items() if k.startswith("errors_"))
    return {
        "command": " ".join(command[:-2]) + " -- paths.txt",
        "requests": figures["requests"],
        "rps": round(figures["requests"] / seconds, 1),
        "p50_ms": figures["p50_us"] / 1000,
        "p90_ms": figures["p90_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "max_ms": figures["max_us"] / 1000,
        "non_2xx_or_errors": errors,
        "errors": {k: v for k, v in figures.items() if k.startswith("errors_")},
        "precheck_statuses": statuses,
        "memory_after": server.memory(),
        "memory_peak": peak,
    }


def freshness(server: Server, *, seed: int, repeats: int = 5, timeout: float = 30.0) -> dict:
    """Seconds from an opportunity's saved title to the API finding it by a new word (the indexer runs
    inside `rianru serve`)."""
    from django.db import connection
    from django.utils import timezone

    from rianru.catalogue import selectors
    from rianru.catalogue.models import Opportunity

    rng = random.Random(seed)  # noqa: S311 - not security
    now = timezone.now()
    candidates = list(
        Opportunity.objects.filter(city__slug=CITY, external_id__startswith="synthetic-")
        .filter(selectors.live_q(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    times = []
    for _repeat in range(repeats):
        word = "fresh" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
        opportunity = Opportunity.objects.get(pk=rng.choice(candidates))
        opportunity.title_en = f"{opportunity.title_en} {word}"[:300]
        started = time.perf_counter()
        opportunity.save(update_fields=["title_en", "updated_at"])
        path = api_path(f"q={word}")
        found = None
        while time.perf_counter() - started < timeout:
            status, _headers, body = get(server.base, path)
            if status == 200 and opportunity.pk in [r["id"] for r in json.loads(body)["results"]]:
                found = time.perf_counter() - started
                break
            time.sleep(0.02)
        times.append(round(found, 3) if found is not None else None)
    connection.close()
    finished = [t for t in times if t is not None]
    return {"seconds": times, "max_s": max(finished) if len(finished) == len(times) else None}


# --- pages -------------------------------------------------------------------------------------------------


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if (
            tag == "link"
            and attrs.get("href")
            and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel)
        ):
            self.urls.append(("css" if "stylesheet" in rel else attrs.get("as") or "link", attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.urls.append(("js", attrs["src"]))
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.urls.append(("img", attrs["src"]))


def decoded(headers: list[tuple[str, str]], body: bytes) -> bytes:
    encoding = dict((k.lower(), v) for k, v in headers).get("content-encoding", "")
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def css_urls(css: str) -> list[tuple[str, str]]:
    """Fonts a browser would fetch (the first source of each @font-face), other url()s and @imports."""
    found = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", css):
        first = re.search(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", block)
        if first:
            found.append(("font", first.group(1)))
    rest = re.sub(r"@font-face\s*{[^}]*}", "", css)
    found += [("css-url", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", rest)]
    found += [("css", u) for u in re.findall(r"@import\s+['\"]([^'\"]+)['\"]", rest)]
    return [(kind, u) for kind, u in found if not u.startswith("data:")]


def transfer(server: Server, path: str) -> dict:
    """Bytes transferred (headers + body, gzip accepted) for the page and every asset it references."""
    headers = {"Accept-Encoding": "gzip"}
    path = quote(path, safe="/?=&")

    def fetch(url_path: str) -> tuple[int, bytes, list]:
        status, response_headers, body = get(server.base, url_path, headers)
        head = len(f"HTTP/1.1 {status}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in response_headers) + 2
        return head + len(body), decoded(response_headers, body), response_headers

    size, html, _ = fetch(path)
    parser = Assets()
    parser.feed(html.decode("utf-8", "replace"))
    queue = [(kind, urljoin(path, url)) for kind, url in parser.urls]
    seen, assets = set(), []
    while queue:
        kind, url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(server.base).netloc:
            assets.append({"url": url, "type": kind, "bytes": None, "external": True})
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in seen:
            continue
        seen.add(local)
        n_bytes, body, response_headers = fetch(local)
        encoding = dict((k.lower(), v) for k, v in response_headers).get("content-encoding", "")
        assets.append({"url": local, "type": kind, "bytes": n_bytes, "gzip": encoding == "gzip"})
        if kind == "css":
            queue += [(k, urljoin(local, u)) for k, u in css_urls(body.decode("utf-8", "replace"))]
    total = size + sum(a["bytes"] or 0 for a in assets)
    return {
        "path": path,
        "html_bytes": size,
        "assets": assets,
        "total_bytes": total,
        "total_kb": round(total / 1024, 1),
    }


def pages(server: Server, requests: int = 50) -> dict:
    transfers = [transfer(server, PAGE_PATHS[0]), transfer(server, PAGE_PATHS[1])]
    parts = urlsplit(server.base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Accept-Encoding": "gzip"}
    for path in PAGE_PATHS:  # warm-up
        get(server.base, quote(path, safe="/?=&"), headers, connection)
    samples, statuses = [], {}
    for i in range(requests):
        path = quote(PAGE_PATHS[i % len(PAGE_PATHS)], safe="/?=&")
        t0 = time.perf_counter_ns()
        status, _headers, _body = get(server.base, path, headers, connection)
        samples.append((time.perf_counter_ns() - t0) / 1e6)
        statuses[status] = statuses.get(status, 0) + 1
    connection.close()
    return {"transfer": transfers, "time": percentiles(samples), "statuses": statuses}


# --- reporting ---------------------------------------------------------------------------------------------


def markdown_table(results: dict) -> str:
    names = list(results)
    header = (
        "| measure | "
        + " | ".join({"sqlite": "SQLite", "postgres": "PostgreSQL"}[n] for n in names)
        + " | target |"
    )
    rows = [header, "|" + " --- |" * (len(names) + 2)]

    def row(label: str, cell, target: str = "") -> None:
        cells = []
        for name in names:
            try:
                cells.append(cell(results[name]))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("—")
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    def lat(d: dict) -> str:
        return f"{d['p50_ms']:.2f} / {d['p95_ms']:.2f} / {d['p99_ms']:.2f}"

    row(
        "catalogue: opportunities / sessions / spaces",
        lambda r: "{opportunities:,} / {sessions:,} / {spaces:,}".format(**r["counts"]),
    )
    row("generator (demo synthesize N), s", lambda r: f"{r['steps']['synthesize']:.1f}", "≤ 120–180")
    row(
        "full index rebuild, s (command / wall)",
        lambda r: f"{r['rebuild']['reported_s']:.1f} / {r['rebuild']['wall_s']:.1f}",
        "≤ 30",
    )
    row(
        "index size / database size, MiB",
        lambda r: f"{mib(r['rebuild']['index_bytes'])} / {mib(r['db_bytes'])}",
    )
    row("search service in process p50 / p95 / p99, ms", lambda r: lat(r["inprocess"]["service"]))
    row("search API in process p50 / p95 / p99, ms", lambda r: lat(r["inprocess"]["api"]), "p95 ≤ 20")

    def cut(b: dict) -> str:
        return f" ({len(b['timed_out'])} cut at {b['statement_limit_s']} s)" if b.get("timed_out") else ""

    row("naive icontains baseline p50 / p95 / p99, ms", lambda r: lat(r["baseline"]) + cut(r["baseline"]))
    row(
        "baseline ÷ API (p50 / p95)",
        lambda r: (
            f"{r['baseline']['p50_ms'] / r['inprocess']['api']['p50_ms']:.0f}× / "
            f"{r['baseline']['p95_ms'] / r['inprocess']['api']['p95_ms']:.0f}×"
        ),
    )
    row("HTTP req/s (wrk, 4 connections), as served", lambda r: f"{r['http']['rps']:,.0f}", "≥ 500")
    row("HTTP p50 / p95 / p99, ms, as served", lambda r: lat(r["http"]))
    row(
        "HTTP req/s and p95 ms, result cache off (every search computed)",
        lambda r: f"{r['http_uncached']['rps']:,.0f} / {r['http_uncached']['p95_ms']:.1f}",
    )
    row("HTTP errors or non-2xx", lambda r: f"{r['http']['non_2xx_or_errors']} of {r['http']['requests']:,}")
    row(
        "server memory after load, RSS / PSS MiB",
        lambda r: f"{r['http']['memory_after']['rss_mib']} / {r['http']['memory_after']['pss_mib']}",
    )
    row("in-process benchmark RSS (after search), MiB", lambda r: f"{r['inprocess']['rss_mib_after']}")
    row("edit searchable after, max of 5, s", lambda r: f"{r['freshness']['max_s']:.2f}", "≤ 2")
    row(
        "search page (demo city) transferred, KB gz",
        lambda r: f"{max(t['total_kb'] for t in r['pages_demo']['transfer'])}",
        "≤ 150",
    )
    row(
        "search page (demo city) server p50 / p95, ms",
        lambda r: f"{r['pages_demo']['time']['p50_ms']:.1f} / {r['pages_demo']['time']['p95_ms']:.1f}",
        "p95 ≤ 50",
    )
    row(
        "search page (N) server p50 / p95, ms",
        lambda r: f"{r['pages_n']['time']['p50_ms']:.1f} / {r['pages_n']['time']['p95_ms']:.1f}",
    )
    row(
        "CPU busy with other work before in-process / HTTP phases",
        lambda r: (
            f"{r['machine_load']['inprocess']['cpu_busy_before']:.0%} / "
            f"{r['machine_load']['http']['cpu_busy_before']:.0%}"
        ),
    )
    return "\n".join(rows)


def slowest(results: dict) -> str:
    """One line per database: the slowest query of the API and of the baseline (per-query figures)."""
    lines = []
    for name, result in results.items():
        parts = []
        for label, figures in (
            ("API", result["inprocess"].get("api_per_query_ms")),
            ("baseline", result["baseline"].get("per_query_ms")),
        ):
            if figures:
                query, ms = max(figures.items(), key=lambda item: item[1])
                parts.append(f"{label} `{query}` {ms:,.0f} ms")
        if parts:
            lines.append(f"Slowest on {name}: " + "; ".join(parts) + ".")
    return "\n".join(lines) + ("\n" if lines else "")


def append_docs(results: dict, machine: dict, args, started: str, table: str) -> None:
    if not DOCS.exists():
        DOCS.write_text(
            "# Benchmarks\n\nFigures measured by the scripts in `bench/` (see `bench/README.md`). "
            "Each section is one dated run: the machine, the command and what it printed. Compare ratios "
            "between runs on different machines, not absolute times.\n"
        )
    versions = ", ".join(f"{k} {v}" for r in results.values() for k, v in r.get("versions", {}).items())
    first = next(iter(results.values()))
    changed = machine.get("uncommitted_files") or []
    dirty_note = f" plus uncommitted changes to {len(changed)} files (work in progress)" if changed else ""
    empty = first["inprocess"]["queries_without_results"]
    section = f"""
## Search, N = {args.n:,} ({started})

- Machine: {machine["nproc"]} cores ({machine["cpu"]}), {machine["ram_gib"]} GiB RAM, Linux {machine["kernel"]},
  Python {machine["python"]}, {versions}; {machine["wrk"]}; commit `{machine["commit"]}`{dirty_note}.
- Command: `make bench-search` (`python bench/search.py --n {args.n} --db {args.db} --duration {args.duration}`);
  {len(read_queries())} queries from `bench/queries.txt`, {args.rounds} passes in process after a warm-up;
  wrk `-t2 -c{args.connections} -d{args.duration}s` on the same 2 cores as the server (`rianru serve --workers 2`).
- Generator: `{first["synthesize_output"]}`

{table}

Notes: the in-process API figure is the whole request through Django (URL routing, middleware, the ninja
endpoint, JSON) without the network; the service figure is `selectors.search()` alone (search, facet
counts, the page of results from the cards stored in the index); both are computed every time (the result
cache is off in process). Over HTTP the same queries run twice: with the result cache off (every search
computed) and as served (each worker reuses a search's result until the index changes). The baseline is the catalogue's listing selector
with every word `icontains` in titles, summaries and descriptions and the same facets as ORM filters
(count + first page, no facet counts), in the same run on the same data. Page bytes are the HTML plus every
stylesheet, script, image and font (the first source of each `@font-face`) it references, gzip accepted, cold
cache. Queries without results at N: {", ".join(f"`{q}`" for q in empty) or "none"}.
{slowest(results)}"""  # noqa: E501
    with DOCS.open("a", encoding="utf-8") as handle:
        handle.write(section)


if __name__ == "__main__":
    main()
