"""`Authorization: Token <key>` for API clients; signed-in people use their session."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api.models import APIClient
from api.services import KeyRefused, client_for_key
from api.throttling import PerCallerThrottle


class ClientPrincipal:
    """Who a keyed request acts as: no person, no role, only the client's rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_api_client = True
    pk = id = None
    roles: frozenset[str] = frozenset()

    def __init__(self, client: APIClient):
        self.client = client
        # The programs whose data it reads (accounts.rules.within_scope); None for all.
        self.program_ids = frozenset(client.program_ids) if client.program_ids else None

    def __str__(self) -> str:
        return f"API client {self.client.name}"

    def has_role(self, role: str) -> bool:
        return False

    def has_perm(self, perm: str, obj=None) -> bool:
        return False


class APIKeyAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Send the key as: Authorization: Token <key>."))
        key = header[1].decode("latin-1")
        # Charged as the key is read, in one round trip to Redis (api/throttling.py).
        budget = PerCallerThrottle.budget_of_key(key.split(".", 1)[0])
        try:
            client = client_for_key(key, budget)
        except KeyRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        if budget is not None and budget.used is not None:
            request._request.charged_budget = budget
        return ClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        # Naming a scheme turns "not signed in" into 401 rather than 403.
        return self.keyword


class APIKeyScheme(OpenApiAuthenticationExtension):
    """Describes the key in the OpenAPI schema (drf-spectacular finds it by import)."""

    target_class = APIKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, a key from `manage.py create_api_client`.",
        }


class BearerAuthentication(APIKeyAuthentication):
    """The same key as `Authorization: Bearer <key>`, the scheme most HTTP clients send."""

    keyword = "Bearer"


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerAuthentication
    name = "bearer"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "description": "The key as a bearer token."}
