#pragma once

#include "secretstore.h"

#include <QSet>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace poolscope {

class ProfileStore;
struct Profile;

// Settings → Profiles and API keys: the saved profiles with where each one's key comes from
// (shown masked, never whole), and the buttons to add, edit and remove profiles and to set,
// replace and delete keys in the OS keychain. Without a keychain it says why and keeps keys
// for this session only.
class ProfilesPanel : public QWidget {
    Q_OBJECT
public:
    ProfilesPanel(ProfileStore* profiles, SecretStore* secrets, QWidget* parent = nullptr);

    // "••••••••wxyz": enough to tell two keys apart, never enough to use one.
    static QString maskedKey(const QByteArray& key);

    QTableWidget* table() const { return m_table; }
    QString selectedProfile() const;
    void selectProfile(const QString& name);
    QString keyText(const QString& profile) const; // the Key column's text
    QString notice() const;                        // the message above the buttons

    // Without a dialog: what the buttons do once the person has answered (tests use these).
    void addProfile(const Profile& profile);
    void replaceProfile(const Profile& profile);
    void removeProfile(const QString& name);
    void setKey(const QString& profile, const QByteArray& key);
    void deleteKey(const QString& profile);

signals:
    void keyChanged(const QString& profile); // stored, replaced or deleted

private:
    void reload();
    int rowOf(const QString& profile) const; // -1: not in the table
    void save(const Profile& profile, bool replace);
    void refreshKey(const QString& profile);
    void onSecret(const SecretResult& result);
    void showNotice(const QString& text, bool problem);
    void updateButtons();
    void editSelected();
    void askForKey();

    ProfileStore* m_profiles;
    SecretStore* m_secrets;
    QSet<QString> m_storedKeys; // profiles whose key the store holds
    QTableWidget* m_table;
    QLabel* m_notice;
    QPushButton* m_add;
    QPushButton* m_edit;
    QPushButton* m_remove;
    QPushButton* m_setKey;
    QPushButton* m_deleteKey;
};

} // namespace poolscope
