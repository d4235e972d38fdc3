import base64
import json
import stat
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import OKPKey

from certificates import codes
from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from certificates.signing import credentials, keys, status_list

pytestmark = pytest.mark.django_db

DOCUMENT = "42388604"
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("America/Lima")))


@pytest.fixture
def keys_dir(settings, tmp_path):
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    call_command("create_issuer_key", stdout=StringIO())
    return settings.CERTIFICATE_KEYS_DIR


@pytest.fixture
def certificate(keys_dir, person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person, course=yearly_course, issued_on=date(2026, 3, 9), score=93
    )


@pytest.fixture
def expired(keys_dir, person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person, course=yearly_course, issued_on=date(2020, 1, 10), score=80
    )


def fetch_credential(client, code: str):
    return client.get(f"/api/v1/certificates/{code}/credential")


def payload_of(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def header_of(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def check(token: str, *, status_bits: bytes | None = None, today: date = TODAY):
    return credentials.verify(
        token,
        keys=credentials.published_keys(),
        today=today,
        status_bits=status_bits,
    )


def test_the_credential_is_an_open_badge_naming_the_holder_only(client, certificate):
    response = fetch_credential(client, certificate.code)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    assert DOCUMENT not in token
    assert header_of(token) == {
        "alg": "EdDSA",
        "kid": "did:web:127.0.0.1%3A8000#2026-11-22",
        "typ": "vc+jwt",
    }
    credential = payload_of(token)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == (
        f"http://127.0.0.1:8000/api/v1/certificates/{certificate.code}/credential"
    )
    assert credential["iss"] == "did:web:127.0.0.1%3A8000"
    assert credential["jti"] == credential["id"]
    assert credential["issuer"] == {
        "id": "did:web:127.0.0.1%3A8000",
        "type": ["Profile"],
        "name": "Gobierno Regional de Cajamarca",
        "url": "http://127.0.0.1:8000",
    }
    assert credential["validFrom"] == "2026-03-09T00:00:00-05:00"
    assert credential["validUntil"] == "2027-03-08T23:59:59-05:00"
    subject = credential["credentialSubject"]
    assert subject["name"] == "Rosa Elena Quispe Huamán"
    assert subject["achievement"]["name"] == "Constancia de prueba"
    assert subject["achievement"]["description"] == "Inducción"
    assert "2 horas" in subject["achievement"]["criteria"]["narrative"]
    assert "604" not in json.dumps(credential)
    assert credential["credentialStatus"] == {
        "id": f"http://127.0.0.1:8000/api/v1/status-list/revocation#{certificate.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.pk),
        "statusListCredential": "http://127.0.0.1:8000/api/v1/status-list/revocation",
    }


def test_the_credential_verifies_with_the_published_jwks(client, certificate):
    token = fetch_credential(client, certificate.code).content.decode()
    jwks = client.get("/.well-known/jwks.json").json()
    assert jwks == {
        "keys": [
            {
                "kid": "2026-11-22",
                "kty": "OKP",
                "crv": "Ed25519",
                "x": jwks["keys"][0]["x"],
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }
    published = credentials.keys_from_jwks(jwks, did="did:web:127.0.0.1%3A8000")
    verdict = credentials.verify(token, keys=published, today=TODAY, status_bits=None)
    assert verdict.valid
    assert verdict.reason == "valid"


def test_one_changed_claim_breaks_the_signature(certificate):
    head, body, signature = credentials.signed_credential(certificate).split(".")
    credential = payload_of(f"{head}.{body}.{signature}")
    credential["credentialSubject"]["name"] = "Otra Persona"
    forged = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=")
    verdict = check(f"{head}.{forged.decode()}.{signature}")
    assert not verdict.valid
    assert verdict.reason == "bad signature"


def test_a_credential_signed_by_another_key_is_from_an_unknown_key(certificate):
    stranger = OKPKey.generate_key("Ed25519")
    header = {
        "alg": "EdDSA",
        "kid": "did:web:127.0.0.1%3A8000#1999-01-01",
        "typ": "vc+jwt",
    }
    body = json.dumps(credentials.build_credential(certificate)).encode()
    token = jws.serialize_compact(header, body, stranger, registry=credentials.REGISTRY)
    assert check(token).reason == "unknown key"


def test_a_signed_payload_that_is_no_open_badge_is_tampered(certificate):
    token = credentials.sign({"issuer": credentials.issuer_profile(""), "a": 1})
    assert check(token).reason == "tampered claims"


def test_garbage_is_a_malformed_token(keys_dir):
    assert check("not a token").reason == "malformed token"


def test_an_expired_credential_says_so(expired):
    token = credentials.signed_credential(expired)
    assert check(token).reason == "expired"
    assert check(token, today=date(2020, 6, 1)).valid


def test_a_revoked_certificate_is_set_in_the_status_list(certificate, stranger):
    token = credentials.signed_credential(certificate)
    assert check(token, status_bits=status_bits()).valid
    revoke(
        certificate=certificate,
        reason=RevocationReason.FRAUD,
        by=stranger,
        now=timezone.now(),
    )
    status_list.forget_status_list()
    bits = status_bits()
    assert len(bits) * 8 == 131_072
    assert bits[certificate.pk // 8] & (0x80 >> certificate.pk % 8)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    verdict = check(token, status_bits=bits)
    assert not verdict.valid
    assert verdict.reason == "revoked"


def status_bits() -> bytes:
    token = status_list.signed_status_list()
    credential = payload_of(token)
    assert credential["type"] == [
        "VerifiableCredential",
        "BitstringStatusListCredential",
    ]
    assert credential["credentialSubject"]["type"] == "BitstringStatusList"
    assert credential["credentialSubject"]["encodedList"].startswith("u")
    return status_list.bits_from_status_list(token, keys=credentials.published_keys())


def test_the_status_list_is_served_signed(client, certificate):
    response = client.get("/api/v1/status-list/revocation")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    bits = status_list.bits_from_status_list(token, keys=credentials.published_keys())
    assert not any(bits)


def test_the_status_list_is_cached_until_forgotten(certificate, stranger):
    before = status_list.signed_status_list()
    revoke(
        certificate=certificate,
        reason=RevocationReason.FRAUD,
        by=stranger,
        now=timezone.now(),
    )
    assert status_list.signed_status_list() == before
    status_list.forget_status_list()
    assert status_list.signed_status_list() != before


@pytest.mark.parametrize("revoked", [0, 50])
def test_the_status_list_is_built_with_one_query(
    certificate, revoked, django_assert_num_queries
):
    copies = [
        Certificate(
            code=codes.new_code("GRC"),
            person_id=certificate.person_id,
            course_id=certificate.course_id,
            period=period,
            holder_name=certificate.holder_name,
            certificate_title=certificate.certificate_title,
            course_title=certificate.course_title,
            hours=certificate.hours,
            issued_on=certificate.issued_on,
            revoked_at=timezone.now(),
            revocation_reason=RevocationReason.OTHER,
        )
        for period in range(2, 2 + revoked)
    ]
    created = Certificate.objects.bulk_create(copies)
    with django_assert_num_queries(1):
        token = status_list.signed_status_list()
    bits = status_list.bits_from_status_list(token, keys=credentials.published_keys())
    assert sum(bin(byte).count("1") for byte in bits) == revoked
    for copy in created:
        assert bits[copy.pk // 8] & (0x80 >> copy.pk % 8)


def test_the_status_list_grows_to_hold_the_newest_certificate(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(id=131_072)
    assert len(status_list.revocation_bits()) * 8 == 2 * 131_072


def test_rotating_keys_keeps_old_credentials_valid(client, certificate, keys_dir):
    old = credentials.signed_credential(certificate)
    call_command("create_issuer_key", stdout=StringIO())
    new = credentials.signed_credential(certificate)
    assert header_of(old)["kid"].endswith("#2026-11-22")
    assert header_of(new)["kid"].endswith("#2026-11-22-2")
    assert check(old).valid
    assert check(new).valid
    jwks = client.get("/.well-known/jwks.json").json()
    assert [key["kid"] for key in jwks["keys"]] == ["2026-11-22", "2026-11-22-2"]


def test_the_did_document_lists_every_key(client, keys_dir):
    call_command("create_issuer_key", stdout=StringIO())
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    did = "did:web:127.0.0.1%3A8000"
    assert document["id"] == did
    ids = [f"{did}#2026-11-22", f"{did}#2026-11-22-2"]
    assert [method["id"] for method in document["verificationMethod"]] == ids
    assert document["assertionMethod"] == ids
    for method in document["verificationMethod"]:
        assert method["type"] == "JsonWebKey"
        assert method["controller"] == did
        assert set(method["publicKeyJwk"]) == {"kty", "crv", "x"}


def test_keys_are_files_only_their_owner_reads(keys_dir):
    (path,) = keys_dir.glob("*.pem")
    assert path.name == "2026-11-22.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_create_issuer_key_if_missing_keeps_the_existing_key(keys_dir, capsys):
    call_command("create_issuer_key", "--if-missing")
    assert [path.name for path in keys_dir.glob("*.pem")] == ["2026-11-22.pem"]
    assert "2026-11-22" in capsys.readouterr().out


def test_without_a_key_signing_says_how_to_make_one(settings, tmp_path):
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "none"
    with pytest.raises(ImproperlyConfigured, match="create_issuer_key"):
        keys.current_signing_key()
    assert keys.public_jwks() == {"keys": []}


def test_the_command_prints_verdicts_and_exit_codes(
    expired, certificate, tmp_path, stranger, capsys
):
    good = tmp_path / "good.jwt"
    good.write_text(credentials.signed_credential(certificate))
    call_command("verify_credential", str(good))
    assert capsys.readouterr().out.startswith("valid: Constancia de prueba")

    old = tmp_path / "old.jwt"
    old.write_text(credentials.signed_credential(expired))
    with pytest.raises(SystemExit) as exit:
        call_command("verify_credential", str(old))
    assert exit.value.code == 1
    assert capsys.readouterr().out.strip() == "invalid: expired"

    revoke(
        certificate=certificate,
        reason=RevocationReason.FRAUD,
        by=stranger,
        now=timezone.now(),
    )
    status_list.forget_status_list()
    call_command("verify_credential", str(good))
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit:
        call_command("verify_credential", str(good), "--online")
    assert exit.value.code == 1
    assert capsys.readouterr().out.strip() == "invalid: revoked"

    with pytest.raises(SystemExit) as exit:
        call_command("verify_credential", str(tmp_path / "missing.jwt"))
    assert exit.value.code == 2


def test_the_command_verifies_with_a_downloaded_jwks(client, certificate, tmp_path):
    good = tmp_path / "good.jwt"
    good.write_text(credentials.signed_credential(certificate))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": []}))
    with pytest.raises(SystemExit) as exit:
        call_command("verify_credential", str(good), "--jwks", str(jwks))
    assert exit.value.code == 1
    jwks.write_bytes(client.get("/.well-known/jwks.json").content)
    call_command("verify_credential", str(good), "--jwks", str(jwks))


def test_an_unknown_code_is_a_404(client, certificate):
    response = fetch_credential(client, codes.new_code("GRC"))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_mistyped_code_is_a_400(client, certificate):
    other = next(c for c in codes.CHECK_SYMBOLS if c != certificate.code[-1])
    response = fetch_credential(client, certificate.code[:-1] + other)
    assert response.status_code == 400


def test_the_credential_shares_the_verification_rate_limit(
    client, certificate, settings
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "1/m/ip"
    client.get(f"/api/v1/certificates/{certificate.code}")
    response = fetch_credential(client, certificate.code)
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_openapi_document_lists_the_credential_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/certificates/{code}/credential"]["get"]
    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    assert "application/vc+jwt" in operation["responses"]["200"]["content"]
    assert "/api/v1/status-list/revocation" in paths


def test_revoking_refreshes_the_published_list_once_committed(
    certificate, stranger, django_capture_on_commit_callbacks
):
    status_list.signed_status_list()  # cached before the revocation
    with django_capture_on_commit_callbacks(execute=True):
        revoke(
            certificate=certificate,
            reason=RevocationReason.FRAUD,
            by=stranger,
            now=timezone.now(),
        )
    assert status_bits()[certificate.pk // 8] & (0x80 >> certificate.pk % 8)


def test_a_replaced_certificate_no_longer_verifies_but_its_replacement_does(
    certificate, stranger, django_capture_on_commit_callbacks
):
    from certificates.issuance import reissue

    old_token = credentials.signed_credential(certificate)
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(certificate=certificate, by=stranger, now=timezone.now())
    bits = status_bits()
    assert check(old_token, status_bits=bits).reason == "revoked"
    assert check(credentials.signed_credential(new), status_bits=bits).valid
