#include "modelscommand.h"

#include "exitcodes.h"
#include "providercodec.h"
#include "serveroptions.h"
#include "simulatorthread.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTextStream>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {
int fail(const QString& message, int code = ExitUsage) {
    QTextStream(stderr) << "poolscope models: " << message << Qt::endl;
    return code;
}
} // namespace

int modelsCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"List the models a server offers (GET {base}/models). With no --base-url, the "
        u"built-in simulator's."_s);
    parser.addHelpOption();
    parser.addOptions(serverOptions());
    parser.addOptions({
        {u"timeout"_s, u"Give up after this long (default 30000)."_s, u"ms"_s, u"30000"_s},
    });
    QStringList argv = arguments;
    argv.prepend(u"poolscope models"_s);
    if (!parser.parse(argv))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    QString error;
    const std::optional<ServerChoice> server = readServerOptions(parser, &error);
    if (!server)
        return fail(error);
    const ApiStyle api = server->api;
    QUrl base = server->baseUrl;
    const QByteArray key = server->apiKey;
    sim::SimulatorThread simulator;
    if (base.isEmpty()) {
        if (!simulator.start({}, 0, &error))
            return fail(u"cannot start the built-in simulator: "_s + error, ExitSomeFailed);
        base = simulator.baseUrl();
    }
    bool ok = false;
    const int timeoutMs = parser.value(u"timeout"_s).toInt(&ok);
    if (!ok || timeoutMs <= 0)
        return fail(u"--timeout expects a number of milliseconds above 0"_s);

    const auto codec = makeProviderCodec(api);
    const HttpRequestSpec spec = codec->buildModelsRequest(base, key);
    QNetworkRequest request(spec.url);
    for (const auto& [name, value] : spec.headers)
        request.setRawHeader(name, value);
    if (!server->extraCaCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(ssl.caCertificates() + server->extraCaCertificates);
        request.setSslConfiguration(ssl);
    }
    request.setTransferTimeout(timeoutMs);
    QNetworkAccessManager network;
    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray body = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status >= 400) {
        QString message = codec->errorMessage(body);
        if (message.isEmpty())
            message = reply->errorString();
        reply->deleteLater();
        return fail((status ? u"HTTP "_s + QString::number(status) + u": "_s : QString()) + message,
                    ExitSomeFailed);
    }
    reply->deleteLater();
    const QStringList models = codec->parseModels(body);
    if (models.isEmpty())
        return fail(u"the server listed no models"_s, ExitSomeFailed);
    QTextStream out(stdout);
    for (const QString& model : models)
        out << model << '\n';
    return ExitOk;
}

} // namespace poolscope::cli
