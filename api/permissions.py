from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.rules import PROGRAM_OF, is_scoped, is_staff_member


class ReadOnlyUnlessAllowed(BasePermission):
    """Anyone signed in or keyed reads; writing takes a write key or a staff member.
    A write key scoped to programs writes only their data, never what programs share."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        client = getattr(user, "client", None)
        if client is None:
            return is_staff_member(user)
        return client.can_write and not (is_scoped(user) and not _program_data(view))


def _program_data(view) -> bool:
    """Whether the view's records belong each to one program (accounts.rules.PROGRAM_OF)."""
    model = view.get_queryset().model if hasattr(view, "get_queryset") else None
    return model is not None and model._meta.label_lower in PROGRAM_OF
