"""短信群发 and 语音群发 as background jobs: the request that sends builds no message (the job
does, with progress), the same page sent twice makes one batch, a job stopped or killed half-way
and run again makes no message twice, and its result — the batch's 发送记录 — is the sender's."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from xindai.jobs import services, worker
from xindai.jobs.models import Job, JobState
from xindai.messaging import mass_sending
from xindai.messaging.models import MassSending, Message, OptOut
from xindai.messaging.outbox import deliver_all

NUMBERS = " ".join(f"1380000{n:04d}" for n in range(1, 8))  # seven numbers


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(mass_sending, "BUILD_CHUNK", 3)
    monkeypatch.setattr(services, "PROGRESS_EVERY_S", 0)
    yield
    worker.stop_requested.clear()


def send(client, *, url="messaging:compose", token=None, **data):
    data = {"source": "numbers", "numbers": NUMBERS, "text": "通知：明天开会", "action": "send"} | data
    return client.post(reverse(url), data | {"token": str(token or uuid.uuid4())})


def test_the_send_request_builds_no_message_and_the_job_does(world, login, run_jobs, sms_outbox):
    OptOut.objects.create(number="13800000002")
    response = send(login(world.officer_a))
    batch = MassSending.objects.system("tests").get()
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.owner) == ("messaging.send", JobState.QUEUED, world.officer_a)
    assert batch.job == job and batch.built_at is None
    assert not Message.objects.system("tests").exists()  # nothing built in the request
    run_jobs()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == JobState.DONE and job.result == {"sending": batch.pk, "messages": 6, "skipped": 1}
    assert (batch.messages_count, batch.skipped_opted_out, batch.built) == (6, 1, 6) and batch.built_at
    assert Message.objects.system("tests").filter(sending=batch).count() == 6
    deliver_all()
    assert len(sms_outbox) == 6


def test_the_job_reports_its_progress_chunk_by_chunk(world, login, monkeypatch):
    seen = []
    real_queue = mass_sending.queue

    def queue(messages):
        job = Job.objects.get()
        seen.append((job.done, job.total, job.step))
        return real_queue(messages)

    monkeypatch.setattr(mass_sending, "queue", queue)
    send(login(world.officer_a))
    services.run(Job.objects.get().pk)
    assert [(done, total) for done, total, _step in seen] == [(0, 7), (3, 7), (6, 7)]
    assert seen[0][2] == "正在生成短信"


def test_the_same_page_sent_twice_makes_one_batch_and_one_job(world, login, run_jobs):
    client = login(world.officer_a)
    token = uuid.uuid4()
    first = send(client, token=token)
    second = send(client, token=token)
    assert first.url == second.url
    assert MassSending.objects.system("tests").count() == 1 and Job.objects.count() == 1
    run_jobs()
    send(client, token=token)  # even after it was sent
    assert Message.objects.system("tests").count() == 7 and Job.objects.count() == 1
    send(client)  # a new page is a new sending
    assert MassSending.objects.system("tests").count() == 2


def test_a_job_stopped_half_way_goes_on_where_it_stopped(world, login, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    real_queue = mass_sending.queue
    calls = []

    def queue(messages):
        calls.append(len(messages))
        if len(calls) == 2:
            worker.stop_requested.set()  # the worker is asked to stop during the second chunk
        return real_queue(messages)

    monkeypatch.setattr(mass_sending, "queue", queue)
    send(login(world.officer_a))
    job = Job.objects.get()
    services.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and Message.objects.system("tests").count() == 6
    worker.stop_requested.clear()
    services.run(job.pk)
    assert calls == [3, 3, 1]  # the third attempt made only what was missing
    assert sorted(Message.objects.system("tests").values_list("recipient", flat=True)) == NUMBERS.split()


class Killed(BaseException):
    """The worker process dies (SIGKILL): nothing after this point runs, no handler."""


def test_a_job_whose_worker_was_killed_is_retried_without_duplicates(world, login, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    real_queue = mass_sending.queue

    def dying(messages):
        if Message.objects.system("tests").count() >= 3:
            raise Killed  # killed in the middle of the second chunk: its transaction never commits
        return real_queue(messages)

    monkeypatch.setattr(mass_sending, "queue", dying)
    send(login(world.officer_a))
    job = Job.objects.get()
    with pytest.raises(Killed):
        services.run(job.pk)
    assert Job.objects.get().state == JobState.RUNNING and Message.objects.system("tests").count() == 3
    monkeypatch.setattr(mass_sending, "queue", real_queue)
    assert services.recover_lost(timezone.now()) == 1  # its worker is gone: queued again
    services.run(job.pk)
    batch = MassSending.objects.system("tests").get()
    recipients = list(Message.objects.system("tests").values_list("recipient", flat=True))
    assert sorted(recipients) == NUMBERS.split() and batch.built == 7 and batch.built_at


def test_collection_from_the_due_list_is_built_by_the_job_in_the_senders_scope(world, login, due_book, run_jobs):
    send(login(world.officer_a), source="customers", query="", numbers="", text="{客户姓名}您好")
    assert not Message.objects.system("tests").exists()
    run_jobs()
    assert list(Message.objects.system("tests").values_list("text", flat=True)) == ["马建国您好"]  # not 赵天佑


def test_the_result_is_the_senders_with_the_permission_to_see_it(world, login, run_jobs):
    send(login(world.officer_a))
    run_jobs()
    job, batch = Job.objects.get(), MassSending.objects.system("tests").get()
    page = login(world.officer_a).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("messaging:sending", args=[batch.pk]) in page and "已排队 7 条短信" in page
    assert login(world.officer_a).get(reverse("messaging:sending", args=[batch.pk])).status_code == 200
    other = login(world.officer_b)
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("messaging:sending", args=[batch.pk])).status_code == 404
    role = world.officer_a.role
    role.permissions = [code for code in role.permissions if code != "messaging.view"]
    role.save()
    assert login(world.officer_a).get(reverse("messaging:sending", args=[batch.pk])).status_code == 403


def test_a_sending_still_being_made_says_so_and_links_its_job(world, login):
    send(login(world.officer_a))
    batch = MassSending.objects.system("tests").get()
    page = login(world.officer_a).get(reverse("messaging:sending", args=[batch.pk])).content.decode()
    assert 'data-testid="sending-building"' in page and reverse("jobs:detail", args=[batch.job_id]) in page


def test_voice_notices_are_built_by_the_job_as_calls(world, login, run_jobs, settings):
    settings.VOICE_BACKEND = "locmem"
    response = send(login(world.officer_a), url="messaging:voice_compose", channel="sms")
    assert response.status_code == 302 and not Message.objects.system("tests").exists()
    run_jobs()
    assert set(Message.objects.system("tests").values_list("channel", flat=True)) == {"voice"}


def test_the_send_request_reads_no_recipient(world, login, django_assert_max_num_queries):
    client = login(world.officer_a)
    with django_assert_max_num_queries(12):
        send(client, source="customers", query="", numbers="")
