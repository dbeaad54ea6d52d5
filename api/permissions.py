from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.rules import is_staff_member


class ReadOnlyUnlessAllowed(BasePermission):
    """Anyone signed in or keyed reads; writing takes a write key or a staff member."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        client = getattr(user, "client", None)
        return client.can_write if client else is_staff_member(user)
