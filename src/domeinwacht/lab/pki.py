"""The lab's private PKI: a root and an intermediate CA, and leaf certificates in every variant a check needs.

Keys are the slow part, so they are cached in ``<state>/cache/pki`` across ``lab up`` runs; certificates are
cheap and are issued again on every bring-up (so "expires in a year" stays true). Nothing here talks to the
network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, ec, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# Leaf variants a scenario may ask for (``cert:`` of a web target or mail server).
CERT_VARIANTS = (
    "ecdsa256",  # ECDSA P-256 from the intermediate: the good default
    "ecdsa384",
    "rsa2048",
    "rsa3072",
    "rsa4096",
    "rsa1024",  # too small (needs @SECLEVEL=1 in the server's cipher string to be loadable)
    "sha1",  # RSA-2048 leaf signed with SHA-1 (needs @SECLEVEL=0 on the server)
    "expired",
    "notyet",
    "selfsigned",
    "wronghost",
    "untrusted",  # issued by a root that is not in the lab bundle
    "nointermediate",  # valid leaf, but the server sends it without the intermediate
    "ocsp",  # ECDSA P-256 like ecdsa256, with an OCSP responder URL (AIA) for the stapling targets
)
OCSP_URL = "http://ocsp.lab.test/"

_KEY_SPEC = {
    "ecdsa256": "ec256",
    "ecdsa384": "ec384",
    "rsa2048": "rsa2048",
    "rsa3072": "rsa3072",
    "rsa4096": "rsa4096",
    "rsa1024": "rsa1024",
    "sha1": "rsa2048",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_key(spec: str) -> PrivateKey:
    if spec == "ec256":
        return ec.generate_private_key(ec.SECP256R1())
    if spec == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if spec.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[3:]))
    raise ValueError(f"unknown key spec {spec!r}")


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def spki_sha256(cert: x509.Certificate) -> str:
    """The TLSA 3 1 1 / 2 1 1 association data of ``cert`` (SHA-256 of the SubjectPublicKeyInfo)."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def spki_sha256_of_key(key: PrivateKey) -> str:
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


