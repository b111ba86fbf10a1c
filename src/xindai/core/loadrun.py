"""A bounded load run against a running web server (no Django import: it only speaks HTTP).

`users` virtual users, each with its own signed-in session and keep-alive connection, request
a URL of the mix, wait `think_s`, and go on until `seconds` have passed. The result: requests,
throughput, p50/p95/p99 latency, errors (status >= 400 or a failed connection) and the slowest
URLs. Threads are enough here: each user spends nearly all its time waiting.
"""

import http.client
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # ms
    errors: list[str] = field(default_factory=list)
    by_url: dict[str, list[float]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def lines(self) -> list[str]:
        out = [
            f"{self.requests:,} requests in {self.seconds:.0f} s = {self.throughput:.1f} req/s; "
            f"p50 {self.percentile(50):.0f} ms, p95 {self.percentile(95):.0f} ms, p99 {self.percentile(99):.0f} ms; "
            f"{len(self.errors)} errors"
        ]
        slowest = sorted(self.by_url.items(), key=lambda item: -statistics.median(item[1]))[:5]
        out += [f"  median {statistics.median(v):6.0f} ms  ({len(v)}×) {url}" for url, v in slowest]
        out += [f"  error: {e}" for e in self.errors[:5]]
        return out


def run_load(
    host: str, port: int, cookies: list[str], urls: list[str], *, seconds: float, think_s: float = 1.0
) -> LoadResult:
    """Each cookie is one user's "sessionid=…"; users start spread over the first think time."""
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    def user(index: int, cookie: str) -> None:
        chooser = random.Random(index)
        time.sleep(think_s * index / max(len(cookies), 1))
        connection = http.client.HTTPConnection(host, port, timeout=60)
        while time.monotonic() < deadline:
            url = chooser.choice(urls)
            begin = time.perf_counter()
            try:
                connection.request("GET", quote(url, safe="/?=&%"), headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                status, problem = response.status, ""
            except (OSError, http.client.HTTPException) as err:
                status, problem = 0, f"{url}: {err!r}"
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            elapsed = (time.perf_counter() - begin) * 1000
            with lock:
                result.latencies.append(elapsed)
                result.by_url.setdefault(url, []).append(elapsed)
                if status >= 400 or status == 0:
                    result.errors.append(problem or f"{url}: HTTP {status}")
            time.sleep(think_s)
        connection.close()

    threads = [threading.Thread(target=user, args=(i, c), daemon=True) for i, c in enumerate(cookies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    result.seconds = time.monotonic() - started
    return result
