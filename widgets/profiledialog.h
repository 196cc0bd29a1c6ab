#pragma once

#include "profile.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace poolscope {

// Adds or edits one profile: start from a provider preset or type a base URL, pick the API
// style and model, name the environment variable a key may come from, and optionally trust a
// certificate or use a proxy. OK stays disabled until the profile is valid; the reason shows.
class ProfileDialog : public QDialog {
    Q_OBJECT
public:
    // existingNames: names already taken (an edited profile keeps its own name, fixed).
    ProfileDialog(const QStringList& existingNames, QWidget* parent = nullptr);

    void setProfile(const Profile& profile); // edit mode: the name cannot change
    Profile profile() const;
    QString problem() const; // empty when the profile is valid

    void applyPreset(const QString& presetId);

private:
    void revalidate();

    QStringList m_existing;
    bool m_editing = false;
    QComboBox* m_preset;
    QLineEdit* m_name;
    QLineEdit* m_baseUrl;
    QComboBox* m_api;
    QLineEdit* m_model;
    QLineEdit* m_keyEnvVar;
    QLineEdit* m_caCertificate;
    QLineEdit* m_proxy;
    QLabel* m_problem;
    QPushButton* m_ok;
};

} // namespace poolscope
