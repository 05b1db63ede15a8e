"""Retry timing, Retry-After, the per-host throttle and bounded decompression, without waiting."""

from __future__ import annotations

import gzip
import threading
import zlib
from datetime import UTC, datetime

import pytest

from prisonwatch.collect.fetch import FetchError, HostThrottle, _BoundedDecoder, backoff_delay, parse_retry_after


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    low = [backoff_delay(n, base=1.0, cap=30.0, rng=lambda: 0.0) for n in range(1, 8)]
    high = [backoff_delay(n, base=1.0, cap=30.0, rng=lambda: 1.0) for n in range(1, 8)]
    assert high == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert low == [h / 2 for h in high]


def test_retry_after_wins_but_is_capped() -> None:
    assert backoff_delay(1, base=1.0, cap=30.0, retry_after=12.0) == 12.0
    assert backoff_delay(1, base=1.0, cap=30.0, retry_after=3600.0) == 30.0


def test_parse_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sat, 21 Nov 2026 10:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sat, 21 Nov 2026 09:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_per_host_delay_waits_only_for_the_same_host() -> None:
    clock = FakeClock()
    throttle = HostThrottle(clock=clock, sleep=clock.sleep)
    with throttle.hold("a.example", 2.0):
        clock.now += 0.5
    with throttle.hold("b.example", 2.0):
        pass
    assert clock.slept == []
    with throttle.hold("a.example", 2.0):  # finished at 100.5, now 100.5: waits the full delay
        pass
    assert clock.slept == [2.0]
    clock.now += 5.0
    with throttle.hold("a.example", 2.0):
        pass
    assert clock.slept == [2.0]


def test_per_host_lock_serialises_threads() -> None:
    throttle = HostThrottle()
    active, peak, lock = [0], [0], threading.Lock()

    def work() -> None:
        with throttle.hold("same.example", 0.0):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            threading.Event().wait(0.02)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1


def _feed(decoder: _BoundedDecoder, data: bytes, chunk: int = 1000) -> bytes:
    for i in range(0, len(data), chunk):
        decoder.feed(data[i : i + chunk])
    return decoder.result()


@pytest.mark.parametrize(
    "encoding,compress",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as some servers send it
        ("identity", lambda d: d),
    ],
)
def test_decoder_round_trips(encoding: str, compress) -> None:
    data = "Liberación de presos políticos. ".encode() * 500
    assert _feed(_BoundedDecoder(encoding, 10**6, "u"), compress(data)) == data


def test_decoder_handles_concatenated_gzip_members() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert _feed(_BoundedDecoder("gzip", 1000, "u"), data, chunk=7) == b"first second"


def test_decoder_stops_a_bomb_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (20 << 20))
    decoder = _BoundedDecoder("gzip", 1 << 20, "u")
    with pytest.raises(FetchError) as info:
        _feed(decoder, bomb, chunk=65536)
    assert info.value.error_class == "too_large" and decoder.total <= (1 << 20) + 1


def test_decoder_rejects_corrupt_and_unknown_encodings() -> None:
    with pytest.raises(FetchError) as info:
        _feed(_BoundedDecoder("gzip", 1000, "u"), b"not gzip at all")
    assert info.value.error_class == "decode_error"
    with pytest.raises(FetchError):
        _BoundedDecoder("br", 1000, "u")
