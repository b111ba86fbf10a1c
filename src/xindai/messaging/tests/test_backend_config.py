"""The providers' settings: read at send time, named after their environment variables, checked at start-up."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging.backends.config import (
    AliyunConfig,
    ConfigError,
    aliyun_config,
    cached_client,
    check_sms_settings,
    http_config,
    parse_pairs,
    provider_time,
    tencent_config,
)

ALIYUN = {"ACCESS_KEY_ID": "id", "ACCESS_KEY_SECRET": "secret", "SIGN_NAME": "张掖银行"}


def test_defaults_fill_what_the_bank_leaves_out(settings):
    settings.SMS_ALIYUN = ALIYUN

    assert aliyun_config() == AliyunConfig(
        access_key_id="id",
        access_key_secret="secret",
        sign_name="张掖银行",
        endpoint="dysmsapi.aliyuncs.com",
        protocol="https",
        region_id="cn-hangzhou",
        timeout_ms=5000,
    )


def test_empty_values_count_as_left_out(settings):
    settings.SMS_ALIYUN = {**ALIYUN, "ENDPOINT": "", "TIMEOUT_MS": None}

    assert aliyun_config().endpoint == "dysmsapi.aliyuncs.com"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({**ALIYUN, "SIGN_NAME": ""}, "ALIYUN_SMS_SIGN_NAME is not set"),
        ({**ALIYUN, "SIGNNAME": "x"}, "unknown keys: SIGNNAME"),
        ({**ALIYUN, "PROTOCOL": "ftp"}, "ALIYUN_SMS_PROTOCOL='ftp'"),
        ({**ALIYUN, "TIMEOUT_MS": 0}, "ALIYUN_SMS_TIMEOUT_MS=0"),
        ("id:secret", "must be a dictionary"),
    ],
)
def test_malformed_settings_name_what_to_fix(settings, raw, message):
    settings.SMS_ALIYUN = raw

    with pytest.raises(ConfigError, match=message):
        aliyun_config()


def test_settings_are_read_at_every_call(settings):
    settings.SMS_TENCENT = {"SECRET_ID": "a", "SECRET_KEY": "b", "SDK_APP_ID": "1400000001", "SIGN_NAME": "甲"}
    assert tencent_config().sdk_app_id == "1400000001"

    settings.SMS_TENCENT = {**settings.SMS_TENCENT, "SDK_APP_ID": "1400000002"}
    assert tencent_config().sdk_app_id == "1400000002"


def test_pairs_keep_a_plus_and_decode_percent_escapes():
    assert parse_pairs("account=zy01&password=a+b%26c%3Dd&sign=%E3%80%90%E5%BC%A0%E6%8E%96%E3%80%91", "X") == (
        ("account", "zy01"),
        ("password", "a+b&c=d"),
        ("sign", "【张掖】"),
    )
    assert parse_pairs({"account": "zy01"}, "X") == (("account", "zy01"),)
    with pytest.raises(ConfigError, match="'password' is not name=value"):
        parse_pairs("account=zy01&password", "SMS_HTTP_EXTRA")


def test_start_up_check_reports_the_chosen_providers_gaps(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN = {}
    [error] = check_sms_settings()
    assert error.id == "messaging.E001"
    assert "ALIYUN_SMS_ACCESS_KEY_ID" in error.msg

    settings.SMS_ALIYUN = ALIYUN
    assert check_sms_settings() == []

    settings.SMS_BACKEND = "console"
    settings.SMS_TENCENT = {}
    assert check_sms_settings() == []


def test_one_client_per_configuration():
    built = []

    def build() -> object:
        built.append(object())
        return built[-1]

    first = cached_client(("aliyun", "a"), build)
    assert cached_client(("aliyun", "a"), build) is first
    assert cached_client(("aliyun", "b"), build) is not first
    assert len(built) == 2


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-18 09:00:05", datetime(2026, 3, 18, 1, 0, 5, tzinfo=UTC)),
        ("20260318090005", datetime(2026, 3, 18, 1, 0, 5, tzinfo=UTC)),
        ("1773795605", datetime(2026, 3, 18, 1, 0, 5, tzinfo=UTC)),
        (1773795605000, datetime(2026, 3, 18, 1, 0, 5, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_report_times_are_beijing_time_or_unix(text, moment):
    parsed = provider_time(text)

    assert parsed == moment
    if parsed is not None and isinstance(text, str) and "-" in text:
        assert parsed.tzinfo == ZoneInfo("Asia/Shanghai")


def test_secrets_stay_out_of_reprs(settings):
    settings.SMS_ALIYUN = {**ALIYUN, "ACCESS_KEY_SECRET": "s3cr3t-value"}
    settings.SMS_HTTP = {"URL": "https://sms.bank.example/send", "EXTRA": "account=zy01&password=s3cr3t-value"}

    assert "s3cr3t-value" not in repr(aliyun_config())
    assert "s3cr3t-value" not in repr(http_config())


@pytest.mark.parametrize("name", ["aliyun", "tencent", "http"])
def test_the_gateway_finds_each_provider_by_its_short_name(settings, name):
    from xindai.messaging.gateway import get_backend

    settings.SMS_BACKEND = name

    backend = get_backend()
    assert (backend.name, type(backend).__module__) == (name, f"xindai.messaging.backends.{name}")
