// libFuzzer target: the incremental SSE parser, fed the same bytes whole and split in two at a
// point chosen by the input; both ways must yield the same events.
#include "sseparser.h"

#include <cstdint>
#include <cstdlib>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    const qsizetype split = bytes.isEmpty() ? 0 : qsizetype(data[0]) % (bytes.size() + 1);

    SseParser whole;
    QList<SseEvent> a = whole.feed(bytes);
    SseParser parts;
    QList<SseEvent> b = parts.feed(QByteArrayView(bytes).first(split));
    b += parts.feed(QByteArrayView(bytes).sliced(split));
    if (a.size() != b.size())
        std::abort();
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].event != b[i].event || a[i].data != b[i].data)
            std::abort();
    }
    return 0;
}
