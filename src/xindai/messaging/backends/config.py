"""The SMS providers' settings, read when a message goes out, and what their reports share.

settings.py fills the dictionaries ``SMS_ALIYUN``, ``SMS_TENCENT`` and ``SMS_HTTP`` from environment
variables named after their keys (``SMS_ALIYUN["SIGN_NAME"]`` comes from ``ALIYUN_SMS_SIGN_NAME``).
Reading them at send time, not at import, lets ``override_settings`` point a test at a stand-in
server. A missing or malformed value is a ``ConfigError``: the backends turn it into a failed
result that names the variable to set, and ``check_sms_settings`` reports it at start-up.
"""

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import checks

CHINA = ZoneInfo("Asia/Shanghai")  # the providers report Beijing time, whatever our TIME_ZONE
ENV_PREFIXES = {"SMS_ALIYUN": "ALIYUN_SMS_", "SMS_TENCENT": "TENCENT_SMS_", "SMS_HTTP": "SMS_HTTP_"}


class ConfigError(ValueError):
    """A provider setting is missing or malformed; the message says which environment variable to fix."""


@dataclass(frozen=True)
class AliyunConfig:
    access_key_id: str
    access_key_secret: str = field(repr=False)  # kept out of logs and tracebacks
    sign_name: str  # the approved signature (短信签名), e.g. 张掖银行
    endpoint: str = "dysmsapi.aliyuncs.com"
    protocol: str = "https"
    region_id: str = "cn-hangzhou"
    timeout_ms: int = 5000  # connect and read, each


@dataclass(frozen=True)
class TencentConfig:
    secret_id: str
    secret_key: str = field(repr=False)
    sdk_app_id: str  # SmsSdkAppId, e.g. 1400006666
    sign_name: str
    region: str = "ap-guangzhou"
    endpoint: str = "sms.tencentcloudapi.com"
    protocol: str = "https"
    timeout_ms: int = 5000


@dataclass(frozen=True)
class SuccessRule:
    """How the generic gateway tells an accepted message from a refused one (besides HTTP 2xx)."""

    kind: str  # "" (2xx is enough), "json", "contains" or "regex"
    path: str = ""  # json: the dotted path of the field
    value: str = ""  # json: the expected value; contains: the text; regex: the pattern

    @classmethod
    def parse(cls, rule: str) -> "SuccessRule":
        kind, _, spec = rule.partition(":")
        if not rule:
            return cls("")
        if kind == "json" and "=" in spec:
            path, _, value = spec.partition("=")
            return cls("json", path.strip(), value)
        if kind == "contains" and spec:
            return cls("contains", value=spec)
        if kind == "regex" and spec:
            try:
                re.compile(spec)
            except re.error as error:
                raise ConfigError(f"SMS_HTTP_SUCCESS: {spec!r} is not a regular expression ({error}).") from None
            return cls("regex", value=spec)
        raise ConfigError(
            f"SMS_HTTP_SUCCESS={rule!r}: use json:<dotted.path>=<value>, contains:<text> or regex:<pattern>."
        )


SEND_FIELDS = frozenset({"mobile", "text", "message_id", "template_code", "params"})
REPORT_FIELDS = frozenset({"message_id", "provider_id", "mobile", "status", "error", "error_message", "time"})


@dataclass(frozen=True)
class HttpConfig:
    url: str
    format: str = "form"  # query (GET ?a=1), form (POST a=1&b=2) or json (POST {"a": "1"})
    fields: tuple[tuple[str, str], ...] = (("mobile", "mobile"), ("text", "content"))  # (ours, theirs)
    extra: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # constants: account, password, ...
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    charset: str = "utf-8"  # some older platforms want gbk
    success: SuccessRule = field(default_factory=lambda: SuccessRule(""))
    provider_id: str = ""  # json path, or regex:<pattern with one group>, of the platform's message id
    error_code: str = ""  # json path (or regex:) of the error code in a refusal
    error_message: str = ""  # json path (or regex:) of the error text in a refusal
    retry_codes: frozenset[str] = frozenset()  # error codes that mean "busy, try later" (flow control)
    timeout_ms: int = 5000
    report_list: str = ""  # where the reports sit in a push: a json path, or for a form push the field with JSON
    report_fields: tuple[tuple[str, str], ...] = ()  # (ours, theirs) for message_id, status, ...
    report_success: frozenset[str] = frozenset({"DELIVRD"})  # status values meaning "delivered"
    report_answer: str = "OK"  # the body the platform expects back from a push


