"""Middleware every app shares: the tenant scope from the URL, and no caching of private pages."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django_scopes import scope, scopes_disabled

from accounts.access import access_for
from audit.models import Action
from audit.services import audit_record
from tenancy.models import LocalAuthority

logger = logging.getLogger("sipportal.access")


class TenantScopeMiddleware:
    """Pages under /la/<la_code>/ need a membership in that LA; everyone else gets a 404.

    The view and its template rendering run inside `scope(la=…)`, so a query on tenant data can
    only ever see this LA's rows. Outside tenant URLs no scope is active and such a query raises.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and "la_code" in match.kwargs:
            return self._tenant_request(request, match.kwargs["la_code"])
        if match is not None and match.app_name == "admin" and request.user.is_staff:
            # The Django admin is for site administrators, who see every LA.
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)

    def _tenant_request(self, request, la_code: str):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        la = LocalAuthority.objects.filter(code=la_code).first()
        access = access_for(request.user, la.pk) if la else None
        if access is None or not access.is_member:
            logger.warning("denied %s to %s", request.path, request.user.email, extra={"la_code": la_code})
            audit_record(action=Action.ACCESS_DENIED, request=request, la=la, detail={"path": request.path[:500]})
            raise Http404("No such page")
        request.la = la
        request.access = access
        with scope(la=la.pk):
            return self.get_response(request)


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in person is kept by a browser or a proxy cache.

    Pages and downloads carry a school's records; on a shared computer the browser's cache (and
    its back button) would otherwise keep them after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Replaces a view's `public`; `no-store` outweighs any max-age it set.
            patch_cache_control(response, private=True, no_store=True)
        return response
