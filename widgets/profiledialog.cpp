#include "profiledialog.h"

#include "providerpresets.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace poolscope {

ProfileDialog::ProfileDialog(const QStringList& existingNames, QWidget* parent)
    : QDialog(parent)
    , m_existing(existingNames)
    , m_preset(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_baseUrl(new QLineEdit(this))
    , m_api(new QComboBox(this))
    , m_model(new QLineEdit(this))
    , m_keyEnvVar(new QLineEdit(this))
    , m_caCertificate(new QLineEdit(this))
    , m_proxy(new QLineEdit(this))
    , m_problem(new QLabel(this)) {
    setWindowTitle(tr("Profile"));
    m_preset->setObjectName(u"preset"_s);
    m_name->setObjectName(u"name"_s);
    m_baseUrl->setObjectName(u"baseUrl"_s);
    m_api->setObjectName(u"api"_s);
    m_model->setObjectName(u"model"_s);
    m_keyEnvVar->setObjectName(u"keyEnvVar"_s);
    m_problem->setObjectName(u"problem"_s);

    m_preset->addItem(tr("Custom server"), QString());
    for (const ProviderPreset& preset : providerPresets()) {
        if (!preset.isSimulator())
            m_preset->addItem(preset.displayName, preset.id);
    }
    for (ApiStyle style : {ApiStyle::OpenAI, ApiStyle::Anthropic, ApiStyle::Gemini})
        m_api->addItem(apiStyleName(style), apiStyleName(style));
    m_name->setPlaceholderText(tr("e.g. openai-prod"));
    m_baseUrl->setPlaceholderText(tr("https://api.example.com/v1"));
    m_keyEnvVar->setPlaceholderText(tr("none: the server needs no key"));
    m_keyEnvVar->setToolTip(tr("Read the key from this environment variable when the keychain "
                               "has none for this profile"));
    m_caCertificate->setPlaceholderText(tr("optional: a PEM file to trust (self-signed servers)"));
    m_proxy->setPlaceholderText(tr("optional: http://host:port or socks5://host:port"));
    m_problem->setWordWrap(true);
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, QColor(0xb0, 0x30, 0x20));
    m_problem->setPalette(warning);

    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Trust a certificate"),
                                                          QString(), tr("PEM (*.pem *.crt)"));
        if (!path.isEmpty())
            m_caCertificate->setText(path);
    });
    auto* certificate = new QHBoxLayout;
    certificate->addWidget(m_caCertificate, 1);
    certificate->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow(tr("Start from"), m_preset);
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Base URL"), m_baseUrl);
    form->addRow(tr("&API style"), m_api);
    form->addRow(tr("&Model"), m_model);
    form->addRow(tr("Key &variable"), m_keyEnvVar);
    form->addRow(tr("Trust &certificate"), certificate);
    form->addRow(tr("&Proxy"), m_proxy);
    auto* note = new QLabel(tr("The key itself is not part of the profile: set it with \"Set "
                               "key…\", which stores it in the OS keychain."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(m_preset, &QComboBox::activated, this,
            [this] { applyPreset(m_preset->currentData().toString()); });
    for (QLineEdit* edit : {m_name, m_baseUrl, m_model, m_keyEnvVar, m_caCertificate, m_proxy})
        connect(edit, &QLineEdit::textChanged, this, &ProfileDialog::revalidate);
    connect(m_api, &QComboBox::currentIndexChanged, this, &ProfileDialog::revalidate);
    revalidate();
}

void ProfileDialog::applyPreset(const QString& presetId) {
    const auto preset = findProviderPreset(presetId);
    if (!preset)
        return;
    m_preset->setCurrentIndex(m_preset->findData(preset->id));
    if (!m_editing && (m_name->text().isEmpty() || !m_existing.contains(m_name->text())))
        m_name->setText(preset->id);
    m_baseUrl->setText(preset->baseUrl.toString());
    m_api->setCurrentIndex(m_api->findData(apiStyleName(preset->api)));
    m_model->setText(preset->defaultModel);
    m_keyEnvVar->setText(preset->keyEnvVar);
}

void ProfileDialog::setProfile(const Profile& profile) {
    m_editing = true;
    m_name->setText(profile.name);
    m_name->setReadOnly(true);
    m_name->setToolTip(tr("The name is the keychain entry's: remove and add to rename"));
    m_baseUrl->setText(profile.baseUrl.toString());
    m_api->setCurrentIndex(m_api->findData(apiStyleName(profile.api)));
    m_model->setText(profile.model);
    m_keyEnvVar->setText(profile.keyEnvVar);
    m_caCertificate->setText(profile.caCertificatePath);
    m_proxy->setText(profile.proxyUrl.toString());
    if (const auto preset = providerPresetForUrl(profile.baseUrl))
        m_preset->setCurrentIndex(m_preset->findData(preset->id));
    revalidate();
}

Profile ProfileDialog::profile() const {
    Profile profile;
    profile.name = m_name->text().trimmed();
    profile.baseUrl = QUrl(m_baseUrl->text().trimmed());
    profile.api = apiStyleFromName(m_api->currentData().toString()).value_or(ApiStyle::OpenAI);
    profile.model = m_model->text().trimmed();
    profile.keyEnvVar = m_keyEnvVar->text().trimmed();
    profile.caCertificatePath = m_caCertificate->text().trimmed();
    profile.proxyUrl = QUrl(m_proxy->text().trimmed());
    return profile;
}

QString ProfileDialog::problem() const {
    const Profile candidate = profile();
    if (!m_editing && m_existing.contains(candidate.name))
        return tr("A profile named \"%1\" exists already").arg(candidate.name);
    if (candidate.name == Profile::simulatorName())
        return tr("\"%1\" is the built-in simulator's name").arg(candidate.name);
    QString error;
    if (!candidate.validate(&error))
        return error;
    return {};
}

void ProfileDialog::revalidate() {
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    m_ok->setEnabled(why.isEmpty());
}

} // namespace poolscope
