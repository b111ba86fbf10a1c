"""Authentication backends: passwords with role permissions, and SMS sign-in codes."""

from django.contrib.auth.backends import ModelBackend

from xindai.org import login_codes
from xindai.org.models import User
from xindai.org.permissions import ALL


class RolePermissionBackend(ModelBackend):
    """Passwords as usual; permissions come from the user's role (superusers hold all)."""

    def get_user(self, user_id):
        """The signed-in user with what every page reads of them (role, branch, region): one query."""
        user = User.objects.select_related("role", "branch", "region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return set(ALL)
        if not hasattr(user_obj, "_xindai_perms"):
            role = user_obj.role
            user_obj._xindai_perms = set(role.permissions) if role else set()
        return user_obj._xindai_perms

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))


class SmsCodeBackend(ModelBackend):
    """Signs in with a mobile number and the code just sent to it."""

    def authenticate(self, request, phone=None, code=None, purpose="login", **kwargs):
        if phone is None or code is None:
            return None
        user = login_codes.login_code_verify(phone=phone, code=code, purpose=purpose)
        if user is not None and self.user_can_authenticate(user):
            return user
        return None

    def has_perm(self, user_obj, perm, obj=None):  # permissions come from RolePermissionBackend
        return False
