from django.core.cache import cache

from xindai.jobs.health import MSG_NO_WORKER, worker_health

WATCHERS = ("messaging.send", "messaging.view", "system.manage_settings")
CACHE_KEY, CACHE_S = "xindai:worker-health", 15


def worker_notice(request) -> dict:
    """The frame's red notice, for those who send messages or run the system, when no worker
    has been alive for a while and work waits. Read at most every 15 s per web process."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not any(user.has_perm(code) for code in WATCHERS):
        return {}
    health = cache.get(CACHE_KEY)
    if health is None:
        health = worker_health()
        cache.set(CACHE_KEY, health, CACHE_S)
    if not health.stalled:
        return {}
    return {"worker_notice": MSG_NO_WORKER % {"minutes": health.down_minutes}}