class KeyCache:
    """Private keys by name, generated once and kept as PEM under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._memo: dict[str, PrivateKey] = {}

    def get(self, name: str, spec: str) -> PrivateKey:
        memo_key = f"{name}.{spec}"
        if memo_key in self._memo:
            return self._memo[memo_key]
        path = self.directory / f"{memo_key}.key"
        if path.exists():
            loaded = serialization.load_pem_private_key(
                path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
            )
            assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
            key: PrivateKey = loaded
        else:
            key = _new_key(spec)
            # Signing workers run in parallel on a cold cache: the first key written wins and every worker uses
            # it (a second key for the same zone would sign with one key and publish the DS of another).
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(key_pem(key))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                loaded = serialization.load_pem_private_key(
                    path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
                )
                assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
                key = loaded
            finally:
                tmp.unlink(missing_ok=True)
        self._memo[memo_key] = key
        return key

    def dh_params_pem(self, name: str, bits: int) -> bytes:
        """A self-generated DH group (the "custom group" TLS variant), cached because generating is slow."""
        path = self.directory / f"{name}.dh{bits}.pem"
        if not path.exists():
            with warnings.catch_warnings():
                # cryptography deprecates finite-field DH; the lab needs a weak custom group on purpose.
                warnings.simplefilter("ignore")
                params = dh.generate_parameters(generator=2, key_size=bits)
            path.write_bytes(params.parameter_bytes(serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3))
        return path.read_bytes()


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Domeinwacht lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _ca_cert(  # noqa: PLR0917
    subject: str,
    key: PrivateKey,
    issuer: x509.Name | None,
    issuer_key: PrivateKey,
    path_length: int | None,
    issuer_cert: x509.Certificate | None = None,
) -> x509.Certificate:
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer or _name(subject))
        .public_key(key.public_key())
        .serial_number(int.from_bytes(hashlib.sha256(subject.encode()).digest()[:8], "big"))
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Leaf:
    """One issued leaf: the PEM files a server loads and the facts the scenario/status export."""

    variant: str
    names: tuple[str, ...]
    key: PrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # what the server sends after the leaf

    def fullchain_pem(self) -> bytes:
        return cert_pem(self.cert) + b"".join(cert_pem(c) for c in self.chain)

    @property
    def tlsa_311(self) -> str:
        return spki_sha256(self.cert)


class LabPKI:
    """The lab CA (root + intermediate), a second "untrusted" root, and a leaf factory."""

    def __init__(self, keys: KeyCache) -> None:
        self.keys = keys
        self.root_key = keys.get("ca-root", "ec384")
        self.root = _ca_cert("Domeinwacht Lab Root CA", self.root_key, None, self.root_key, 1)
        self.inter_key = keys.get("ca-intermediate", "ec256")
        self.intermediate = _ca_cert(
            "Domeinwacht Lab Issuing CA",
            self.inter_key,
            self.root.subject,
            self.root_key,
            0,
            self.root,
        )
        self.rogue_key = keys.get("ca-untrusted", "ec256")
        self.rogue = _ca_cert("Untrusted Rogue CA", self.rogue_key, None, self.rogue_key, 0)
        self.issued: list[x509.Certificate] = []

    def bundle_pem(self) -> bytes:
        """The trust store the scanner uses in the lab: the lab root only."""
        return cert_pem(self.root)

    def issue(self, variant: str, names: tuple[str, ...], key_name: str) -> Leaf:
        """Issue a leaf of ``variant`` for ``names`` (first is the CN) with a cached key ``key_name``.

        Issued certificates are cached for the ISO week (``<cache>/certs``): large scenarios issue
        thousands, and a week's shift in validity changes no verdict (expiry warnings start at 14 days).
        """
        if variant not in CERT_VARIANTS:
            raise ValueError(f"unknown certificate variant {variant!r}")
        key = self.keys.get(key_name, _KEY_SPEC.get(variant, "ec256"))
        week = _now().strftime("%G-%V")
        digest = hashlib.sha256(
            "|".join((variant, key_name, week, self.intermediate.serial_number.__str__(), *names)).encode()
        ).hexdigest()
        cached = self.keys.directory.parent / "certs" / f"{digest}.pem"
        if cached.exists():
            certs = x509.load_pem_x509_certificates(cached.read_bytes())
            leaf = Leaf(variant=variant, names=names, key=key, cert=certs[0], chain=tuple(certs[1:]))
        else:
            leaf = self._issue(variant, names, key)
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(leaf.fullchain_pem())
            tmp.replace(cached)
        if leaf.cert.issuer == self.intermediate.subject and variant != "selfsigned":
            self.issued.append(leaf.cert)
        return leaf

    def unlog(self, leaf: Leaf) -> None:
        """Keep ``leaf`` out of the lab's CT log (a certificate nobody logged: only its server shows its names)."""
        self.issued = [c for c in self.issued if c is not leaf.cert]

    def ocsp_response(self, leaf: Leaf, now: dt.datetime) -> bytes:
        """A DER OCSP response (RFC 6960) saying ``leaf`` is good, signed by its issuing CA, valid for a week."""
        this_update = now.replace(microsecond=0) - dt.timedelta(hours=1)
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=leaf.cert,
                issuer=self.intermediate,
                algorithm=hashes.SHA256(),
                cert_status=ocsp.OCSPCertStatus.GOOD,
                this_update=this_update,
                next_update=this_update + dt.timedelta(days=7),
                revocation_time=None,
                revocation_reason=None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.intermediate)
        )
        response = builder.sign(self.inter_key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _issue(self, variant: str, names: tuple[str, ...], key: PrivateKey) -> Leaf:
        now = _now()
        not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=200)
        issuer_cert, issuer_key = self.intermediate, self.inter_key
        chain: tuple[x509.Certificate, ...] = (self.intermediate,)
        algorithm = hashes.SHA256()
        san = names
        if variant == "expired":
            not_before, not_after = now - dt.timedelta(days=400), now - dt.timedelta(days=35)
        elif variant == "notyet":
            not_before, not_after = now + dt.timedelta(days=30), now + dt.timedelta(days=400)
        elif variant == "wronghost":
            san = (*(f"other-{n}" for n in names[:1]), "wrong.invalid")
        elif variant == "untrusted":
            issuer_cert, issuer_key, chain = self.rogue, self.rogue_key, (self.rogue,)
        elif variant == "nointermediate":
            chain = ()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(san[0]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if variant == "ocsp":
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(OCSP_URL)
                        )
                    ]
                ),
                critical=False,
            )
        if variant == "sha1":
            cert = _sign_sha1_with_openssl(builder.issuer_name(issuer_cert.subject), key, issuer_cert, issuer_key)
            return Leaf(variant=variant, names=names, key=key, cert=cert, chain=chain)
        if variant == "selfsigned":
            cert = builder.issuer_name(_name(san[0])).sign(key, algorithm)
            chain = ()
        else:
            cert = (
                builder.issuer_name(issuer_cert.subject)
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(
                        issuer_cert.public_key()  # type: ignore[arg-type]
                    ),
                    critical=False,
                )
                .sign(issuer_key, algorithm)
            )
        return Leaf(variant=variant, names=names, key=key, cert=cert, chain=chain)


def _sign_sha1_with_openssl(
    builder: x509.CertificateBuilder,
    key: PrivateKey,
    issuer_cert: x509.Certificate,
    issuer_key: PrivateKey,
) -> x509.Certificate:
    """Re-issue ``builder``'s certificate with a SHA-1 signature (cryptography refuses to sign with SHA-1).

    The openssl CLI still can: we make the certificate with SHA-256 first, turn it into a request that
    keeps its extensions, and let ``openssl x509 -req -sha1`` sign it with the intermediate.
    """
    import subprocess
    import tempfile

    draft = builder.sign(key, hashes.SHA256())
    with tempfile.TemporaryDirectory(prefix="dwlab-sha1-") as tmp:
        d = Path(tmp)
        (d / "leaf.key").write_bytes(key_pem(key))
        (d / "draft.pem").write_bytes(cert_pem(draft))
        (d / "ca.pem").write_bytes(cert_pem(issuer_cert))
        (d / "ca.key").write_bytes(key_pem(issuer_key))
        subprocess.run(
            [
                "openssl",
                "x509",
                "-x509toreq",
                "-in",
                "draft.pem",
                "-signkey",
                "leaf.key",
                "-copy_extensions",
                "copyall",
                "-out",
                "req.pem",
            ],
            cwd=d,
            check=True,
            capture_output=True,
            timeout=30,
        )
        subprocess.run(
            [
                "openssl",
                "x509",
                "-req",
                "-in",
                "req.pem",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-sha1",
                "-days",
                "200",
                "-set_serial",
                str(x509.random_serial_number()),
                "-copy_extensions",
                "copyall",
                "-out",
                "leaf.pem",
            ],
            cwd=d,
            check=True,
            capture_output=True,
            timeout=30,
        )
        return x509.load_pem_x509_certificate((d / "leaf.pem").read_bytes())