def aliyun_config() -> AliyunConfig:
    config = _read(AliyunConfig, "SMS_ALIYUN")
    _check_protocol(config.protocol, "SMS_ALIYUN")
    return config


def tencent_config() -> TencentConfig:
    config = _read(TencentConfig, "SMS_TENCENT")
    _check_protocol(config.protocol, "SMS_TENCENT")
    return config


def http_config() -> HttpConfig:
    raw = dict(_settings_dict("SMS_HTTP"))
    for key in ("FIELDS", "EXTRA", "HEADERS", "REPORT_FIELDS"):
        if raw.get(key):
            raw[key] = parse_pairs(raw[key], f"SMS_HTTP_{key}")
    for key in ("RETRY_CODES", "REPORT_SUCCESS"):
        if raw.get(key):
            raw[key] = frozenset(_as_list(raw[key]))
    if raw.get("SUCCESS"):
        raw["SUCCESS"] = SuccessRule.parse(raw["SUCCESS"])
    config = _build(HttpConfig, "SMS_HTTP", raw)
    if urlsplit(config.url).scheme not in ("http", "https"):
        raise ConfigError(f"SMS_HTTP_URL={config.url!r} is not an http:// or https:// address.")
    if config.format not in ("query", "form", "json"):
        raise ConfigError(f"SMS_HTTP_FORMAT={config.format!r}: use query, form or json.")
    _check_names(config.fields, SEND_FIELDS, "SMS_HTTP_FIELDS")
    if "mobile" not in dict(config.fields):
        raise ConfigError("SMS_HTTP_FIELDS must name the platform's parameter for the mobile number (mobile=...).")
    _check_names(config.report_fields, REPORT_FIELDS, "SMS_HTTP_REPORT_FIELDS")
    try:
        "".encode(config.charset)
    except LookupError:
        raise ConfigError(f"SMS_HTTP_CHARSET={config.charset!r} is not a known encoding.") from None
    return config


def parse_pairs(value: str | Mapping[str, str], variable: str) -> tuple[tuple[str, str], ...]:
    """`a=1&b=2` (percent-encoded where a value holds &, = or %; a + stays a +) or a dict, as pairs."""
    if isinstance(value, Mapping):
        return tuple((str(name), str(item)) for name, item in value.items())
    pairs = []
    for part in filter(None, value.split("&")):
        name, equals, item = part.partition("=")
        if not equals or not name:
            raise ConfigError(f"{variable}: {part!r} is not name=value.")
        pairs.append((unquote(name.strip()), unquote(item)))
    return tuple(pairs)


def _read[T](cls: type[T], setting: str) -> T:
    return _build(cls, setting, _settings_dict(setting))


def _settings_dict(setting: str) -> Mapping[str, Any]:
    raw = getattr(settings, setting, None) or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"settings.{setting} must be a dictionary.")
    return raw


def _build[T](cls: type[T], setting: str, raw: Mapping[str, Any]) -> T:
    known = {f.name.upper(): f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"settings.{setting} has unknown keys: {', '.join(unknown)}.")
    values = {}
    for key, spec in known.items():
        required = spec.default is MISSING and spec.default_factory is MISSING
        value = raw.get(key)
        if value in (None, ""):
            if required:
                raise ConfigError(f"{ENV_PREFIXES[setting]}{key} is not set (settings.{setting}['{key}']).")
            continue
        if key == "TIMEOUT_MS" and (not isinstance(value, int) or value <= 0):
            raise ConfigError(f"{ENV_PREFIXES[setting]}TIMEOUT_MS={value!r} is not a positive number of milliseconds.")
        values[spec.name] = value
    return cls(**values)


