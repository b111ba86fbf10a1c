"""Borrowers' replies as the providers push them: Aliyun SmsUp (help.aliyun.com/zh/sms/developer-reference/
smsup-http), Tencent's reply callback (cloud.tencent.com/document/product/382/59179) and a generic platform."""

import json
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from xindai.messaging.inbound_parsers import (
    ANSWERS,
    InboundSms,
    normalise_sender,
    parse_aliyun,
    parse_http,
    parse_tencent,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def as_json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


# Aliyun SmsUp: a JSON array; sequence_id is a number in older pages of the documentation, a string in newer.
SMS_UP = [
    {
        "phone_number": "13800138000",
        "send_time": "2026-03-18 09:12:45",
        "content": "余额",
        "sign_name": "张掖银行",
        "dest_code": "1234",
        "sequence_id": 1234567890,
    },
    {
        "phone_number": "13900139000",
        "content": "ＴＤ",
        "send_time": "2026-03-18 09:13:02",
        "dest_code": "1234",
        "sequence_id": "1234567891",
    },
]


def test_aliyun_push_reads_each_reply_with_its_sequence_id():
    replies = parse_aliyun(as_json(SMS_UP), "application/json")

    assert replies == [
        InboundSms(
            provider_id="1234567890",
            sender="13800138000",
            text="余额",
            received_at=datetime(2026, 3, 18, 9, 12, 45, tzinfo=BEIJING),
            extra={"sign_name": "张掖银行", "dest_code": "1234", "sequence_id": 1234567890},
        ),
        InboundSms(
            provider_id="1234567891",
            sender="13900139000",
            text="ＴＤ",  # full-width, kept as sent
            received_at=datetime(2026, 3, 18, 9, 13, 2, tzinfo=BEIJING),
            extra={"dest_code": "1234", "sequence_id": "1234567891"},
        ),
    ]


def test_aliyun_push_delivered_twice_gives_the_same_ids():
    body = as_json(SMS_UP)

    assert [r.provider_id for r in parse_aliyun(body, "")] == [r.provider_id for r in parse_aliyun(body, "")]


def test_aliyun_reply_without_sequence_id_gets_a_stable_digest_of_sender_time_and_text():
    reply = {"phone_number": "+86 138 0013 8000", "send_time": "20260318091245", "content": "还款"}

    first = parse_aliyun(as_json([reply]), "application/json")[0]
    again = parse_aliyun(as_json([{**reply, "phone_number": "13800138000"}]), "application/json")[0]
    later = parse_aliyun(as_json([{**reply, "send_time": "20260318101245"}]), "application/json")[0]

    assert first.provider_id.startswith("h:") and len(first.provider_id) == 34
    assert first.provider_id == again.provider_id  # the same number however written
    assert first.provider_id != later.provider_id  # the same words an hour later: another reply
    assert (first.sender, first.received_at) == ("13800138000", datetime(2026, 3, 18, 9, 12, 45, tzinfo=BEIJING))


def test_an_empty_aliyun_push_has_no_replies():
    assert parse_aliyun(b"[]", "application/json") == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00garbage",
        b'{"phone_number": "13800138000", "content": "1"}',  # an object, not an array
        b'[{"phone_number": "13800138000"}]',  # no content
        b'[{"content": "1"}]',  # no number
        b'[{"phone_number": "", "content": "1"}]',
        b'[{"phone_number": "abc", "content": "1"}]',
        b'[{"phone_number": "13800138000", "content": {"text": "1"}}]',
        b'[{"phone_number": "13800138000", "content": "1", "sequence_id": [1]}]',
        b'["13800138000"]',
    ],
)
def test_malformed_aliyun_push_is_refused(body):
    with pytest.raises(ValueError):
        parse_aliyun(body, "application/json")


# Tencent's reply callback: one object; no id of the reply in the documentation.
REPLY = {
    "extend": "",
    "mobile": "13800138000",
    "nationcode": "86",
    "sign": "张掖银行",
    "text": "还款方式",
    "time": 1773796365,
}


