// libFuzzer target: the OpenAI stream-chunk scan (JsonScanner) against the full parse
// (QJsonDocument). Whenever the scan answers, the full parse must accept the same bytes as an
// object without an error or usage object, and read the same content and finish reason; any
// disagreement aborts.
#include "codecjson.h"
#include "openaicodec.h"

#include <cstdint>
#include <cstdlib>

using namespace poolscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto scanned = OpenAiCodec::scanChunk(bytes);
    if (!scanned)
        return 0;
    const auto parsed = codecjson::parseObject(bytes, nullptr);
    if (!parsed || parsed->value(u"error").isObject() || parsed->value(u"usage").isObject() ||
        !(OpenAiCodec::chunkDeltaFromJson(*parsed) == *scanned))
        std::abort();
    return 0;
}
