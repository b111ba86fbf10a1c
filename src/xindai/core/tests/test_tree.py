import pytest

from xindai.core.tree import tree_save_path
from xindai.org.models import Branch
from xindai.org.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_path_lists_ancestors_and_depth_counts_them():
    root = BranchFactory()
    child = BranchFactory(parent=root)
    grandchild = BranchFactory(parent=child)
    assert grandchild.path == f"/{root.pk:08d}/{child.pk:08d}/{grandchild.pk:08d}/"
    assert (root.depth, child.depth, grandchild.depth) == (0, 1, 2)
    assert list(root.subtree().order_by("path")) == [root, child, grandchild]
    assert list(grandchild.ancestors()) == [root, child]


def test_moving_a_node_moves_its_subtree():
    root_a, root_b = BranchFactory(), BranchFactory()
    child = BranchFactory(parent=root_a)
    grandchild = BranchFactory(parent=child)
    child.parent = root_b
    child.save()
    tree_save_path(child)
    grandchild.refresh_from_db()
    assert grandchild.path.startswith(root_b.path)
    assert grandchild.depth == 2
    assert not Branch.objects.filter(path__startswith=root_a.path).exclude(pk=root_a.pk).exists()
