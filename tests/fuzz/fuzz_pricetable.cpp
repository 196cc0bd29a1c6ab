// libFuzzer target: importing a LiteLLM-shaped price table; any price read must be usable.
#include "pricetable.h"

#include <cstdint>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    const auto table = PriceTable::fromJson(bytes, &error);
    if (!table)
        return 0;
    TokenUsage usage;
    usage.prompt = 1000;
    usage.completion = 1000;
    usage.cached = 10;
    for (const QString& model : table->models())
        (void)table->costPico(model, usage);
    (void)table->toJson();
    return 0;
}
