"""The import template's example row (imports/template.py): marked in its name and recognised by its
made-up ID number with its IOU number, it is refused — a user who forgets to delete it must not
import a fake loan."""

from django.utils.translation import gettext_lazy

from xindai.core.idnumber import check_character

EXAMPLE_NAME = "马建国（示例）"
EXAMPLE_ID_BODY = "62070219900101001"
EXAMPLE_IOU = "GZ2026030001"
EXAMPLE_ROW = gettext_lazy(
    "Row %(row)s is the template's example (%(name)s): delete it and enter your own rows, then import again."
)


def is_example(name: str, id_number: str, iou: str) -> bool:
    """The example's name, or its made-up ID number with its IOU number."""
    same_id = id_number.strip().upper() == EXAMPLE_ID_BODY + check_character(EXAMPLE_ID_BODY)
    return (same_id and iou.strip() == EXAMPLE_IOU) or name.strip() == EXAMPLE_NAME
