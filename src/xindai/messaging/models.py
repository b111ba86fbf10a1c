from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    VOICE = "voice", _("voice call")


class Direction(models.TextChoices):
    OUTBOUND = "out", _("sent")
    INBOUND = "in", _("received")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")  # 待发送
    SENDING = "sending", _("sending")  # 发送中
    SUBMITTED = "submitted", _("submitted")  # 已提交
    DELIVERED = "delivered", _("delivered")  # 已送达
    FAILED = "failed", _("failed")  # 失败
    CANCELLED = "cancelled", _("cancelled")  # 已取消


class Purpose(models.TextChoices):
    LOGIN_CODE = "login_code", _("sign-in code")
    MANUAL = "manual", _("manual sending")


class Message(models.Model):
    """Every SMS or call the system sends or receives, whatever the backend (发送记录)."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.MANUAL)
    recipient = models.CharField(_("number"), max_length=20, db_index=True)
    text = models.TextField(_("text"))
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    backend = models.CharField(_("provider"), max_length=30, blank=True)
    provider_id = models.CharField(_("provider message ID"), max_length=100, blank=True)
    error_code = models.CharField(_("error code"), max_length=50, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text[:20]}"
