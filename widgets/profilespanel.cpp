#include "profilespanel.h"

#include "fallbacksecretstore.h"
#include "profiledialog.h"
#include "profilestore.h"

#include <QBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
enum Column { NameColumn, ServerColumn, ApiColumn, ModelColumn, KeyColumn, ColumnCount };
}

ProfilesPanel::ProfilesPanel(ProfileStore* profiles, SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_profiles(profiles)
    , m_secrets(secrets)
    , m_table(new QTableWidget(this))
    , m_notice(new QLabel(this))
    , m_add(new QPushButton(tr("&Add…"), this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove"), this))
    , m_setKey(new QPushButton(tr("Set &key…"), this))
    , m_deleteKey(new QPushButton(tr("&Delete key"), this)) {
    m_table->setObjectName(u"profileTable"_s);
    m_notice->setObjectName(u"profileNotice"_s);
    m_setKey->setObjectName(u"setKeyButton"_s);
    m_deleteKey->setObjectName(u"deleteKeyButton"_s);
    m_table->setColumnCount(ColumnCount);
    m_table->setHorizontalHeaderLabels(
        {tr("Profile"), tr("Server"), tr("API"), tr("Model"), tr("Key")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_notice->setWordWrap(true);
    m_notice->hide();
    m_setKey->setToolTip(tr("Store or replace this profile's API key in the OS keychain"));
    m_deleteKey->setToolTip(tr("Delete this profile's key from the OS keychain"));

    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {m_add, m_edit, m_remove})
        buttons->addWidget(button);
    buttons->addStretch();
    buttons->addWidget(m_setKey);
    buttons->addWidget(m_deleteKey);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_notice);
    layout->addLayout(buttons);

    connect(m_add, &QPushButton::clicked, this, [this] {
        ProfileDialog dialog(m_profiles->names(), this);
        dialog.setWindowTitle(tr("Add a profile"));
        dialog.applyPreset(u"openai"_s);
        if (dialog.exec() == QDialog::Accepted)
            addProfile(dialog.profile());
    });
    connect(m_edit, &QPushButton::clicked, this, &ProfilesPanel::editSelected);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &ProfilesPanel::editSelected);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const QString name = selectedProfile();
        if (QMessageBox::question(this, tr("Remove profile"),
                                  tr("Remove the profile \"%1\" and its stored key?").arg(name)) ==
            QMessageBox::Yes)
            removeProfile(name);
    });
    connect(m_setKey, &QPushButton::clicked, this, &ProfilesPanel::askForKey);
    connect(m_deleteKey, &QPushButton::clicked, this, [this] {
        const QString name = selectedProfile();
        if (QMessageBox::question(this, tr("Delete key"),
                                  tr("Delete the stored API key of \"%1\"?").arg(name)) ==
            QMessageBox::Yes)
            deleteKey(name);
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ProfilesPanel::updateButtons);
    connect(m_profiles, &ProfileStore::profilesChanged, this, &ProfilesPanel::reload);
    connect(m_secrets, &SecretStore::finished, this, &ProfilesPanel::onSecret);
    if (auto* fallback = qobject_cast<FallbackSecretStore*>(m_secrets)) {
        connect(fallback, &FallbackSecretStore::sessionOnlyStarted, this,
                [this](const QString& reason) { showNotice(reason, true); });
    }
    reload();
}

QString ProfilesPanel::maskedKey(const QByteArray& key) {
    if (key.size() < 12)
        return QString(8, QChar(0x2022));
    return QString(8, QChar(0x2022)) + QString::fromUtf8(key.right(4));
}

QString ProfilesPanel::selectedProfile() const {
    const QList<QTableWidgetItem*> selected = m_table->selectedItems();
    return selected.isEmpty() ? QString() : m_table->item(selected.first()->row(), 0)->text();
}

void ProfilesPanel::selectProfile(const QString& name) {
    if (const int row = rowOf(name); row >= 0)
        m_table->selectRow(row);
}

int ProfilesPanel::rowOf(const QString& profile) const {
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, NameColumn)->text() == profile)
            return row;
    }
    return -1;
}

QString ProfilesPanel::keyText(const QString& profile) const {
    const int row = rowOf(profile);
    return row < 0 ? QString() : m_table->item(row, KeyColumn)->text();
}

QString ProfilesPanel::notice() const {
    return m_notice->isHidden() ? QString() : m_notice->text();
}

void ProfilesPanel::reload() {
    const QString selected = selectedProfile();
    const QList<Profile> profiles = m_profiles->profiles();
    m_table->setRowCount(int(profiles.size()));
    for (int row = 0; row < profiles.size(); ++row) {
        const Profile& profile = profiles[row];
        const QStringList cells{profile.name,
                                profile.usesSimulator() ? tr("built-in simulator")
                                                        : profile.baseUrl.toString(),
                                apiStyleName(profile.api), profile.model,
                                profile.usesSimulator() ? tr("none needed") : QString()};
        for (int column = 0; column < ColumnCount; ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells[column]));
        if (!profile.usesSimulator())
            refreshKey(profile.name);
    }
    selectProfile(selected.isEmpty() ? Profile::simulatorName() : selected);
    updateButtons();
}

