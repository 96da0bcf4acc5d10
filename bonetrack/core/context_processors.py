from .navigation import patient_tabs, role_links


def navigation(request) -> dict:
    """Navigation for the signed-in user: a patient's own tabs, or their role's links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    if user.role == "patient":
        profile = getattr(user, "patient_profile", None)
        return {"nav_links": patient_tabs(profile, current) if profile else []}
    return {"nav_links": role_links(user, current)}
