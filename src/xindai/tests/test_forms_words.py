"""Forms in the bank's words (#18): Django's stock help texts on the user form, 正则表达式 on the
reply-rule form. (Apart from test_words: its module-wide demo book and `world` do not mix.)"""

from xindai.tests.test_words import english_words


def test_forms_speak_the_banks_words(world, login):
    """The user form without Django's stock help texts; the reply-rule form without 正则表达式."""
    from django.urls import reverse

    client = login(world.admin)
    for url in (reverse("org:user_create"), reverse("org:user_edit", args=[world.officer_a.pk])):
        html = client.get(url).content.decode()
        assert "指明用户是否被认为是活跃的" not in html and "150个字符或者更少" not in html
        assert english_words(html, {"officer_a"}) == []
    html = client.get(reverse("messaging:rule_create")).content.decode()
    assert "正则表达式" not in html and "关键词" in html
    assert english_words(html) == []