void ProfilesPanel::refreshKey(const QString& profile) {
    m_secrets->read(profile); // answered in onSecret; the key is masked there and dropped
}

void ProfilesPanel::onSecret(const SecretResult& result) {
    const auto profile = m_profiles->profile(result.profile);
    if (!profile)
        return;
    switch (result.operation) {
    case SecretResult::Operation::Read: {
        QString text;
        if (result.ok()) {
            text = maskedKey(result.secret) +
                   (m_secrets->isPersistent() ? tr(" (OS keychain)") : tr(" (this session only)"));
        } else if (result.error == SecretResult::Error::NotFound ||
                   result.error == SecretResult::Error::NoBackend) {
            if (profile->keyEnvVar.isEmpty())
                text = tr("none (the server needs none)");
            else if (!qEnvironmentVariableIsEmpty(profile->keyEnvVar.toLocal8Bit().constData()))
                text = tr("from $%1").arg(profile->keyEnvVar);
            else
                text = tr("none — set one, or $%1").arg(profile->keyEnvVar);
        } else {
            text = tr("keychain error: %1").arg(result.errorString);
        }
        if (result.ok())
            m_storedKeys.insert(result.profile);
        else
            m_storedKeys.remove(result.profile);
        if (const int row = rowOf(result.profile); row >= 0)
            m_table->item(row, KeyColumn)->setText(text);
        updateButtons();
        break;
    }
    case SecretResult::Operation::Write:
    case SecretResult::Operation::Remove:
        if (!result.ok()) {
            showNotice(tr("The key of \"%1\" could not be %2: %3")
                           .arg(result.profile,
                                result.operation == SecretResult::Operation::Write ? tr("stored")
                                                                                   : tr("deleted"),
                                result.errorString),
                       true);
        } else if (result.operation == SecretResult::Operation::Write) {
            if (m_secrets->isPersistent())
                showNotice(tr("Key of \"%1\" stored in the OS keychain.").arg(result.profile),
                           false);
            emit keyChanged(result.profile);
        } else {
            showNotice(tr("Key of \"%1\" deleted.").arg(result.profile), false);
            emit keyChanged(result.profile);
        }
        refreshKey(result.profile);
        break;
    }
}

void ProfilesPanel::showNotice(const QString& text, bool problem) {
    // A session-only warning stays: it matters more than "stored".
    if (!problem && !m_secrets->isPersistent())
        return;
    m_notice->setText(text);
    QPalette palette = m_notice->palette();
    palette.setColor(QPalette::WindowText,
                     problem ? QColor(0xb0, 0x30, 0x20) : palette.color(QPalette::Text));
    m_notice->setPalette(palette);
    m_notice->show();
}

void ProfilesPanel::updateButtons() {
    const QString name = selectedProfile();
    const bool editable = !name.isEmpty() && name != Profile::simulatorName();
    m_edit->setEnabled(editable);
    m_remove->setEnabled(editable);
    m_setKey->setEnabled(editable);
    const bool stored = m_storedKeys.contains(name);
    m_setKey->setText(stored ? tr("Replace &key…") : tr("Set &key…"));
    m_deleteKey->setEnabled(editable && stored);
}

void ProfilesPanel::editSelected() {
    const auto profile = m_profiles->profile(selectedProfile());
    if (!profile || profile->usesSimulator())
        return;
    ProfileDialog dialog(m_profiles->names(), this);
    dialog.setWindowTitle(tr("Edit profile"));
    dialog.setProfile(*profile);
    if (dialog.exec() == QDialog::Accepted)
        replaceProfile(dialog.profile());
}

void ProfilesPanel::askForKey() {
    const QString name = selectedProfile();
    if (name.isEmpty() || name == Profile::simulatorName())
        return;
    bool ok = false;
    const QString key = QInputDialog::getText(
        this, tr("API key for %1").arg(name),
        tr("Paste the API key for \"%1\". It goes to the OS keychain and is never shown or saved "
           "anywhere else.")
            .arg(name),
        QLineEdit::Password, QString(), &ok);
    if (ok && !key.trimmed().isEmpty())
        setKey(name, key.trimmed().toUtf8());
}

void ProfilesPanel::addProfile(const Profile& profile) {
    save(profile, false);
}

void ProfilesPanel::replaceProfile(const Profile& profile) {
    save(profile, true);
}

void ProfilesPanel::save(const Profile& profile, bool replace) {
    QString error;
    if (replace ? m_profiles->replace(profile, &error) : m_profiles->add(profile, &error))
        selectProfile(profile.name);
    else
        showNotice(error, true);
}

void ProfilesPanel::removeProfile(const QString& name) {
    QString error;
    if (!m_profiles->remove(name, &error)) {
        showNotice(error, true);
        return;
    }
    m_secrets->remove(name); // a key without its profile is a secret nobody can see or use
}

void ProfilesPanel::setKey(const QString& profile, const QByteArray& key) {
    m_secrets->write(profile, key);
}

void ProfilesPanel::deleteKey(const QString& profile) {
    m_secrets->remove(profile);
}

} // namespace poolscope
