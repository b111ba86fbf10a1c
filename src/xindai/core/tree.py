"""Trees (branches, regions) kept as a materialised path: portable, indexed subtree queries.

Each node's `path` is its ancestors' ids and its own, zero-padded and slash-terminated
("/000003/000017/"), so a subtree is `path LIKE '/000003/%'` on an index, on SQLite and
PostgreSQL alike.
"""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr


def path_segment(pk: int) -> str:
    return f"{pk:08d}/"


class TreeNode(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def expected_path(self) -> str:
        base = self.parent.path if self.parent_id else "/"
        return base + path_segment(self.pk)

    def subtree(self) -> models.QuerySet:
        return type(self).objects.filter(path__startswith=self.path)

    def ancestors(self) -> models.QuerySet:
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        return type(self).objects.filter(pk__in=ids).order_by("depth")


def tree_save_path(node: TreeNode) -> None:
    """Set `path`/`depth` of a saved node and move its descendants along (one UPDATE).

    Call after saving a new node, or after changing a node's parent.
    """
    old = node.path
    new = node.expected_path()
    if old == new:
        return
    depth = new.count("/") - 2
    model = type(node)
    if old:
        shift = depth - node.depth
        model.objects.filter(path__startswith=old).exclude(pk=node.pk).update(
            path=Concat(Value(new), Substr("path", len(old) + 1), output_field=models.CharField()),
            depth=models.F("depth") + shift,
        )
    model.objects.filter(pk=node.pk).update(path=new, depth=depth)
    node.path, node.depth = new, depth
