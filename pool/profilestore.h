#pragma once

#include "profile.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <optional>

class QSettings;

namespace poolscope {

// The saved profiles, in QSettings group "profiles" (one child group per name). Never a key.
//
// Writes are atomic: QSettings (Qt 6, isAtomicSyncRequired() true by default) writes the whole
// file to a temporary next to it and renames it over the old one, under a lock file, so a crash
// mid-write leaves the previous file intact. The store refuses settings where that was switched
// off.
//
// The simulator profile is built in: always listed first, never stored, cannot be removed or
// replaced.
class ProfileStore : public QObject {
    Q_OBJECT
public:
    // The settings object must outlive the store (the composition root owns both).
    explicit ProfileStore(QSettings* settings, QObject* parent = nullptr);

    QList<Profile> profiles() const; // the simulator first, then by name
    QStringList names() const;
    std::optional<Profile> profile(const QString& name) const;
    bool contains(const QString& name) const { return profile(name).has_value(); }

    bool add(const Profile& profile, QString* error);     // fails if the name is taken
    bool replace(const Profile& profile, QString* error); // fails if the name is unknown
    bool remove(const QString& name, QString* error);

signals:
    void profilesChanged();

private:
    std::optional<Profile> read(const QString& name) const;
    bool write(const Profile& profile, QString* error);
    bool atomicWritesEnabled(QString* error) const;
    bool commit(QString* error);

    QSettings* m_settings;
};

} // namespace poolscope
