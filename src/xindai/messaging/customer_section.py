"""The customer record's messages section."""

from xindai.customers.detail_sections import register
from xindai.messaging.selectors import customer_messages


@register
def messages_section(user, customer):
    if not user.has_perm("messaging.view"):
        return None
    return {"template": "messaging/_customer_messages.html", "messages": list(customer_messages(user, customer))}