def test_tencent_callback_reads_the_reply():
    (reply,) = parse_tencent(as_json(REPLY), "application/json")

    assert (reply.sender, reply.text, reply.received_at) == (
        "13800138000",
        "还款方式",
        datetime(2026, 3, 18, 1, 12, 45, tzinfo=UTC),
    )
    assert reply.extra == {"extend": "", "nationcode": "86", "sign": "张掖银行"}
    assert reply.provider_id.startswith("h:")


def test_tencent_callback_delivered_twice_gives_the_same_id_and_another_reply_another():
    first = parse_tencent(as_json(REPLY), "application/json")[0].provider_id

    assert parse_tencent(as_json(REPLY), "application/json")[0].provider_id == first
    assert parse_tencent(as_json({**REPLY, "time": 1773796400}), "")[0].provider_id != first
    assert parse_tencent(as_json({**REPLY, "text": "余额"}), "")[0].provider_id != first
    assert parse_tencent(as_json({**REPLY, "mobile": "13900139000"}), "")[0].provider_id != first


def test_tencent_sid_is_the_id_when_there_is_one_and_a_list_is_read():
    replies = parse_tencent(as_json([{**REPLY, "sid": "2019:1435960002817654321"}, REPLY]), "application/json")

    assert replies[0].provider_id == "2019:1435960002817654321"
    assert len(replies) == 2 and replies[1].provider_id.startswith("h:")


@pytest.mark.parametrize(
    ("mobile", "nationcode", "sender"),
    [
        ("13800138000", "86", "13800138000"),
        ("+8613800138000", "86", "13800138000"),
        ("13800138000", "", "13800138000"),
        ("91234567", "852", "+85291234567"),
    ],
)
def test_tencent_sender_is_normalised_with_its_nation_code(mobile, nationcode, sender):
    assert parse_tencent(as_json({**REPLY, "mobile": mobile, "nationcode": nationcode}), "")[0].sender == sender


