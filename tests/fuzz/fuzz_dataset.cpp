// libFuzzer target: the dataset readers (.txt, .jsonl, .csv). Every bad line must come back as
// an error with a line number inside the input, never a crash.
#include "dataset.h"

#include <cstdint>
#include <cstdlib>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    static const char* const formats[] = {"txt", "jsonl", "csv"};
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    const Dataset dataset = parseDataset(bytes, QString::fromLatin1(formats[data[0] % 3]));
    const qsizetype lines = bytes.count('\n') + 1;
    for (const DatasetError& error : dataset.errors) {
        if (error.line < 0 || error.line > lines)
            std::abort();
    }
    for (const DatasetItem& item : dataset.items) {
        if (item.line < 1 || item.line > lines || item.request.messages.isEmpty())
            std::abort();
    }
    return 0;
}
