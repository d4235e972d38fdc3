"""The issuer's public keys at the well-known paths verifiers look them up."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from certificates.signing import credentials, keys


def did_document(request: HttpRequest) -> JsonResponse:
    """Return the did:web document: every published key, all for assertions."""
    did = credentials.issuer_did()
    methods = [
        {
            "id": f"{did}#{kid}",
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": {
                name: value
                for name, value in keys.public_jwk(kid, key).items()
                if name in ("kty", "crv", "x")
            },
        }
        for kid, key in keys.public_keys().items()
    ]
    document = {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/jwk/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    return _public(JsonResponse(document, content_type="application/did+json"))


def jwks(request: HttpRequest) -> JsonResponse:
    """Return the JSON Web Key Set of every published key."""
    return _public(JsonResponse(keys.public_jwks()))


def _public(response: JsonResponse) -> JsonResponse:
    # Verifiers running in a browser fetch keys from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response