def test_tencent_text_is_kept_exactly_as_sent():
    text = "　１ 还款，谢谢！ "

    assert parse_tencent(as_json({**REPLY, "text": text}), "")[0].text == text


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b'{"mobile": "13800138000", "nationcode": "86"}',  # no text
        b'{"text": "1", "nationcode": "86"}',  # no mobile
        b'{"mobile": "1380013800x", "text": "1"}',
        b'{"mobile": "13800138000", "text": null}',
        b'"13800138000"',
        b"[42]",
    ],
)
def test_malformed_tencent_callback_is_refused(body):
    with pytest.raises(ValueError):
        parse_tencent(body, "application/json")


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        ("13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        (13800138000, "13800138000"),
        ("0936-8881234", "09368881234"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_sender_normalisation(raw, sender):
    assert normalise_sender(raw) == sender


@pytest.mark.parametrize("raw", ["", None, "abc", "138-0013-800O", "1" * 25, [13800138000], True])
def test_what_is_no_number_is_refused(raw):
    with pytest.raises(ValueError):
        normalise_sender(raw)


# A generic platform with configured field names.
FIELDS = {"sender": "mobile", "text": "content", "id": "msgid", "time": "recvtime"}


def test_http_json_object_with_configured_names(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    body = as_json(
        {
            "mobile": "8613800138000",
            "content": "人工",
            "msgid": "MO20260318000017",
            "recvtime": "2026-03-18 09:12:45",
            "spcode": "10690001",
        }
    )

    assert parse_http(body, "application/json", FIELDS) == [
        InboundSms(
            provider_id="MO20260318000017",
            sender="13800138000",
            text="人工",
            received_at=datetime(2026, 3, 18, 9, 12, 45, tzinfo=BEIJING),
            extra={"spcode": "10690001"},
        )
    ]


def test_http_json_array_under_a_path_with_nested_fields():
    body = as_json(
        {
            "code": 0,
            "data": {
                "replies": [
                    {"from": {"mobile": "13800138000"}, "body": "1", "ts": 1773796365},
                    {"from": {"mobile": "13900139000"}, "body": "2", "ts": 1773796370},
                ]
            },
        }
    )
    fields = {"sender": "from.mobile", "text": "body", "time": "ts", "list": "data.replies"}

    replies = parse_http(body, "application/json; charset=utf-8", fields)

    assert [(r.sender, r.text, r.received_at) for r in replies] == [
        ("13800138000", "1", datetime(2026, 3, 18, 1, 12, 45, tzinfo=UTC)),
        ("13900139000", "2", datetime(2026, 3, 18, 1, 12, 50, tzinfo=UTC)),
    ]
    assert replies[0].provider_id != replies[1].provider_id


def test_http_form_push_in_utf8_and_in_undeclared_gbk():
    fields = {"sender": "phone", "text": "msg", "id": "id"}
    utf8 = urlencode({"phone": "13800138000", "msg": "退订", "id": "77"}).encode()
    gbk = urlencode({"phone": "13800138000", "msg": "退订", "id": "78"}, encoding="gbk").encode()

    assert parse_http(utf8, "application/x-www-form-urlencoded", fields)[0].text == "退订"
    assert parse_http(gbk, "application/x-www-form-urlencoded", fields)[0].text == "退订"
    raw_gbk = "phone=13800138000&msg=退订&id=79".encode("gbk")  # not even percent-encoded
    assert parse_http(raw_gbk, "application/x-www-form-urlencoded", fields)[0].text == "退订"


def test_http_form_field_holding_the_replies_as_json():
    replies = json.dumps(
        [{"mobile": "13800138000", "content": "余额", "time": "2026-03-18 09:12:45"}], ensure_ascii=False
    )
    body = urlencode({"account": "zyyh", "mo": replies}).encode()

    (reply,) = parse_http(
        body, "application/x-www-form-urlencoded", {"sender": "mobile", "text": "content", "time": "time", "list": "mo"}
    )

    assert (reply.sender, reply.text) == ("13800138000", "余额")


def test_http_ids_are_stable_across_redeliveries_whatever_the_platform_gives():
    with_time = as_json({"mobile": "13800138000", "content": "1", "time": "2026-03-18 09:12:45"})
    bare = as_json({"mobile": "13800138000", "content": "1", "seq": "5"})
    other = as_json({"mobile": "13800138000", "content": "1", "seq": "6"})
    fields = {"sender": "mobile", "text": "content", "id": "id", "time": "time"}  # the settings' default names

    assert parse_http(with_time, "", fields)[0].provider_id == parse_http(with_time, "", fields)[0].provider_id
    assert parse_http(bare, "", fields)[0].provider_id == parse_http(bare, "", fields)[0].provider_id
    assert parse_http(bare, "", fields)[0].provider_id != parse_http(other, "", fields)[0].provider_id
    assert all(parse_http(body, "", fields)[0].provider_id for body in (with_time, bare, other))


def test_http_full_width_text_is_kept_as_sent():
    body = as_json({"mobile": "13800138000", "content": "ＹＥ，１２３"})

    assert parse_http(body, "application/json", {"sender": "mobile", "text": "content"})[0].text == "ＹＥ，１２３"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{broken", "application/json"),
        (b'{"mobile": "13800138000"}', "application/json"),  # no text
        (b'{"content": "1"}', "application/json"),  # no sender
        (b'{"mobile": "no number", "content": "1"}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"mobile=13800138000", "application/x-www-form-urlencoded"),  # no text
        (b"just some words", "text/plain"),
    ],
)
def test_malformed_http_push_is_refused(body, content_type):
    with pytest.raises(ValueError):
        parse_http(body, content_type, {"sender": "mobile", "text": "content"})


@pytest.mark.parametrize("fields", [{"sender": "mobile"}, {"sender": "mobile", "text": "content", "when": "t"}])
def test_incomplete_field_names_are_a_configuration_error(fields):
    with pytest.raises(ValueError, match="SMS_HTTP_INBOUND_FIELDS"):
        parse_http(b'{"mobile": "13800138000", "content": "1"}', "application/json", fields)


def test_answers_are_what_each_provider_expects():
    assert json.loads(ANSWERS["aliyun"][2])["code"] == 0
    assert json.loads(ANSWERS["tencent"][2]) == {"result": 0, "errmsg": "OK"}
    assert ANSWERS["http"] == (200, "text/plain", "OK")
    assert {status for status, _, _ in ANSWERS.values()} == {200}
