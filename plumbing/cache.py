"""The shared cache on Redis, failing open: with Redis down, every read is a miss and every write is lost.

The cache holds only what can be lost: the throttles' request counts. Redis is also the broker,
and a Redis outage must not take the API down with it (side effects wait in the outbox meanwhile),
so an operation Redis cannot answer is logged and answered as an empty cache would answer it;
requests go unthrottled until Redis is back. Connections give up after a second, so a Redis that
does not answer at all slows each request by that much at most.
"""

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
SOCKET_TIMEOUT_SECONDS = 1


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})

    def _unavailable(self, operation: str, fallback: Any) -> Any:
        logger.warning("Cache unavailable (Redis down); %s answered as a miss", operation)
        return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            return self._unavailable("get", default)

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            return self._unavailable("get_many", {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNAVAILABLE:
            return self._unavailable("has_key", False)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE:
            return self._unavailable("add", False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE:
            self._unavailable("set", None)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE:
            return self._unavailable("set_many", list(data))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE:
            return self._unavailable("touch", False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            # As for a key the cache does not hold.
            self._unavailable("incr", None)
            raise ValueError(f"Key '{key}' not found") from None

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            return self._unavailable("delete", False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE:
            self._unavailable("delete_many", None)

    def clear(self) -> None:
        try:
            super().clear()
        except UNAVAILABLE:
            self._unavailable("clear", None)
