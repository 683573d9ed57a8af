def axes_username(request, credentials) -> str | None:
    """The account key for lockouts, lower-cased.

    Email addresses are case-insensitive, so HEAD@ and head@ count as one account.
    """
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return value.strip().lower() if value else None
