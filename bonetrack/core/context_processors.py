from .navigation import care_team_links, patient_tabs


def navigation(request) -> dict:
    """Navigation for the signed-in user: a patient's own tabs, or the care team's links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    if user.is_patient:
        profile = getattr(user, "patient_profile", None)
        return {"nav_links": patient_tabs(profile, current) if profile else []}
    return {"nav_links": care_team_links(current)}
