"""The Redis cache fails open: with Redis unreachable, reads are misses and writes are dropped."""

import socket

import pytest

from plumbing.cache import FailOpenRedisCache


@pytest.fixture
def unreachable_cache() -> FailOpenRedisCache:
    """A cache on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return FailOpenRedisCache(f"redis://127.0.0.1:{port}/1", {})


def test_reads_are_misses(unreachable_cache):
    assert unreachable_cache.get("throttle_user_1", []) == []
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert unreachable_cache.has_key("a") is False


def test_writes_are_dropped_without_an_error(unreachable_cache):
    unreachable_cache.set("throttle_user_1", [1.0], 60)
    assert unreachable_cache.add("a", 1) is False
    assert unreachable_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable_cache.delete("a") is False
    with pytest.raises(ValueError, match="not found"):
        unreachable_cache.incr("a")


def test_a_redis_that_does_not_answer_costs_a_request_a_second_at_most(unreachable_cache):
    assert unreachable_cache._options["socket_connect_timeout"] == 1
    assert unreachable_cache._options["socket_timeout"] == 1
