// PoolScope's composition root: builds the simulator, the pool on its own thread and the window,
// or hands the command line to a subcommand.
#include "appdefaults.h"
#include "connectionpool.h"
#include "descriptorbudget.h"
#include "fallbacksecretstore.h"
#include "keychainsecretstore.h"
#include "keyscommand.h"
#include "mainwindow.h"
#include "modelscommand.h"
#include "poolconfigio.h"
#include "poolhost.h"
#include "profilecommand.h"
#include "profilestore.h"
#include "runcommand.h"
#include "servesimcommand.h"
#include "simconfig.h"
#include "simulatorthread.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const char* const kUsage =
    "PoolScope — a monitor and playground for LLM API traffic\n"
    "\n"
    "usage:\n"
    "  poolscope                      the window; first start uses the simulator profile\n"
    "  poolscope run [options]        headless: send prompts through the pool, print progress "
    "and a summary\n"
    "  poolscope serve-sim [options]  the simulator as a standalone server; prints its base URL "
    "first\n"
    "  poolscope models [--base-url URL --api STYLE]   the models a server lists\n"
    "  poolscope profile add NAME --base-url URL --api openai|anthropic|gemini [--model M]\n"
    "  poolscope profile list | profile remove NAME | profile presets\n"
    "  poolscope keys set NAME        reads the key from standard input into the OS keychain\n"
    "  poolscope keys delete NAME | keys list      (list shows which profiles have a key, never "
    "the key)\n"
    "  poolscope --help | --version\n"
    "\n"
    "Run `poolscope run --help` or `poolscope serve-sim --help` for their options.\n";

void setIdentity() {
    QCoreApplication::setOrganizationName(u"PoolScope"_s);
    QCoreApplication::setApplicationName(u"PoolScope"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(POOLSCOPE_VERSION));
}

bool hasDisplay() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

int runWindow(int argc, char** argv) {
    if (!hasDisplay()) {
        QTextStream(stderr) << "poolscope: no display to open the window on (neither DISPLAY nor "
                               "WAYLAND_DISPLAY is set).\n"
                               "  Headless, try:   poolscope run --prompt hi --requests 200\n"
                               "  Or a virtual screen:   xvfb-run -a poolscope\n";
        return 2;
    }
    QApplication app(argc, argv);
    setIdentity();

    poolscope::sim::SimulatorThread simulator;
    QString error;
    const QString scenarioName =
        QSettings().value(u"simulator/scenario"_s, u"typical-cloud"_s).toString();
    const auto scenario = poolscope::sim::SimConfig::scenario(scenarioName);
    if (!simulator.start(scenario.value_or(poolscope::sim::SimConfig{}), 0, &error)) {
        QMessageBox::critical(nullptr, QObject::tr("PoolScope"),
                              QObject::tr("The built-in simulator could not start: %1").arg(error));
        return 1;
    }
    poolscope::Endpoint endpoint;
    endpoint.name = poolscope::Profile::simulatorName();
    endpoint.baseUrl = simulator.baseUrl();
    endpoint.api = poolscope::ApiStyle::OpenAI;
    endpoint.model = poolscope::Profile::simulator().model;
    QSettings settings;
    // Connections cost file descriptors: raise the soft limit, and keep the pool within it.
    const poolscope::DescriptorBudget descriptors = poolscope::raiseDescriptorLimit();
    poolscope::PoolConfig poolConfig = poolscope::loadPoolConfig(settings);
    descriptors.capToFit(poolConfig, true); // the window says so when a person asks for more
    poolscope::PoolHost host(endpoint, poolConfig);
    // The playground's side-by-side column gets a pool of its own: its provider is another
    // server, and its connections must not count against the main pool's.
    poolscope::PoolConfig compareConfig = poolConfig;
    compareConfig.minIdle = 0;
    poolscope::PoolHost compareHost(endpoint, compareConfig);

    // Keys: the OS keychain; without one, this session only (the window says why).
    poolscope::ProfileStore profiles(&settings);
    poolscope::KeychainSecretStore keychain;
    poolscope::FallbackSecretStore secrets(&keychain);

    poolscope::MainWindowContext context;
    context.host = &host;
    context.compareHost = &compareHost;
    context.poolConfig = poolConfig;
    context.descriptors = descriptors;
    context.prices = poolscope::app::loadPrices();
    context.priceOverridesPath = poolscope::app::priceOverridesPath();
    context.profiles = &profiles;
    context.secrets = &secrets;
    context.simulatorEndpoint = endpoint;
    context.historyPath =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/chat-history.json"_s;
    context.scenarios = poolscope::sim::SimConfig::scenarioNames();
    context.scenario = scenarioName;
    context.setScenario = [&simulator](const QString& name) {
        if (const auto config = poolscope::sim::SimConfig::scenario(name))
            simulator.setConfig(*config);
    };
    poolscope::MainWindow window(context);
    window.show();
    return app.exec();
}

} // namespace

int main(int argc, char** argv) {
    const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (command.isEmpty() || command.startsWith(u"-psn"_s) || command == u"--gui"_s)
        return runWindow(argc, argv);

    QCoreApplication app(argc, argv);
    setIdentity();
    const QStringList rest = app.arguments().mid(2);
    if (command == u"--version"_s || command == u"-v"_s) {
        QTextStream(stdout) << "poolscope " << POOLSCOPE_VERSION << " (Qt " << qVersion() << ")\n";
        return 0;
    }
    if (command == u"--help"_s || command == u"-h"_s || command == u"help"_s) {
        QTextStream(stdout) << kUsage;
        return 0;
    }
    if (command == u"run"_s)
        return poolscope::cli::runCommand(rest);
    if (command == u"serve-sim"_s)
        return poolscope::cli::serveSimCommand(rest);
    if (command == u"models"_s)
        return poolscope::cli::modelsCommand(rest);
    if (command == u"profile"_s)
        return poolscope::cli::profileCommand(rest);
    if (command == u"keys"_s)
        return poolscope::cli::keysCommand(rest);
    QTextStream(stderr) << "poolscope: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
}
