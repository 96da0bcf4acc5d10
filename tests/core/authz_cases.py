from tests.authz import PUBLIC, Case

CASES = [
    Case("home", PUBLIC),
    # /healthz answers 503 when parts are down; what matters here is that it needs no login.
    Case("healthz", {role: 503 for role in PUBLIC}),
    # What a phone needs to install the site and show it offline: the same for everyone, about no one.
    Case("manifest", PUBLIC),
    Case("service-worker", PUBLIC),
    Case("offline", PUBLIC),
]
