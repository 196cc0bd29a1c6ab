#include "selfsignedcertificate.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)> using Owned = std::unique_ptr<T, Deleter<T, Free>>;

void freeBio(BIO* bio) {
    BIO_free(bio);
}

QString openSslError(const char* what) {
    char buffer[256] = {};
    ERR_error_string_n(ERR_get_error(), buffer, sizeof buffer);
    return u"%1 failed: %2"_s.arg(QString::fromLatin1(what), QString::fromLatin1(buffer));
}

QByteArray bioContents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, static_cast<qsizetype>(size));
}

bool addExtension(X509* certificate, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    Owned<X509_EXTENSION, X509_EXTENSION_free> extension(
        X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

bool writePrivately(const QString& path, const QByteArray& data, bool secret, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    if (secret)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(data);
    if (!file.commit()) {
        if (error)
            *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

std::optional<std::pair<QByteArray, QByteArray>> SelfSignedCertificate::generate(int days,
                                                                                 QString* error) {
    const auto fail = [error](const char* what) {
        if (error)
            *error = openSslError(what);
        return std::nullopt;
    };
    Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
    if (!key)
        return fail("EC key generation");
    Owned<X509, X509_free> certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), 2) != 1)
        return fail("X509_new");

    // A random positive 63-bit serial: a regenerated certificate never reuses one.
    unsigned char serialBytes[8];
    if (RAND_bytes(serialBytes, sizeof serialBytes) != 1)
        return fail("RAND_bytes");
    serialBytes[0] &= 0x7f;
    Owned<BIGNUM, BN_free> serial(BN_bin2bn(serialBytes, sizeof serialBytes, nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return fail("serial number");

    // Valid from an hour ago, so clock skew between processes does not matter.
    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), long(days) * 24 * 3600))
        return fail("validity");
    if (X509_set_pubkey(certificate.get(), key.get()) != 1)
        return fail("X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(certificate.get());
    const auto text = [](const char* s) {
        return reinterpret_cast<const unsigned char*>(s);
    };
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, text("PoolScope simulator"), -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, text("localhost"), -1, -1, 0) != 1 ||
        X509_set_issuer_name(certificate.get(), name) != 1)
        return fail("subject name");

    if (!addExtension(certificate.get(), NID_subject_alt_name,
                      "DNS:localhost,IP:127.0.0.1,IP:::1") ||
        !addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !addExtension(certificate.get(), NID_key_usage, "critical,digitalSignature") ||
        !addExtension(certificate.get(), NID_ext_key_usage, "serverAuth") ||
        !addExtension(certificate.get(), NID_subject_key_identifier, "hash"))
        return fail("extensions");

    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return fail("X509_sign");

    Owned<BIO, freeBio> certificateBio(BIO_new(BIO_s_mem()));
    Owned<BIO, freeBio> keyBio(BIO_new(BIO_s_mem()));
    if (!certificateBio || !keyBio ||
        PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1)
        return fail("PEM encoding");
    return std::pair{bioContents(certificateBio.get()), bioContents(keyBio.get())};
}

std::optional<SelfSignedCertificate> SelfSignedCertificate::loadOrCreate(const QString& directory,
                                                                         QString* error) {
    QDir dir(directory);
    if (!dir.exists()) {
        if (!QDir().mkpath(directory)) {
            if (error)
                *error = u"cannot create %1"_s.arg(directory);
            return std::nullopt;
        }
        // Ours: only its user may look inside (the key file is 0600 in any case).
        QFile::setPermissions(directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner);
    }
    const QString certificatePath = dir.filePath(u"poolscope-sim-cert.pem"_s);
    const QString keyPath = dir.filePath(u"poolscope-sim-key.pem"_s);

    const auto load = [&]() -> std::optional<SelfSignedCertificate> {
        QFile certificateFile(certificatePath);
        QFile keyFile(keyPath);
        if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return std::nullopt;
        SelfSignedCertificate result;
        result.certificatePem = certificateFile.readAll();
        result.certificate = QSslCertificate(result.certificatePem, QSsl::Pem);
        result.key = QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem);
        result.certificatePath = certificatePath;
        if (result.certificate.isNull() || result.key.isNull())
            return std::nullopt;
        if (result.certificate.expiryDate() < QDateTime::currentDateTimeUtc().addDays(7))
            return std::nullopt;
        return result;
    };
    if (auto existing = load())
        return existing;

    const auto generated = generate(397, error); // the longest validity browsers accept
    if (!generated)
        return std::nullopt;
    if (!writePrivately(keyPath, generated->second, true, error) ||
        !writePrivately(certificatePath, generated->first, false, error))
        return std::nullopt;
    if (auto fresh = load())
        return fresh;
    if (error)
        *error = u"the generated certificate in %1 cannot be read back"_s.arg(directory);
    return std::nullopt;
}

} // namespace poolscope::sim
