from tests.authz import PUBLIC, Case

CASES = [
    Case("home", PUBLIC),
    # /healthz answers 503 when parts are down; what matters here is that it needs no login.
    Case("healthz", {role: 503 for role in PUBLIC}),
]