def _check_protocol(protocol: str, setting: str) -> None:
    if protocol not in ("http", "https"):
        raise ConfigError(f"{ENV_PREFIXES[setting]}PROTOCOL={protocol!r}: use https (or http for a stand-in).")


def _check_names(pairs: tuple[tuple[str, str], ...], allowed: frozenset[str], variable: str) -> None:
    unknown = sorted({ours for ours, _ in pairs} - allowed)
    if unknown:
        raise ConfigError(f"{variable}: unknown names {', '.join(unknown)} (use {', '.join(sorted(allowed))}).")


def _as_list(value: str | list[str] | tuple[str, ...] | frozenset[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]


def provider_time(text: object, tz: tzinfo = CHINA) -> datetime | None:
    """A time in a delivery report: "2017-01-01 00:00:00" (Beijing time unless `tz`), or Unix seconds or ms.

    None for a missing or unreadable time: a report is still worth taking without it.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(int(text))
    if not isinstance(text, str):
        return None
    text = text.strip()
    if text.isdigit() and len(text) in (10, 13):  # Unix seconds, or milliseconds
        return datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), tz=UTC)
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


# One SDK client per thread and configuration: building one is cheap but not free (credentials,
# HTTP session), and the SDKs do not promise that a client may be shared between threads.
_clients = threading.local()


def cached_client[T](config: object, build: Callable[[], T]) -> T:
    cache: dict[object, Any] = _clients.__dict__.setdefault("by_config", {})
    if config not in cache:
        if len(cache) >= 8:  # settings changed (tests, a key rotation): forget the old clients
            cache.clear()
        cache[config] = build()
    return cache[config]


_BACKEND_CONFIGS: dict[str, Callable[[], object]] = {
    "aliyun": aliyun_config,
    "xindai.messaging.backends.aliyun.SmsBackend": aliyun_config,
    "tencent": tencent_config,
    "xindai.messaging.backends.tencent.SmsBackend": tencent_config,
    "http": http_config,
    "xindai.messaging.backends.http.SmsBackend": http_config,
}


def check_sms_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A Django system check: the chosen provider's settings are complete and well-formed."""
    read = _BACKEND_CONFIGS.get(getattr(settings, "SMS_BACKEND", ""))
    if read is None:
        return []
    try:
        read()
    except ConfigError as error:
        return [checks.Error(str(error), id="messaging.E001")]
    return []


def voice_config[T](cls: type[T], setting: str, prefix: str, whole: dict[str, tuple[int, int]]) -> T:
    """A voice provider's settings (settings.<setting>, a dict of UPPER keys) as `cls`, read at
    call time; a ConfigError names the environment variable (<prefix><KEY>) to fix. `whole` gives
    the integer fields' ranges."""
    raw = getattr(settings, setting, None) or {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"settings.{setting} must be a dictionary.")
    known = {spec.name.upper(): spec for spec in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"settings.{setting} has unknown keys: {', '.join(unknown)}.")
    values = {}
    for key, spec in known.items():
        value = raw.get(key)
        if value in (None, ""):
            if spec.default is MISSING:
                raise ConfigError(f"{prefix}{key} is not set (settings.{setting}['{key}']).")
            continue
        values[spec.name] = value
    config = cls(**values)
    if config.protocol not in ("http", "https"):
        raise ConfigError(f"{prefix}PROTOCOL={config.protocol!r}: use https (or http for a stand-in).")
    for key, (low, high) in whole.items():
        value = getattr(config, key.lower())
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{prefix}{key}={value!r} is not a whole number from {low} to {high}.")
    return config
