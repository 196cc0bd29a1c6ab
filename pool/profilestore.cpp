#include "profilestore.h"

#include <QSettings>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

const QString kGroup = u"profiles"_s;
const QString kBaseUrl = u"base_url"_s;
const QString kApi = u"api"_s;
const QString kModel = u"model"_s;
const QString kCaCertificate = u"ca_certificate"_s;
const QString kProxy = u"proxy"_s;
const QString kKeyEnvVar = u"key_env"_s;

} // namespace

ProfileStore::ProfileStore(QSettings* settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings) {
    Q_ASSERT(m_settings);
}

std::optional<Profile> ProfileStore::read(const QString& name) const {
    if (name == Profile::simulatorName())
        return Profile::simulator();
    if (!Profile::isValidName(name, nullptr))
        return std::nullopt;
    if (!m_settings->childGroups().contains(kGroup))
        return std::nullopt;
    m_settings->beginGroup(kGroup);
    const bool exists = m_settings->childGroups().contains(name);
    Profile profile;
    if (exists) {
        m_settings->beginGroup(name);
        profile.name = name;
        profile.baseUrl = QUrl(m_settings->value(kBaseUrl).toString());
        profile.api =
            apiStyleFromName(m_settings->value(kApi).toString()).value_or(ApiStyle::OpenAI);
        profile.model = m_settings->value(kModel).toString();
        profile.caCertificatePath = m_settings->value(kCaCertificate).toString();
        profile.proxyUrl = QUrl(m_settings->value(kProxy).toString());
        profile.keyEnvVar = m_settings->value(kKeyEnvVar).toString();
        m_settings->endGroup();
    }
    m_settings->endGroup();
    // A hand-edited entry that no longer validates is skipped rather than half-used.
    if (!exists || !profile.validate(nullptr))
        return std::nullopt;
    return profile;
}

QList<Profile> ProfileStore::profiles() const {
    m_settings->sync(); // another process (the CLI, a second window) may have written
    QList<Profile> result{Profile::simulator()};
    m_settings->beginGroup(kGroup);
    QStringList names = m_settings->childGroups();
    m_settings->endGroup();
    std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
        return a.compare(b, Qt::CaseInsensitive) < 0;
    });
    for (const QString& name : std::as_const(names)) {
        if (name == Profile::simulatorName())
            continue;
        if (const auto profile = read(name))
            result.append(*profile);
    }
    return result;
}

QStringList ProfileStore::names() const {
    QStringList result;
    for (const Profile& profile : profiles())
        result.append(profile.name);
    return result;
}

std::optional<Profile> ProfileStore::profile(const QString& name) const {
    m_settings->sync();
    return read(name);
}

bool ProfileStore::add(const Profile& profile, QString* error) {
    if (!profile.validate(error))
        return false;
    // Names differing only in case would collide in case-insensitive stores (Windows registry,
    // macOS plists) and confuse people everywhere.
    for (const QString& existing : names()) {
        if (existing.compare(profile.name, Qt::CaseInsensitive) == 0) {
            if (error)
                *error = u"a profile named \""_s + existing + u"\" already exists"_s;
            return false;
        }
    }
    return write(profile, error);
}

bool ProfileStore::replace(const Profile& profile, QString* error) {
    if (profile.name == Profile::simulatorName()) {
        if (error)
            *error = u"the simulator profile is built in and cannot be changed"_s;
        return false;
    }
    if (!profile.validate(error))
        return false;
    if (!contains(profile.name)) {
        if (error)
            *error = u"no profile named \""_s + profile.name + u'"';
        return false;
    }
    return write(profile, error);
}

bool ProfileStore::remove(const QString& name, QString* error) {
    if (name == Profile::simulatorName()) {
        if (error)
            *error = u"the simulator profile is built in and cannot be removed"_s;
        return false;
    }
    if (!contains(name)) {
        if (error)
            *error = u"no profile named \""_s + name + u'"';
        return false;
    }
    if (!atomicWritesEnabled(error))
        return false;
    m_settings->beginGroup(kGroup);
    m_settings->remove(name);
    m_settings->endGroup();
    return commit(error);
}

bool ProfileStore::write(const Profile& profile, QString* error) {
    if (!atomicWritesEnabled(error))
        return false;
    m_settings->beginGroup(kGroup);
    m_settings->remove(profile.name); // no stale keys from an older version of the profile
    m_settings->beginGroup(profile.name);
    m_settings->setValue(kBaseUrl, profile.baseUrl.toString());
    m_settings->setValue(kApi, apiStyleName(profile.api));
    m_settings->setValue(kModel, profile.model);
    if (!profile.caCertificatePath.isEmpty())
        m_settings->setValue(kCaCertificate, profile.caCertificatePath);
    if (!profile.proxyUrl.isEmpty())
        m_settings->setValue(kProxy, profile.proxyUrl.toString());
    if (!profile.keyEnvVar.isEmpty())
        m_settings->setValue(kKeyEnvVar, profile.keyEnvVar);
    m_settings->endGroup();
    m_settings->endGroup();
    return commit(error);
}

bool ProfileStore::atomicWritesEnabled(QString* error) const {
    if (m_settings->isAtomicSyncRequired())
        return true;
    if (error)
        *error = u"refusing to write profiles: the settings object allows non-atomic writes"_s;
    return false;
}

bool ProfileStore::commit(QString* error) {
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        if (error)
            *error = u"cannot write the settings file "_s + m_settings->fileName();
        return false;
    }
    emit profilesChanged();
    return true;
}

} // namespace poolscope
